/**
 * The gateway's state on LevelDB (`level`): one database in a data directory,
 * a sublevel per concern, JSON values, and one write lock. Every state change
 * is a single atomic batch written with `sync: true`, so a crash leaves either
 * all of a change or none of it (DESIGN.md section 9: "every transition is
 * atomic with its ledger effect").
 */
import { mkdir } from 'node:fs/promises';
import { Level } from 'level';
import type { EncodedOp } from './encode.js';
import { encodeBatch } from './encode.js';
import { Mutex } from './mutex.js';
import type { BatchOp, RootDb, Stored, Sublevel } from './types.js';

// abstract-level's implementation interface (its README, "private API for implementers"):
// operations already encoded and prefixed, as its own `batch` passes them on.
interface EncodedBatch {
  _batch(ops: EncodedOp[], options: { sync: boolean }): Promise<void>;
}

/** The gateway's database handle. */
export class Store {
  private readonly lock = new Mutex();
  private readonly sublevels = new Map<string, Sublevel>();
  /** Each sublevel of {@link sublevels} and its key prefix, for {@link encodeBatch}. */
  private readonly prefixes = new Map<Sublevel, string>();
  /** Told of every batch once it is durable (the in-memory placement directory). */
  private readonly observers = new Set<(ops: readonly BatchOp[]) => void>();

  private constructor(readonly db: RootDb) {}

  /** Open (creating when missing) the database under `dataDir/db`. */
  static async open(dataDir: string): Promise<Store> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const db: RootDb = new Level<string, Stored>(`${dataDir}/db`, { valueEncoding: 'json' });
    await db.open();
    return new Store(db);
  }

  /** The sublevel `name` (created once, then shared). */
  sublevel(name: string): Sublevel {
    let sub = this.sublevels.get(name);
    if (!sub) {
      sub = this.db.sublevel<string, Stored>(name, { valueEncoding: 'json' });
      this.sublevels.set(name, sub);
      this.prefixes.set(sub, sub.prefix);
    }
    return sub;
  }

  /**
   * Run `fn` with the write lock held: reads inside see every earlier change
   * and no later one lands until `fn` settles. Not reentrant: code already
   * inside `exclusive` calls the `…Locked` variants of other components.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  /** True while a caller holds the write lock. */
  get locked(): boolean {
    return this.lock.locked;
  }

  /**
   * Write `ops` atomically and durably (fsync). Call it inside {@link exclusive}.
   * Plain operations are encoded here once (encode.ts) and go straight to
   * LevelDB; the bytes on disk are the ones `db.batch` would write.
   */
  async write(ops: BatchOp[]): Promise<void> {
    if (ops.length === 0) return;
    const encoded = this.db.status === 'open' ? encodeBatch(ops, this.prefixes) : undefined;
    if (encoded) await (this.db as unknown as EncodedBatch)._batch(encoded, { sync: true });
    else await this.db.batch(ops, { sync: true });
    for (const observe of this.observers) observe(ops);
  }

  /**
   * Call `fn` with every batch after it is written (in-memory
   * views follow the store). `fn` runs synchronously under the write lock and
   * must not throw. Returns the unsubscribe.
   */
  observe(fn: (ops: readonly BatchOp[]) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  /** The value at `key` in `sub`, or undefined. */
  async get<T>(sub: Sublevel, key: string): Promise<T | undefined> {
    return (await sub.get(key)) as T | undefined;
  }

  /** Wait for pending writes and close the database. */
  async close(): Promise<void> {
    await this.lock.run(async () => {
      await this.db.close();
    });
  }
}

/** A put into `sub`, for a batch on the root database. */
export function put(sub: Sublevel, key: string, value: Stored): BatchOp {
  return { type: 'put', sublevel: sub, key, value };
}

/** A delete from `sub`, for a batch on the root database. */
export function del(sub: Sublevel, key: string): BatchOp {
  return { type: 'del', sublevel: sub, key };
}
