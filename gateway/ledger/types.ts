/**
 * The ledger's values: what callers post (TransactionInput), what is stored
 * and hash-chained (LedgerEntry), and the signed blocks that seal entries
 * (LedgerBlock). Amounts are token base units: bigint in memory, decimal
 * strings in storage and exports (JSON has no bigint).
 */
import type { SigningKeyPair } from '../../attest/index.js';

/** How a ledger signs blocks and tells the time. */
export interface LedgerOptions {
  readonly now: () => Date;
  readonly signer: SigningKeyPair;
  readonly signerKeyId: string;
}

/** One leg of a transaction: `amount` > 0 credits `account` (balance up), < 0 debits it. */
export interface Posting {
  readonly account: string;
  readonly amount: bigint;
}

/** What a transaction is for. */
export type TransactionKind =
  'mint' | 'escrow' | 'settle' | 'refund' | 'transfer' | 'bond' | 'penalty' | 'reward';

/** The allowlist of transaction kinds. */
export const TRANSACTION_KINDS: readonly TransactionKind[] = [
  'mint',
  'escrow',
  'settle',
  'refund',
  'transfer',
  'bond',
  'penalty',
  'reward',
];

/** A transaction as the gateway posts it. */
export interface TransactionInput {
  /** Idempotency key, unique forever: `escrow:${runId}`, `settle:${runId}`, `credit:${nonce}`... */
  readonly key: string;
  readonly kind: TransactionKind;
  readonly postings: readonly Posting[];
  readonly memo?: string;
  /** What it is about (a run id, an account id). */
  readonly ref?: string;
  /** E.g. the rate and split frozen at order time. */
  readonly meta?: Readonly<Record<string, string>>;
}

/** A posting as stored: the amount as a canonical decimal string. */
export interface StoredPosting {
  readonly account: string;
  readonly amount: string;
}

/** A committed transaction, hash-chained to the one before it. */
export interface LedgerEntry {
  /** 1, 2, 3...: the entry's position in the ledger. */
  readonly seq: number;
  /** The seq of the first entry of the group it was committed with (one atomic write). */
  readonly group: number;
  readonly key: string;
  readonly kind: TransactionKind;
  readonly postings: readonly StoredPosting[];
  readonly memo?: string;
  readonly ref?: string;
  readonly meta?: Readonly<Record<string, string>>;
  /** ISO 8601 commit time. */
  readonly time: string;
  /** The previous entry's hash (hex); 64 zeros for the first entry. */
  readonly prevHash: string;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of this entry without `hash`. */
  readonly hash: string;
}

/** A signed seal over the entries committed since the previous block. */
export interface LedgerBlock {
  /** 1, 2, 3... */
  readonly height: number;
  /** The first sealed seq (the previous block's lastSeq + 1). */
  readonly firstSeq: number;
  /** The last sealed seq; firstSeq - 1 for an empty block. */
  readonly lastSeq: number;
  readonly count: number;
  /** RFC 6962 Merkle root (hex) over the sealed entries' 32-byte hashes, in seq order. */
  readonly entriesRoot: string;
  /** The previous block's hash (hex); 64 zeros for the first block. */
  readonly prevHash: string;
  readonly time: string;
  /** Which gateway key signed (informational; verification uses the key it is given). */
  readonly keyId: string;
  /** Ed25519 (base64) over the canonical JSON of the block without `signature` and `hash`. */
  readonly signature: string;
  /** SHA-256 (hex) of the canonical JSON of the block without `signature` and `hash`. */
  readonly hash: string;
}

/** The hash that stands before the first entry and the first block. */
export const GENESIS_HASH = '0'.repeat(64);

/** The Ed25519 domain label of block signatures (see attest/signature.ts). */
export const BLOCK_SIGNATURE_LABEL = 'sealgate ledger block v1';

/** The one account allowed below zero: where tokens come from. */
export const MINT_ACCOUNT = 'mint';
