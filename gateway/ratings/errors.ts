/** The ratings area's one error class and its status table (registered in gateway/app.ts). */
import { SealgateError } from '../../attest/index.js';

export type RatingErrorCode =
  'RATING_RUN_NOT_FOUND' | 'RATING_SELF_TRADE' | 'RATING_NOT_SETTLED' | 'RATING_ALREADY_RATED';

/** A refused rating. */
export class RatingError extends SealgateError<RatingErrorCode> {}

export const RATING_STATUSES = {
  // a non-party learns nothing about the run, as on GET /v1/runs/:id
  RATING_RUN_NOT_FOUND: 404,
  RATING_SELF_TRADE: 403,
  RATING_NOT_SETTLED: 409,
  RATING_ALREADY_RATED: 409,
} satisfies Record<RatingErrorCode, number>;
