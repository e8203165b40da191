/**
 * Sealed inference's one error class and its status table (DESIGN.md 5 step
 * 12), registered in gateway/app.ts. RUN_MODEL_SEALED and BLOB_NODES_ONLY are
 * the refusals that keep the sealed model (and every blob) away from buyers.
 */
import { SealgateError } from '../../attest/index.js';

export type InferenceErrorCode =
  | 'INFERENCE_NOT_FOUND'
  | 'INFERENCE_RUN_NOT_SETTLED'
  | 'INFERENCE_NO_PREDICT'
  | 'INFERENCE_INPUT_TOO_LARGE'
  | 'INFERENCE_NOT_RUNNING'
  | 'RUN_MODEL_SEALED'
  | 'BLOB_NODES_ONLY';

/** A refused inference request or report, or a refused read of a sealed model or blob. */
export class InferenceError extends SealgateError<InferenceErrorCode> {}

/** Each code's HTTP status. */
export const INFERENCE_STATUSES = {
  INFERENCE_NOT_FOUND: 404,
  INFERENCE_RUN_NOT_SETTLED: 409,
  INFERENCE_NO_PREDICT: 409,
  INFERENCE_INPUT_TOO_LARGE: 413,
  INFERENCE_NOT_RUNNING: 409,
  RUN_MODEL_SEALED: 403,
  BLOB_NODES_ONLY: 403,
} satisfies Record<InferenceErrorCode, number>;
