/**
 * Where offline verification reads a ledger from: the gateway's data
 * directory (its LevelDB store, opened while the gateway is stopped) or a
 * JSON-lines export. A source yields raw, unparsed values: the verifier
 * treats them as untrusted and parses each one itself.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Store } from '../store/index.js';
import { LedgerError } from './errors.js';
import { CHECKPOINT_KEY } from './balances.js';
import { ledgerSublevels } from './storage.js';

/** A ledger's stored parts, as raw values in storage order. */
export interface LedgerSource {
  /** Entries in seq order. */
  entries(): AsyncIterable<unknown>;
  /** Blocks in height order. */
  blocks(): AsyncIterable<unknown>;
  /** The balance cache: account and stored balance, as of the checkpoint. */
  balances(): AsyncIterable<readonly [string, unknown]>;
  /** The seq the balance cache reflects, as stored (undefined before the first seal). */
  checkpoint(): Promise<unknown>;
  /** The idempotency index: key and stored seq. */
  keys(): AsyncIterable<readonly [string, unknown]>;
  /** Release what the source opened. */
  close(): Promise<void>;
}

/** A source over an open store; closing it leaves the store open. */
export function ledgerSourceFromStore(store: Store): LedgerSource {
  const subs = ledgerSublevels(store);
  return {
    entries: () => subs.entries.values(),
    blocks: () => subs.blocks.values(),
    balances: () => subs.balances.iterator(),
    checkpoint: () => subs.checkpoint.get(CHECKPOINT_KEY),
    keys: () => subs.keys.iterator(),
    close: () => Promise.resolve(),
  };
}

function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/**
 * Open the store of a stopped gateway's data directory (`DATA/db`).
 * LEDGER_NO_DATA when there is none; LEDGER_STORE_BUSY when a running
 * gateway holds its lock. Closing the source closes the store.
 */
export async function openLedgerStore(dataDir: string): Promise<Store> {
  try {
    if (!(await stat(join(dataDir, 'db'))).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new LedgerError('LEDGER_NO_DATA', `${dataDir} holds no gateway database`, { cause: err });
  }
  try {
    return await Store.open(dataDir);
  } catch (err) {
    if (errorCodes(err).includes('LEVEL_LOCKED')) {
      throw new LedgerError('LEDGER_STORE_BUSY', `${dataDir} is in use (stop the gateway first)`, {
        cause: err,
      });
    }
    throw err;
  }
}

/** A source over a stopped gateway's data directory; closing it closes the store. */
export async function ledgerSourceFromDataDir(dataDir: string): Promise<LedgerSource> {
  const store = await openLedgerStore(dataDir);
  return { ...ledgerSourceFromStore(store), close: () => store.close() };
}
