/**
 * The store's types (LevelDB through `level`): what a value is, the root
 * database, its sublevels and the operations of an atomic batch. Apart from
 * store.ts so that the batch encoder (encode.ts) and the store both read them
 * without importing each other.
 */
import type { Level } from 'level';
import type { AbstractBatchOperation, AbstractSublevel } from 'abstract-level';

/** A JSON value as stored. */
export type Stored = unknown;

/** The root database: string keys, JSON values. */
export type RootDb = Level<string, Stored>;

/** A sublevel of the root database. */
export type Sublevel = AbstractSublevel<RootDb, string | Buffer | Uint8Array, string, Stored>;

/** One operation of an atomic batch; set `sublevel` to write into a sublevel. */
export type BatchOp = AbstractBatchOperation<RootDb, string, Stored>;
