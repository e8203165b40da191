/**
 * Hashing, signing and parsing of ledger entries and blocks. Parsing is
 * strict (parse, then verify): stored and exported data is untrusted when
 * verified offline, so every field is checked for type and shape before any
 * invariant is evaluated. Hashes are SHA-256 over RFC 8785 canonical JSON.
 */
import { createHash } from 'node:crypto';
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  MerkleTree,
  base64ToBytes,
  bytesToHex,
  canonicalizeBytes,
  verifyDetached,
} from '../../attest/index.js';
import { LedgerError } from './errors.js';
import type { LedgerBlock, LedgerEntry, StoredPosting, TransactionKind } from './types.js';
import { BLOCK_SIGNATURE_LABEL, TRANSACTION_KINDS } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;
const AMOUNT = /^-?[1-9][0-9]{0,39}$/;
// RFC 8785 section 3.2.2.2 hashes only well-formed Unicode.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** An entry without its hash: what the hash covers. */
export type EntryBody = Omit<LedgerEntry, 'hash'>;
/** A block without signature and hash: what both cover. */
export type BlockBody = Omit<LedgerBlock, 'signature' | 'hash'>;

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

// SHA-256 (FIPS 180-4) through node:crypto: OpenSSL's assembly is about three times as fast as
// the pure-JS one on an entry's few hundred bytes, and every settlement hashes its entries.
function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** SHA-256 (hex) of the canonical JSON of an entry body. */
export function entryHash(body: EntryBody): string {
  return sha256Hex(canonicalizeBytes(body));
}

/** SHA-256 (hex) of the canonical JSON of a block body. */
export function blockHash(body: BlockBody): string {
  return sha256Hex(canonicalizeBytes(body));
}

/** True when `signature` (base64) is the gateway's Ed25519 signature over the block body. */
export function blockSignatureValid(body: BlockBody, signature: string, publicKey: Uint8Array): boolean {
  const sig = base64ToBytes(signature);
  return sig !== undefined && verifyDetached(BLOCK_SIGNATURE_LABEL, canonicalizeBytes(body), sig, publicKey);
}

/**
 * The RFC 6962 Merkle tree hash (section 2.1) over entry hashes, in seq order:
 * each leaf is SHA-256(0x00 || the entry's 32-byte hash). Hex.
 */
export function entriesRoot(hashes: readonly Uint8Array[]): string {
  const tree = new MerkleTree();
  for (const h of hashes) tree.append(h);
  return bytesToHex(tree.root());
}

/** The 32 bytes of a hex hash already checked by a parser. */
export function hashBytes(hex: string): Uint8Array {
  return hexToBytes(hex);
}

/** The body of an entry (everything but `hash`), with absent optional fields left out. */
export function entryBody(entry: LedgerEntry): EntryBody {
  const body: Mutable<LedgerEntry> = { ...entry };
  delete body.hash;
  return body as EntryBody;
}

/** The body of a block (everything but `signature` and `hash`). */
export function blockBody(block: LedgerBlock): BlockBody {
  const body: Mutable<LedgerBlock> = { ...block };
  delete body.signature;
  delete body.hash;
  return body as BlockBody;
}

type Fields = Record<string, unknown>;

function fail(code: 'LEDGER_ENTRY_MALFORMED' | 'LEDGER_BLOCK_MALFORMED', what: string): never {
  throw new LedgerError(code, what);
}

function record(value: unknown, code: 'LEDGER_ENTRY_MALFORMED' | 'LEDGER_BLOCK_MALFORMED'): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(code, 'not an object');
  return value as Fields;
}

function onlyKeys(
  v: Fields,
  allowed: readonly string[],
  code: 'LEDGER_ENTRY_MALFORMED' | 'LEDGER_BLOCK_MALFORMED',
): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) fail(code, `unknown field ${k}`);
}

