/** The model catalog's one error class and its status table (docs/catalog.md). */
import { SealgateError } from '../../attest/index.js';

export type ModelErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_NOT_PUBLISHER'
  | 'MODEL_EXISTS'
  | 'MODEL_PRICE_BELOW_FLOOR'
  | 'MODEL_ARCHIVE_MISSING';

/** An error of the model catalog. */
export class ModelError extends SealgateError<ModelErrorCode> {}

export const MODEL_STATUSES = {
  MODEL_NOT_FOUND: 404,
  MODEL_NOT_PUBLISHER: 403,
  MODEL_EXISTS: 409,
  MODEL_PRICE_BELOW_FLOOR: 400,
  MODEL_ARCHIVE_MISSING: 400,
} satisfies Record<ModelErrorCode, number>;
