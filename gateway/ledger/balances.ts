/**
 * The balance cache as a checkpoint (docs/ledger.md section 3): balances are
 * written to disk only when a block is sealed, in the block's own batch,
 * together with the seq they reflect (`ledger-checkpoint/seq`). Between seals
 * they live in memory; opening the ledger (or reading a stopped gateway's
 * balances) replays the entries committed after the checkpoint. The entries
 * stay the truth: a commit writes its entries and keys only, which is what
 * makes a settlement cost little more than the raw write of its entries.
 */
import { parseEntry } from './codec.js';
import { LedgerError } from './errors.js';
import type { LedgerSublevels } from './storage.js';
import { orderKey } from './storage.js';

/** The key of the checkpoint's seq in `ledger-checkpoint`. */
export const CHECKPOINT_KEY = 'seq';

/** Balances as of `seq`, and the accounts that moved after the stored checkpoint. */
export interface CurrentBalances {
  readonly balances: Map<string, bigint>;
  /** The seq the stored checkpoint reflects (0 before the first seal). */
  readonly checkpointSeq: number;
  /** Accounts changed by the entries after the checkpoint (written at the next seal). */
  readonly dirty: Set<string>;
}

const DECIMAL = /^-?[0-9]+$/;

/** Whether `value` is a checkpoint seq: a safe integer of 0 or more. */
export function isCheckpointSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * The current balances of a ledger's sublevels: the stored checkpoint plus
 * the postings of every entry after it. Stored data that does not parse is
 * LEDGER_CORRUPT.
 */
export async function currentBalances(subs: LedgerSublevels): Promise<CurrentBalances> {
  const balances = new Map<string, bigint>();
  for await (const [account, value] of subs.balances.iterator()) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) {
      throw new LedgerError('LEDGER_CORRUPT', `the cached balance of ${account} is not a decimal`);
    }
    balances.set(account, BigInt(value));
  }
  const stored = await subs.checkpoint.get(CHECKPOINT_KEY);
  if (stored !== undefined && !isCheckpointSeq(stored)) {
    throw new LedgerError('LEDGER_CORRUPT', 'the balance checkpoint seq is not a count');
  }
  const checkpointSeq = stored ?? 0;
  const dirty = new Set<string>();
  for await (const raw of subs.entries.values({ gt: orderKey(checkpointSeq) })) {
    for (const p of parseEntry(raw).postings) {
      balances.set(p.account, (balances.get(p.account) ?? 0n) + BigInt(p.amount));
      dirty.add(p.account);
    }
  }
  return { balances, checkpointSeq, dirty };
}
