/**
 * The runs area's one error class (quotes, runs, their state machine and
 * events) and its status table, registered in gateway/app.ts. Every refusal a
 * buyer, a seller or a node can meet has its own code.
 */
import { SealgateError } from '../../attest/index.js';

export type RunErrorCode =
  // what a quote or a start refers to
  | 'RUN_DATASET_NOT_FOUND'
  | 'RUN_DATASET_DELISTED'
  | 'RUN_MODEL_NOT_FOUND'
  | 'RUN_MODEL_DEPRECATED'
  // the dataset's key-release policy (DESIGN.md 7.3)
  | 'RUN_MODEL_NOT_ALLOWED'
  | 'RUN_BUYER_RATING_TOO_LOW'
  | 'RUN_DATASET_RUNS_EXHAUSTED'
  | 'RUN_DATASET_EXPIRED'
  // price (DESIGN.md 9)
  | 'RUN_PRICE_BELOW_FLOOR'
  | 'RUN_INSUFFICIENT_FUNDS'
  // the quote a run starts from
  | 'RUN_QUOTE_NOT_FOUND'
  | 'RUN_QUOTE_EXPIRED'
  | 'RUN_QUOTE_USED'
  // the run itself and its state machine
  | 'RUN_NOT_FOUND'
  | 'RUN_BUYER_ONLY'
  | 'RUN_INVALID_TRANSITION'
  | 'RUN_ALREADY_FINAL'
  | 'RUN_NOT_RUNNING'
  | 'RUN_BAD_DETAILS'
  // the buyer's hyperparameters (issue 4, docs/hyperparameters.md)
  | 'RUN_BAD_HYPERPARAMETERS';

/** A refused quote, start, transition or read of a run. */
export class RunError extends SealgateError<RunErrorCode> {}

/** Each code's HTTP status. */
export const RUN_STATUSES = {
  RUN_DATASET_NOT_FOUND: 404,
  RUN_DATASET_DELISTED: 410,
  RUN_MODEL_NOT_FOUND: 404,
  RUN_MODEL_DEPRECATED: 410,
  RUN_MODEL_NOT_ALLOWED: 403,
  RUN_BUYER_RATING_TOO_LOW: 403,
  RUN_DATASET_RUNS_EXHAUSTED: 409,
  RUN_DATASET_EXPIRED: 410,
  RUN_PRICE_BELOW_FLOOR: 422,
  RUN_INSUFFICIENT_FUNDS: 402,
  RUN_QUOTE_NOT_FOUND: 404,
  RUN_QUOTE_EXPIRED: 410,
  RUN_QUOTE_USED: 409,
  RUN_NOT_FOUND: 404,
  RUN_BUYER_ONLY: 403,
  RUN_INVALID_TRANSITION: 409,
  RUN_ALREADY_FINAL: 409,
  RUN_NOT_RUNNING: 409,
  RUN_BAD_DETAILS: 400,
  RUN_BAD_HYPERPARAMETERS: 400,
} satisfies Record<RunErrorCode, number>;
