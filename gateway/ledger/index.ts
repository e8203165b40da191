/** The gateway's double-entry ledger (DESIGN.md section 9, docs/ledger.md). */
export { LedgerError } from './errors.js';
export type {
  LedgerCommitErrorCode,
  LedgerDataErrorCode,
  LedgerErrorCode,
  LedgerVerifyCode,
} from './errors.js';
export type {
  LedgerBlock,
  LedgerEntry,
  Posting,
  StoredPosting,
  TransactionInput,
  TransactionKind,
} from './types.js';
export { BLOCK_SIGNATURE_LABEL, GENESIS_HASH, MINT_ACCOUNT, TRANSACTION_KINDS } from './types.js';
export { ACCOUNT_PATTERN, MAX_AMOUNT, isAccount } from './validate.js';
export { blockHash, entriesRoot, entryHash } from './codec.js';
export { Ledger } from './ledger.js';
export type { CommitResult } from './ledger.js';
export type { LedgerOptions } from './types.js';
export { fiatToTokens, splitSettlement } from './economics.js';
export type { ExchangeRate, SettlementShares, SettlementSplit } from './economics.js';
export type { LedgerSource } from './source.js';
export { ledgerSourceFromDataDir, ledgerSourceFromStore, openLedgerStore } from './source.js';
export { exportLedger, readLedgerExport } from './export.js';
export { verifyLedger } from './verify.js';
export type { LedgerReport } from './verify.js';
export type { LedgerProblem } from './problems.js';
export { MAX_PROBLEMS } from './problems.js';
export { GATEWAY_PUBLIC_KEY_FILE, ledgerBalance, ledgerVerify, readGatewayPublicKey } from './cli.js';
export type { AccountBalance } from './cli.js';
