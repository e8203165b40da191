import { SealgateError } from '../errors.js';

/**
 * Codes of a verification report that does not check (docs/verification.md).
 * Each names the first rule that failed, in the order `checkReport` runs them.
 */
export type ReportErrorCode =
  /** Not the shape of a report (the message names the path). */
  | 'REPORT_MALFORMED'
  /** A report version this code does not know. */
  | 'REPORT_UNSUPPORTED_VERSION'
  /** The key id is not the key's, or the key is not the pinned one. */
  | 'REPORT_KEY_MISMATCH'
  /** The gateway's signature over the body does not verify. */
  | 'REPORT_BAD_SIGNATURE'
  /** The egress head's signature does not verify. */
  | 'REPORT_HEAD_BAD_SIGNATURE'
  /** The egress head disagrees with the body (run, count, bytes, flagged entries). */
  | 'REPORT_HEAD_MISMATCH'
  /** A flag is not the one its egress entry records. */
  | 'REPORT_FLAG_MISMATCH'
  /** A flag's inclusion proof does not lead to the head's root. */
  | 'REPORT_PROOF_INVALID'
  /** The verdict does not follow from the body. */
  | 'REPORT_VERDICT_MISMATCH';

/** A report that does not check (see {@link ReportErrorCode}). */
export class ReportError extends SealgateError<ReportErrorCode> {}
