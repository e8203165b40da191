/**
 * The gateway's double-entry ledger (DESIGN.md section 9) on the LevelDB
 * store: transaction groups are validated, hash-chained and written with
 * their idempotency records and the caller's own state change in ONE synced
 * batch; entries are sealed into Ed25519-signed blocks, and the balance cache
 * is checkpointed with each block (balances.ts).
 */
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { CHECKPOINT_KEY, currentBalances } from './balances.js';
import { hashBytes, parseEntry } from './codec.js';
import { committedEntryHash } from './entry-json.js';
import { LedgerError } from './errors.js';
import { BlockSealer } from './seal.js';
import type { LedgerSublevels } from './storage.js';
import { lastValue, ledgerSublevels, orderKey } from './storage.js';
import type { LedgerBlock, LedgerEntry, LedgerOptions, TransactionInput } from './types.js';
import { GENESIS_HASH } from './types.js';
import { applyGroup, checkGroup } from './validate.js';

/** What a commit returns: the group's entries, and whether this call wrote them. */
export interface CommitResult {
  readonly entries: LedgerEntry[];
  readonly applied: boolean;
}

// An input and its stored entry are the same transaction when kind and postings agree.
function sameTransaction(input: TransactionInput, entry: LedgerEntry): boolean {
  return (
    input.kind === entry.kind &&
    input.postings.length === entry.postings.length &&
    input.postings.every(
      (p, i) => p.account === entry.postings[i].account && String(p.amount) === entry.postings[i].amount,
    )
  );
}

/** The ledger. Open one per store; every write goes through the store's lock. */
export class Ledger {
  readonly #subs: LedgerSublevels;
  readonly #balances: Map<string, bigint>;
  /** Accounts moved since the last checkpoint: written when the next block is sealed. */
  readonly #dirty: Set<string>;
  readonly #sealer: BlockSealer;
  #lastSeq: number;
  #lastHash: string;

  private constructor(
    readonly store: Store,
    private readonly options: LedgerOptions,
    state: {
      subs: LedgerSublevels;
      balances: Map<string, bigint>;
      dirty: Set<string>;
      last?: LedgerEntry;
      sealer: BlockSealer;
    },
  ) {
    this.#subs = state.subs;
    this.#balances = state.balances;
    this.#dirty = state.dirty;
    this.#sealer = state.sealer;
    this.#lastSeq = state.last?.seq ?? 0;
    this.#lastHash = state.last?.hash ?? GENESIS_HASH;
  }

  /** Open the ledger of `store`: the balances (checkpoint + replay), the chain head and the unsealed entries. */
  static async open(store: Store, options: LedgerOptions): Promise<Ledger> {
    const subs = ledgerSublevels(store);
    const { balances, dirty } = await corrupt(() => currentBalances(subs));
    const last = await corrupt(async () => {
      const raw = await lastValue(subs.entries);
      return raw === undefined ? undefined : parseEntry(raw);
    });
    const sealer = await corrupt(() => BlockSealer.load(store, subs, options));
    return new Ledger(store, options, { subs, balances, dirty, ...(last ? { last } : {}), sealer });
  }

  /** The seq of the last committed entry (0 when empty). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The height of the last sealed block (0 when none). */
  get height(): number {
    return this.#sealer.height;
  }

  /** The last seq sealed into a block (0 when none); entries after it await the next block. */
  get sealedSeq(): number {
    return this.#sealer.sealedSeq;
  }

  /** The balance of `account` from the in-memory cache (0 when it never moved). */
  balance(account: string): bigint {
    return this.#balances.get(account) ?? 0n;
  }

