/**
 * The egress guard's one error class and its status table, registered in
 * gateway/app.ts (docs/egress-protocol.md sections 3 and 4). Bad input from a
 * node (a malformed record, a seq gap or repeat) is a 4xx with one of these
 * codes and changes nothing; the seller's flags route and the log's readers
 * refuse with the others.
 */
import { SealgateError } from '../../attest/index.js';

export type GuardErrorCode =
  /** The records of a post do not start at the next seq of the job (a gap). */
  | 'GUARD_SEQ_GAP'
  /** A record repeats a seq the log already has. */
  | 'GUARD_SEQ_REPEAT'
  /** A record is well-typed JSON but not a record of its channel. */
  | 'GUARD_RECORD_MALFORMED'
  /** No egress log for this run or inference. */
  | 'GUARD_LOG_NOT_FOUND'
  /** No entry at this seq in the log. */
  | 'GUARD_ENTRY_NOT_FOUND'
  /** The log has no signed head yet (its run or inference has not ended). */
  | 'GUARD_LOG_OPEN'
  /** The dataset's fingerprint index could not be loaded (bad blob or key). */
  | 'GUARD_INDEX_UNAVAILABLE';

/** A refused egress post, or a read of a log that does not exist. */
export class GuardError extends SealgateError<GuardErrorCode> {}

/** Each code's HTTP status. */
export const GUARD_STATUSES = {
  GUARD_SEQ_GAP: 409,
  GUARD_SEQ_REPEAT: 409,
  GUARD_RECORD_MALFORMED: 400,
  GUARD_LOG_NOT_FOUND: 404,
  GUARD_ENTRY_NOT_FOUND: 404,
  GUARD_LOG_OPEN: 409,
  GUARD_INDEX_UNAVAILABLE: 503,
} satisfies Record<GuardErrorCode, number>;
