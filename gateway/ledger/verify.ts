/**
 * Offline verification of a ledger (`sealgate ledger verify`, DESIGN.md
 * section 9): replays every entry from a source that is not trusted, and
 * reports every broken invariant with its own code instead of stopping at the
 * first. Nothing here needs a running gateway, only its public key.
 */
import { LedgerError } from './errors.js';
import { isCheckpointSeq } from './balances.js';
import { hashBytes } from './codec.js';
import type { LedgerProblem } from './problems.js';
import { Problems } from './problems.js';
import type { LedgerSource } from './source.js';
import { BlockReplay } from './verify-blocks.js';
import { EntryReplay } from './verify-entries.js';

/** What {@link verifyLedger} found. */
export interface LedgerReport {
  /** True when no invariant is broken. */
  readonly ok: boolean;
  /** Entries read. */
  readonly entries: number;
  /** Blocks read. */
  readonly blocks: number;
  /** The last seq sealed by a block (entries after it are committed but not yet sealed). */
  readonly sealedSeq: number;
  /** The balances rebuilt from the entries. */
  readonly balances: ReadonlyMap<string, bigint>;
  /** Broken invariants, at most MAX_PROBLEMS of them. */
  readonly problems: readonly LedgerProblem[];
  /** Problems found beyond those listed. */
  readonly problemsOmitted: number;
}

const DECIMAL = /^-?[0-9]{1,40}$/;

// The stored balance cache must equal the balances rebuilt from the entries up to its checkpoint.
async function checkBalances(
  source: LedgerSource,
  rebuilt: ReadonlyMap<string, bigint>,
  problems: Problems,
): Promise<void> {
  const seen = new Set<string>();
  for await (const [account, stored] of source.balances()) {
    seen.add(account);
    const want = rebuilt.get(account) ?? 0n;
    if (typeof stored !== 'string' || !DECIMAL.test(stored) || BigInt(stored) !== want) {
      problems.add(
        'LEDGER_BALANCE_MISMATCH',
        `${account}: cached ${JSON.stringify(stored)}, rebuilt ${want}`,
      );
    }
  }
  for (const [account, want] of rebuilt) {
    if (!seen.has(account) && want !== 0n)
      problems.add('LEDGER_BALANCE_MISMATCH', `${account}: not cached, rebuilt ${want}`);
  }
}

// The idempotency index must map exactly the entries' keys to their seqs.
async function checkKeys(
  source: LedgerSource,
  keys: ReadonlyMap<string, number>,
  problems: Problems,
): Promise<void> {
  let indexed = 0;
  for await (const [key, seq] of source.keys()) {
    if (keys.get(key) !== seq) {
      problems.add(
        'LEDGER_KEY_INDEX_MISMATCH',
        `index maps ${key} to ${JSON.stringify(seq)}, entries to ${keys.get(key)}`,
      );
    } else indexed += 1;
  }
  if (indexed !== keys.size)
    problems.add('LEDGER_KEY_INDEX_MISMATCH', `${keys.size - indexed} entry keys are not indexed`);
}

/**
 * Verify the ledger read from `source` against the gateway's Ed25519 public
 * key: contiguous seqs, recomputed entry hashes and their chain, balanced
 * entries, no balance but the mint's below zero after any commit group,
 * unique idempotency keys and their index, contiguous blocks covering every
 * sealed entry with correct Merkle roots, hashes, chain and signatures, and a
 * balance cache equal to the balances rebuilt from the entries up to the
 * checkpoint seq stored with it. A source
 * that cannot be read to the end (a malformed export line) is a problem too.
 * Throws only LEDGER_BAD_PUBLIC_KEY, or an I/O error of the source.
 *
 * @example
 * ```ts
 * const report = await verifyLedger(readLedgerExport('ledger.jsonl'), gatewayPublicKey);
 * if (!report.ok) console.log(report.problems);
 * ```
 */
export async function verifyLedger(source: LedgerSource, publicKey: Uint8Array): Promise<LedgerReport> {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
    throw new LedgerError('LEDGER_BAD_PUBLIC_KEY', 'the gateway public key is 32 bytes of Ed25519');
  }
  const problems = new Problems();
  const entries = new EntryReplay(problems);
  const blocks = new BlockReplay(source.blocks()[Symbol.asyncIterator](), publicKey, problems);
  const atCheckpoint: { balances?: ReadonlyMap<string, bigint> } = {};
  let checkpoint: unknown;
  try {
    checkpoint = (await source.checkpoint()) ?? 0;
    if (checkpoint === 0) atCheckpoint.balances = new Map();
    await blocks.drain(0);
    for await (const raw of source.entries()) {
      const entry = entries.apply(raw);
      if (isCheckpointSeq(checkpoint) && entries.lastSeq === checkpoint)
        atCheckpoint.balances = new Map(entries.balances);
      blocks.entry(entries.lastSeq, entry && hashBytes(entry.hash));
      await blocks.drain(entries.lastSeq);
    }
    entries.finish();
    await blocks.finish(entries.lastSeq);
    await checkKeys(source, entries.keys, problems);
    if (atCheckpoint.balances) await checkBalances(source, atCheckpoint.balances, problems);
    else {
      problems.add(
        'LEDGER_CHECKPOINT_INVALID',
        `the balance checkpoint seq ${JSON.stringify(checkpoint)} is not the seq of an entry`,
      );
    }
  } catch (err) {
    if (!(err instanceof LedgerError) || err.code !== 'LEDGER_EXPORT_MALFORMED') throw err;
    problems.add('LEDGER_EXPORT_MALFORMED', err.message);
  }
  return {
    ok: problems.empty,
    entries: entries.count,
    blocks: blocks.count,
    sealedSeq: blocks.sealedSeq,
    balances: entries.balances,
    problems: problems.list,
    problemsOmitted: problems.omitted,
  };
}
