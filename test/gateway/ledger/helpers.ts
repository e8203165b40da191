/**
 * Shared set-up for the ledger tests: a store on a fresh temp dir, a ledger
 * with a frozen clock and a fixed signing key, and an in-memory LedgerSource
 * for hand-built (tampered) ledgers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  bytesToBase64,
  canonicalizeBytes,
  signDetached,
  signingKeyPairFromSeed,
} from '../../../attest/index.js';
import type {
  LedgerSource,
  Posting,
  TransactionInput,
  TransactionKind,
} from '../../../gateway/ledger/index.js';
import {
  BLOCK_SIGNATURE_LABEL,
  GENESIS_HASH,
  Ledger,
  blockHash,
  entriesRoot,
  entryHash,
} from '../../../gateway/ledger/index.js';
import { Store } from '../../../gateway/store/index.js';

/** The tests' gateway key: a fixed seed, so failures reproduce. */
export const SIGNER = signingKeyPairFromSeed(new Uint8Array(32).fill(7));
export const SIGNER_KEY_ID = 'gateway-test-key';
/** The frozen clock of every test ledger. */
export const NOW = new Date('2025-01-02T03:04:05.000Z');

/** A temp dir removed when the test ends. */
export async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-ledger-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Open the store and ledger of `dir`. */
export async function openLedger(dir: string): Promise<{ store: Store; ledger: Ledger }> {
  const store = await Store.open(dir);
  const ledger = await Ledger.open(store, { now: () => NOW, signer: SIGNER, signerKeyId: SIGNER_KEY_ID });
  return { store, ledger };
}

/** A fresh store and ledger on a temp dir, closed when the test ends. */
export async function freshLedger(t: {
  teardown(fn: () => Promise<void>): void;
}): Promise<{ dir: string; store: Store; ledger: Ledger }> {
  const dir = await tempDir(t);
  const { store, ledger } = await openLedger(dir);
  let closed = false;
  t.teardown(async () => {
    if (!closed) await store.close();
    closed = true;
  });
  return { dir, store, ledger };
}

/** A transaction from [account, amount] pairs. */
export function tx(key: string, kind: TransactionKind, ...legs: [string, bigint][]): TransactionInput {
  const postings: Posting[] = legs.map(([account, amount]) => ({ account, amount }));
  return { key, kind, postings };
}

/** Mint `amount` to `account`. */
export function mint(key: string, account: string, amount: bigint): TransactionInput {
  return tx(key, 'mint', ['mint', -amount], [account, amount]);
}

/** A LedgerSource over arrays of raw values. */
export function memorySource(parts: {
  entries?: unknown[];
  blocks?: unknown[];
  balances?: [string, unknown][];
  checkpoint?: unknown;
  keys?: [string, unknown][];
}): LedgerSource {
  // eslint-disable-next-line @typescript-eslint/require-await
  const iterate = async function* <T>(items: readonly T[] | undefined): AsyncGenerator<T> {
    for (const item of items ?? []) yield item;
  };
  return {
    entries: () => iterate(parts.entries),
    blocks: () => iterate(parts.blocks),
    balances: () => iterate(parts.balances),
    checkpoint: () => Promise.resolve(parts.checkpoint),
    keys: () => iterate(parts.keys),
    close: () => Promise.resolve(),
  };
}

/** The codes of a report's problems. */
export function codes(report: { problems: readonly { code: string }[] }): string[] {
  return report.problems.map((p) => p.code);
}

/** A ledger's raw parts, as a source yields them (JSON objects, freely editable). */
export interface RawLedger {
  entries: Record<string, unknown>[];
  blocks: Record<string, unknown>[];
  balances: [string, unknown][];
  checkpoint: unknown;
  keys: [string, unknown][];
}

/** Read every part of a ledger store into plain (deep-copied) JSON. */
export async function rawLedger(source: LedgerSource): Promise<RawLedger> {
  const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
    const out: T[] = [];
    for await (const x of it) out.push(x);
    return out;
  };
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  return {
    entries: clone(await all(source.entries())) as Record<string, unknown>[],
    blocks: clone(await all(source.blocks())) as Record<string, unknown>[],
    balances: clone(await all(source.balances())) as [string, unknown][],
    checkpoint: await source.checkpoint(),
    keys: clone(await all(source.keys())) as [string, unknown][],
  };
}

/**
 * What a forger holding the gateway key could do after editing entries:
 * recompute every entry hash and link, every block's root, link, hash and
 * signature, so that only the invariant the edit broke remains broken.
 */
export function reseal(raw: RawLedger, secretKey: Uint8Array = SIGNER.secretKey): RawLedger {
  let prev = GENESIS_HASH;
  const byseq = new Map<number, Uint8Array>();
  for (const e of raw.entries) {
    e.prevHash = prev;
    delete e.hash;
    e.hash = entryHash(e as unknown as Parameters<typeof entryHash>[0]);
    prev = e.hash as string;
    byseq.set(e.seq as number, hexToBytes(prev));
  }
  let prevBlock = GENESIS_HASH;
  for (const b of raw.blocks) {
    const hashes: Uint8Array[] = [];
    for (let s = b.firstSeq as number; s <= (b.lastSeq as number); s++) {
      const h = byseq.get(s);
      if (h) hashes.push(h);
    }
    b.entriesRoot = entriesRoot(hashes);
    b.prevHash = prevBlock;
    resign(b, secretKey);
    prevBlock = b.hash as string;
  }
  return raw;
}

/** Recompute a block's hash and signature over its current body. */
export function resign(b: Record<string, unknown>, secretKey: Uint8Array = SIGNER.secretKey): void {
  delete b.signature;
  delete b.hash;
  const body = b as unknown as Parameters<typeof blockHash>[0];
  const signature = bytesToBase64(signDetached(BLOCK_SIGNATURE_LABEL, canonicalizeBytes(body), secretKey));
  const hash = blockHash(body);
  b.signature = signature;
  b.hash = hash;
}
