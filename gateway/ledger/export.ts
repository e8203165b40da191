/**
 * The ledger's JSON-lines export: one header line, then every entry, block,
 * cached balance, the seq the cached balances reflect, and every idempotency record, one JSON object a line:
 *
 * ```
 * {"format":"sealgate-ledger-export","version":1}
 * {"type":"entry","entry":{...}}
 * {"type":"block","block":{...}}
 * {"type":"balance","account":"user:acct_…","amount":"42"}
 * {"type":"checkpoint","seq":12}
 * {"type":"key","key":"settle:run_…","seq":7}
 * ```
 *
 * An export verifies offline exactly like the data directory it came from.
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import type { Store } from '../store/index.js';
import { LedgerError } from './errors.js';
import { Ledger } from './ledger.js';
import type { LedgerSource } from './source.js';
import { ledgerSourceFromStore } from './source.js';

const HEADER = { format: 'sealgate-ledger-export', version: 1 };

async function writeLine(out: Writable, value: unknown): Promise<void> {
  if (!out.write(JSON.stringify(value) + '\n')) await once(out, 'drain');
}

/**
 * Write the ledger of `from` (a Ledger or its Store) to `out` as JSON lines.
 * Ends `out` unless `options.end` is false. Take the store's lock around the
 * call for a snapshot of a ledger that is being written.
 */
export async function exportLedger(
  from: Ledger | Store,
  out: Writable,
  options: { end?: boolean } = {},
): Promise<void> {
  const source = ledgerSourceFromStore(from instanceof Ledger ? from.store : from);
  await writeLine(out, HEADER);
  for await (const entry of source.entries()) await writeLine(out, { type: 'entry', entry });
  for await (const block of source.blocks()) await writeLine(out, { type: 'block', block });
  for await (const [account, amount] of source.balances())
    await writeLine(out, { type: 'balance', account, amount });
  const checkpoint = await source.checkpoint();
  if (checkpoint !== undefined) await writeLine(out, { type: 'checkpoint', seq: checkpoint });
  for await (const [key, seq] of source.keys()) await writeLine(out, { type: 'key', key, seq });
  if (options.end !== false) {
    out.end();
    await once(out, 'finish');
  }
}

type Line = Record<string, unknown>;

// Each pass reads the file from the start, so memory stays flat whatever its size.
async function* lines(path: string, type: string): AsyncGenerator<Line> {
  const input = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let n = 0;
  try {
    for await (const text of input) {
      n += 1;
      if (text === '') continue;
      let line: unknown;
      try {
        line = JSON.parse(text);
      } catch (err) {
        throw new LedgerError('LEDGER_EXPORT_MALFORMED', `line ${n} is not JSON`, { cause: err });
      }
      if (typeof line !== 'object' || line === null || Array.isArray(line)) {
        throw new LedgerError('LEDGER_EXPORT_MALFORMED', `line ${n} is not an object`);
      }
      const l = line as Line;
      if (n === 1) {
        if (l.format !== HEADER.format || l.version !== HEADER.version) {
          throw new LedgerError('LEDGER_EXPORT_MALFORMED', 'not a sealgate ledger export (version 1)');
        }
        continue;
      }
      if (!['entry', 'block', 'balance', 'checkpoint', 'key'].includes(l.type as string)) {
        throw new LedgerError('LEDGER_EXPORT_MALFORMED', `line ${n} has an unknown type`);
      }
      if (l.type === type) yield l;
    }
  } finally {
    input.close();
  }
  if (n === 0) throw new LedgerError('LEDGER_EXPORT_MALFORMED', 'the export is empty');
}

function pair(l: Line, name: string, value: string): readonly [string, unknown] {
  if (typeof l[name] !== 'string')
    throw new LedgerError('LEDGER_EXPORT_MALFORMED', `a ${l.type as string} line has no ${name}`);
  return [l[name], l[value]];
}

/** A source over a JSON-lines export written by {@link exportLedger}. */
export function readLedgerExport(path: string): LedgerSource {
  return {
    async *entries() {
      for await (const l of lines(path, 'entry')) yield l.entry;
    },
    async *blocks() {
      for await (const l of lines(path, 'block')) yield l.block;
    },
    async *balances() {
      for await (const l of lines(path, 'balance')) yield pair(l, 'account', 'amount');
    },
    async checkpoint() {
      for await (const l of lines(path, 'checkpoint')) return l.seq;
      return undefined;
    },
    async *keys() {
      for await (const l of lines(path, 'key')) yield pair(l, 'key', 'seq');
    },
    close: () => Promise.resolve(),
  };
}
