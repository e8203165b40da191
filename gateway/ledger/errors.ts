/**
 * The ledger's one error class and its codes (DESIGN.md section 9). Commit
 * codes name the rule a transaction group broke; verify codes name the
 * invariant an offline check found broken (they appear in a LedgerReport's
 * problems, and LedgerError is thrown only for commit and input errors).
 */
import { SealgateError } from '../../attest/index.js';

/** Codes raised when a transaction group, a split or a rate is refused. */
export type LedgerCommitErrorCode =
  | 'LEDGER_EMPTY_GROUP'
  | 'LEDGER_BAD_KEY'
  | 'LEDGER_DUPLICATE_KEY'
  | 'LEDGER_BAD_KIND'
  | 'LEDGER_BAD_POSTINGS'
  | 'LEDGER_BAD_ACCOUNT'
  | 'LEDGER_BAD_AMOUNT'
  | 'LEDGER_BAD_FIELD'
  | 'LEDGER_UNBALANCED'
  | 'LEDGER_INSUFFICIENT_FUNDS'
  | 'LEDGER_KEY_CONFLICT'
  | 'LEDGER_KEY_REUSED'
  | 'LEDGER_BAD_SPLIT'
  | 'LEDGER_BAD_RATE';

/** Codes of stored or exported data that does not parse, and of sources that cannot be read. */
export type LedgerDataErrorCode =
  | 'LEDGER_CORRUPT'
  | 'LEDGER_NO_DATA'
  | 'LEDGER_STORE_BUSY'
  | 'LEDGER_NO_PUBLIC_KEY'
  | 'LEDGER_BAD_PUBLIC_KEY'
  | 'LEDGER_EXPORT_MALFORMED';

/** Codes of the invariants that {@link verifyLedger} checks. */
export type LedgerVerifyCode =
  | 'LEDGER_ENTRY_MALFORMED'
  | 'LEDGER_SEQ_GAP'
  | 'LEDGER_HASH_MISMATCH'
  | 'LEDGER_CHAIN_BROKEN'
  | 'LEDGER_BAD_GROUP'
  | 'LEDGER_UNBALANCED'
  | 'LEDGER_NEGATIVE_BALANCE'
  | 'LEDGER_DUPLICATE_KEY'
  | 'LEDGER_KEY_INDEX_MISMATCH'
  | 'LEDGER_BLOCK_MALFORMED'
  | 'LEDGER_BLOCK_GAP'
  | 'LEDGER_BAD_MERKLE_ROOT'
  | 'LEDGER_BLOCK_CHAIN_BROKEN'
  | 'LEDGER_BLOCK_HASH_MISMATCH'
  | 'LEDGER_BAD_BLOCK_SIGNATURE'
  | 'LEDGER_BALANCE_MISMATCH'
  | 'LEDGER_CHECKPOINT_INVALID'
  | 'LEDGER_EXPORT_MALFORMED';

/** Every ledger error code. */
export type LedgerErrorCode = LedgerCommitErrorCode | LedgerDataErrorCode | LedgerVerifyCode;

/** A refused transaction group, bad ledger data, or an unreadable ledger source. */
export class LedgerError extends SealgateError<LedgerErrorCode> {}
