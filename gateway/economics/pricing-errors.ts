/**
 * The pricing area's one error class (unit costs, speeds, resource-based
 * charges; issue 6) and its status table, registered in gateway/app.ts.
 */
import { SealgateError } from '../../attest/index.js';

export type PricingErrorCode =
  /** A by-use rate is below the operator's floor for that resource (DESIGN.md 9). */
  | 'PRICING_BELOW_FLOOR'
  /** A usage quantity is negative or not a finite number. */
  | 'PRICING_BAD_USAGE';

/** A refused by-use price or usage. */
export class PricingError extends SealgateError<PricingErrorCode> {}

/** Each code's HTTP status. */
export const PRICING_STATUSES = {
  PRICING_BELOW_FLOOR: 422,
  PRICING_BAD_USAGE: 400,
} as const satisfies Record<PricingErrorCode, number>;