function count(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

function text(value: unknown): value is string {
  return typeof value === 'string';
}

function parsePostings(value: unknown): StoredPosting[] {
  if (!Array.isArray(value)) fail('LEDGER_ENTRY_MALFORMED', 'postings is not an array');
  return value.map((p: unknown) => {
    const f = record(p, 'LEDGER_ENTRY_MALFORMED');
    onlyKeys(f, ['account', 'amount'], 'LEDGER_ENTRY_MALFORMED');
    if (!text(f.account) || !text(f.amount) || !AMOUNT.test(f.amount)) {
      fail('LEDGER_ENTRY_MALFORMED', 'a posting needs an account and a decimal amount');
    }
    return { account: f.account, amount: f.amount };
  });
}

function parseMeta(value: unknown): Record<string, string> {
  const f = record(value, 'LEDGER_ENTRY_MALFORMED');
  for (const v of Object.values(f)) if (!text(v)) fail('LEDGER_ENTRY_MALFORMED', 'meta values are strings');
  return { ...(f as Record<string, string>) };
}

const ENTRY_FIELDS = [
  'seq',
  'group',
  'key',
  'kind',
  'postings',
  'memo',
  'ref',
  'meta',
  'time',
  'prevHash',
  'hash',
];

/** Parse a stored or exported entry; LEDGER_ENTRY_MALFORMED names the first bad field. */
export function parseEntry(value: unknown): LedgerEntry {
  const f = record(value, 'LEDGER_ENTRY_MALFORMED');
  onlyKeys(f, ENTRY_FIELDS, 'LEDGER_ENTRY_MALFORMED');
  if (!count(f.seq, 1) || !count(f.group, 1))
    fail('LEDGER_ENTRY_MALFORMED', 'seq and group are positive integers');
  if (!text(f.key) || !text(f.time)) fail('LEDGER_ENTRY_MALFORMED', 'key and time are strings');
  if (!TRANSACTION_KINDS.includes(f.kind as TransactionKind)) fail('LEDGER_ENTRY_MALFORMED', 'unknown kind');
  if (!text(f.prevHash) || !HEX64.test(f.prevHash) || !text(f.hash) || !HEX64.test(f.hash)) {
    fail('LEDGER_ENTRY_MALFORMED', 'prevHash and hash are 64 hex digits');
  }
  if ((f.memo !== undefined && !text(f.memo)) || (f.ref !== undefined && !text(f.ref))) {
    fail('LEDGER_ENTRY_MALFORMED', 'memo and ref are strings');
  }
  return {
    seq: f.seq,
    group: f.group,
    key: f.key,
    kind: f.kind as TransactionKind,
    postings: parsePostings(f.postings),
    ...(f.memo === undefined ? {} : { memo: f.memo }),
    ...(f.ref === undefined ? {} : { ref: f.ref }),
    ...(f.meta === undefined ? {} : { meta: parseMeta(f.meta) }),
    time: f.time,
    prevHash: f.prevHash,
    hash: f.hash,
  };
}

const BLOCK_FIELDS = [
  'height',
  'firstSeq',
  'lastSeq',
  'count',
  'entriesRoot',
  'prevHash',
  'time',
  'keyId',
  'signature',
  'hash',
];

/** Parse a stored or exported block; LEDGER_BLOCK_MALFORMED names the first bad field. */
export function parseBlock(value: unknown): LedgerBlock {
  const f = record(value, 'LEDGER_BLOCK_MALFORMED');
  onlyKeys(f, BLOCK_FIELDS, 'LEDGER_BLOCK_MALFORMED');
  if (!count(f.height, 1) || !count(f.firstSeq, 1) || !count(f.lastSeq, 0) || !count(f.count, 0)) {
    fail('LEDGER_BLOCK_MALFORMED', 'height, firstSeq, lastSeq and count are integers');
  }
  if (f.lastSeq - f.firstSeq + 1 !== f.count)
    fail('LEDGER_BLOCK_MALFORMED', 'count does not match the seq range');
  for (const h of [f.entriesRoot, f.prevHash, f.hash]) {
    if (!text(h) || !HEX64.test(h))
      fail('LEDGER_BLOCK_MALFORMED', 'entriesRoot, prevHash and hash are 64 hex digits');
  }
  if (!text(f.time) || !text(f.keyId) || !text(f.signature)) {
    fail('LEDGER_BLOCK_MALFORMED', 'time, keyId and signature are strings');
  }
  if (LONE_SURROGATE.test(f.time) || LONE_SURROGATE.test(f.keyId))
    fail('LEDGER_BLOCK_MALFORMED', 'time and keyId are well-formed text');
  return {
    height: f.height,
    firstSeq: f.firstSeq,
    lastSeq: f.lastSeq,
    count: f.count,
    entriesRoot: f.entriesRoot as string,
    prevHash: f.prevHash as string,
    time: f.time,
    keyId: f.keyId,
    signature: f.signature,
    hash: f.hash as string,
  };
}
