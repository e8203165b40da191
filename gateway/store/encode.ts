/**
 * A store batch encoded once, in the exact bytes abstract-level would write,
 * for LevelDB's own batch call. abstract-level's public `batch` clones every
 * operation and looks up, validates and applies the sublevel's prefix and
 * encodings per operation in JavaScript; on a ledger settlement that cost more
 * than the rest of the commit (docs/ledger.md, figures). The encoding here is
 * abstract-level 3's for our database's shape only: a sublevel of the root
 * prefixes its utf8 keys with `sublevel.prefix` (`!name!`), and a `json`
 * value is `JSON.stringify(value)` stored as utf8. Anything else (a nested or
 * foreign sublevel, per-operation encodings, a non-string key, a value JSON
 * cannot encode) is left to the public path, which also raises its errors.
 */
import type { BatchOp, Sublevel } from './types.js';

/** One operation as abstract-level hands it to the implementation's `_batch`. */
export interface EncodedOp {
  readonly type: 'put' | 'del';
  readonly key: string;
  readonly value?: string;
  readonly keyEncoding: 'utf8';
  readonly valueEncoding?: 'utf8';
}

const PLAIN_FIELDS = new Set(['type', 'key', 'value', 'sublevel']);

/**
 * `ops` encoded for the root database, or undefined when one of them is not
 * a plain put or delete of a string key into the root or a sublevel in
 * `prefixes` (whose keys are the sublevels, values their prefixes).
 */
export function encodeBatch(
  ops: readonly BatchOp[],
  prefixes: ReadonlyMap<Sublevel, string>,
): EncodedOp[] | undefined {
  const out: EncodedOp[] = new Array<EncodedOp>(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    for (const field in op) if (!PLAIN_FIELDS.has(field)) return undefined;
    if (typeof op.key !== 'string') return undefined;
    let prefix = '';
    if (op.sublevel !== undefined && op.sublevel !== null) {
      const p = prefixes.get(op.sublevel as Sublevel);
      if (p === undefined) return undefined;
      prefix = p;
    }
    const key = prefix + op.key;
    if (op.type === 'del') {
      out[i] = { type: 'del', key, keyEncoding: 'utf8' };
    } else if (op.type === 'put') {
      if (op.value === undefined || op.value === null) return undefined;
      const value = JSON.stringify(op.value) as string | undefined;
      if (typeof value !== 'string') return undefined;
      out[i] = { type: 'put', key, value, keyEncoding: 'utf8', valueEncoding: 'utf8' };
    } else {
      return undefined;
    }
  }
  return out;
}