  /** Every balance in the cache. */
  balances(): ReadonlyMap<string, bigint> {
    return new Map(this.#balances);
  }

  /**
   * Commit a group of transactions atomically; the caller already holds
   * `store.exclusive`. Validates every input, then writes the entries, the
   * idempotency records and `extraOps` in one synced batch (the balances
   * change in memory and reach disk with the next block). When every key was already committed, writes nothing (not even
   * `extraOps`) and returns the stored entries with `applied: false`; a key
   * reused for a different transaction is LEDGER_KEY_REUSED, a group mixing
   * committed and new keys is LEDGER_KEY_CONFLICT.
   */
  async commitLocked(inputs: readonly TransactionInput[], extraOps: BatchOp[] = []): Promise<CommitResult> {
    if (!this.store.locked) throw new TypeError('commitLocked needs store.exclusive to be held');
    checkGroup(inputs);
    const seqs = this.#committedSeqs(inputs);
    const done = seqs.filter((s) => s !== undefined).length;
    if (done > 0) return this.#replayed(inputs, seqs, done);
    const changed = applyGroup(this.#balances, inputs);
    const time = this.options.now().toISOString();
    const group = this.#lastSeq + 1;
    let prevHash = this.#lastHash;
    const entries = inputs.map((input, i): LedgerEntry => {
      const body = {
        seq: group + i,
        group,
        key: input.key,
        kind: input.kind,
        postings: input.postings.map((p) => ({ account: p.account, amount: String(p.amount) })),
        ...(input.memo === undefined ? {} : { memo: input.memo }),
        ...(input.ref === undefined ? {} : { ref: input.ref }),
        ...(input.meta === undefined ? {} : { meta: { ...input.meta } }),
        time,
        prevHash,
      };
      prevHash = committedEntryHash(body);
      return { ...body, hash: prevHash };
    });
    const ops: BatchOp[] = [];
    for (const e of entries)
      ops.push(put(this.#subs.entries, orderKey(e.seq), e), put(this.#subs.keys, e.key, e.seq));
    ops.push(...extraOps);
    await this.store.write(ops);
    for (const [account, balance] of changed) {
      this.#balances.set(account, balance);
      this.#dirty.add(account);
    }
    this.#lastSeq = entries[entries.length - 1].seq;
    this.#lastHash = prevHash;
    for (const e of entries) this.#sealer.pending(hashBytes(e.hash));
    return { entries, applied: true };
  }

  /**
   * The seq each input's key was committed under, if any. A synchronous
   * read: under the write lock nothing else changes the key index, and a key
   * that was never committed is answered from the memtable and LevelDB's bloom
   * filters without leaving this thread, where an async read costs a round
   * trip through libuv's pool (often longer than the computation of the whole
   * commit). Keys stay on disk only, so memory does not grow with the ledger.
   */
  #committedSeqs(inputs: readonly TransactionInput[]): (number | undefined)[] {
    return inputs.map((input) => this.#subs.keys.getSync(input.key) as number | undefined);
  }

  /** {@link commitLocked}, taking the store's lock itself. */
  commit(inputs: readonly TransactionInput[], extraOps?: BatchOp[]): Promise<CommitResult> {
    return this.store.exclusive(() => this.commitLocked(inputs, extraOps));
  }

  async #replayed(
    inputs: readonly TransactionInput[],
    seqs: readonly (number | undefined)[],
    done: number,
  ): Promise<CommitResult> {
    if (done < inputs.length) {
      const old = inputs.filter((_, i) => seqs[i] !== undefined).map((i) => i.key);
      throw new LedgerError(
        'LEDGER_KEY_CONFLICT',
        `some keys of the group are already committed: ${old.join(', ')}`,
      );
    }
    const entries = await Promise.all(seqs.map((s) => this.entry(s as number)));
    return {
      applied: false,
      entries: entries.map((entry, i) => {
        if (!entry || !sameTransaction(inputs[i], entry)) {
          throw new LedgerError(
            'LEDGER_KEY_REUSED',
            `${inputs[i].key} was committed for a different transaction`,
          );
        }
        return entry;
      }),
    };
  }

  /** The entry at `seq`, or undefined. */
  async entry(seq: number): Promise<LedgerEntry | undefined> {
    const raw = await this.store.get(this.#subs.entries, orderKey(seq));
    return raw === undefined ? undefined : corrupt(() => parseEntry(raw));
  }

  /** The entry committed under idempotency key `key`, or undefined. */
  async entryByKey(key: string): Promise<LedgerEntry | undefined> {
    const seq = await this.store.get<number>(this.#subs.keys, key);
    return seq === undefined ? undefined : this.entry(seq);
  }

  /** Every entry from `fromSeq` (default 1) on, in order. */
  async *entries(fromSeq = 1): AsyncIterable<LedgerEntry> {
    for await (const raw of this.#subs.entries.values({ gte: orderKey(fromSeq) }))
      yield await corrupt(() => parseEntry(raw));
  }

  /** Every sealed block, in order. */
  blocks(): AsyncIterable<LedgerBlock> {
    return this.#sealer.blocks();
  }

  /**
   * Seal every entry since the last block into a signed block (empty when
   * there are none), and checkpoint the balance cache in the same batch; lock held.
   */
  sealBlockLocked(): Promise<LedgerBlock> {
    if (!this.store.locked) throw new TypeError('sealBlockLocked needs store.exclusive to be held');
    return this.#sealWithCheckpoint();
  }

  async #sealWithCheckpoint(): Promise<LedgerBlock> {
    const dirty = [...this.#dirty];
    const checkpoint = [
      ...dirty.map((account) => put(this.#subs.balances, account, String(this.balance(account)))),
      put(this.#subs.checkpoint, CHECKPOINT_KEY, this.#lastSeq),
    ];
    const block = await this.#sealer.seal(this.#lastSeq, checkpoint);
    for (const account of dirty) this.#dirty.delete(account);
    return block;
  }

  /** {@link sealBlockLocked}, taking the store's lock itself. */
  sealBlock(): Promise<LedgerBlock> {
    return this.store.exclusive(() => this.sealBlockLocked());
  }
}

// Stored data that does not parse is LEDGER_CORRUPT, whatever the parser said.
async function corrupt<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LedgerError)
      throw new LedgerError('LEDGER_CORRUPT', `stored ledger data: ${err.message}`, { cause: err });
    throw err;
  }
}
