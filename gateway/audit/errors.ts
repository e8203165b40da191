/**
 * The canary audit's one error class and its status table (docs/audit.md),
 * registered in gateway/app.ts.
 */
import { SealgateError } from '../../attest/index.js';

export type AuditErrorCode =
  | 'AUDIT_NOT_FOUND'
  | 'AUDIT_RUN_NOT_SETTLED'
  | 'AUDIT_NO_CANARIES'
  | 'AUDIT_NO_LOSS'
  | 'AUDIT_SELLER_CUSTODY'
  | 'AUDIT_NOT_RUNNING'
  | 'AUDIT_ANSWERS_INVALID';

/** A refused audit request or node report. */
export class AuditError extends SealgateError<AuditErrorCode> {}

/** Each code's HTTP status. */
export const AUDIT_STATUSES = {
  AUDIT_NOT_FOUND: 404,
  AUDIT_RUN_NOT_SETTLED: 409,
  AUDIT_NO_CANARIES: 409,
  AUDIT_NO_LOSS: 409,
  AUDIT_SELLER_CUSTODY: 409,
  AUDIT_NOT_RUNNING: 409,
  AUDIT_ANSWERS_INVALID: 422,
} satisfies Record<AuditErrorCode, number>;
