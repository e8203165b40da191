/**
 * Where the ledger lives in the gateway's LevelDB store: five sublevels, all
 * prefixed `ledger-`. A commit writes its entries and keys in one atomic batch;
 * sealing a block writes the block, the changed balances and the checkpoint in
 * another.
 *
 * - `ledger-entries`: zero-padded seq -> LedgerEntry
 * - `ledger-keys`:    idempotency key -> seq
 * - `ledger-balances`: account -> balance (decimal string), the cache as of
 *   the checkpoint (written when a block is sealed; balances.ts)
 * - `ledger-checkpoint`: `seq` -> the seq the cached balances reflect
 * - `ledger-blocks`:  zero-padded height -> LedgerBlock
 */
import type { Store, Sublevel } from '../store/index.js';

/** The ledger's sublevels of one store. */
export interface LedgerSublevels {
  readonly entries: Sublevel;
  readonly keys: Sublevel;
  readonly balances: Sublevel;
  readonly checkpoint: Sublevel;
  readonly blocks: Sublevel;
}

/** The ledger's sublevels of `store`. */
export function ledgerSublevels(store: Store): LedgerSublevels {
  return {
    entries: store.sublevel('ledger-entries'),
    keys: store.sublevel('ledger-keys'),
    balances: store.sublevel('ledger-balances'),
    checkpoint: store.sublevel('ledger-checkpoint'),
    blocks: store.sublevel('ledger-blocks'),
  };
}

/** A seq or height as a key that sorts in numeric order (16 digits cover every safe integer). */
export function orderKey(n: number): string {
  return String(n).padStart(16, '0');
}

/** The last value of a sublevel in key order, or undefined when it is empty. */
export async function lastValue(sub: Sublevel): Promise<unknown> {
  const [last] = await sub.values({ reverse: true, limit: 1 }).all();
  return last;
}
