/** The verification area's error class and status table (docs/verification.md). */
import { SealgateError } from '../../attest/index.js';

export type VerificationErrorCode =
  /** Not the dataset's seller, or no such run or verification: the same answer, so ids do not leak. */
  | 'VERIFICATION_FORBIDDEN'
  /** The run has not ended: its egress log is not closed and signed yet. */
  | 'VERIFICATION_RUN_ACTIVE'
  /** The report could not be assembled (the message says which part). */
  | 'VERIFICATION_FAILED';

export class VerificationError extends SealgateError<VerificationErrorCode> {}

export const VERIFICATION_STATUSES = {
  VERIFICATION_FORBIDDEN: 403,
  VERIFICATION_RUN_ACTIVE: 409,
  VERIFICATION_FAILED: 500,
} satisfies Record<VerificationErrorCode, number>;
