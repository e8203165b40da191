/**
 * The bonds area's one error class (bonds, penalties, placement;
 * docs/bonds-and-placement.md) and its status table, registered in
 * gateway/app.ts.
 */
import { SealgateError } from '../../attest/index.js';

export type BondErrorCode =
  | 'BOND_NOT_MINER'
  | 'BOND_BAD_AMOUNT'
  | 'BOND_INSUFFICIENT_FUNDS'
  | 'BOND_RUN_ACTIVE'
  | 'BOND_PENALTY_PENDING'
  | 'PENALTY_NOT_FOUND'
  | 'PENALTY_NOT_YOURS'
  | 'PENALTY_APPEAL_CLOSED'
  | 'PENALTY_NOT_APPEALED'
  | 'PENALTY_DECIDED';

/** A refused bond, withdrawal, appeal or decision. */
export class BondError extends SealgateError<BondErrorCode> {}

/** Each code's HTTP status. */
export const BOND_STATUSES = {
  BOND_NOT_MINER: 403,
  BOND_BAD_AMOUNT: 400,
  BOND_INSUFFICIENT_FUNDS: 402,
  BOND_RUN_ACTIVE: 409,
  BOND_PENALTY_PENDING: 409,
  PENALTY_NOT_FOUND: 404,
  PENALTY_NOT_YOURS: 403,
  PENALTY_APPEAL_CLOSED: 409,
  PENALTY_NOT_APPEALED: 409,
  PENALTY_DECIDED: 409,
} satisfies Record<BondErrorCode, number>;
