/**
 * The first pass over a dataset before canaries are made (docs/canaries.md):
 * the header, the row count, each column's kind and a sample of its values,
 * and a Bloom filter of every distinctive value and every whole record, so a
 * fresh canary value can be checked never to be one of the dataset's. Kinds
 * follow docs/egress-protocol.md 1: ID numbers (at least 6 digits), names
 * with surnames (at least 2 words), e-mail addresses and long free text are
 * distinctive; anything else is a low-entropy value, and a column named like
 * a label is the label.
 */
import { stat } from 'node:fs/promises';
import { normalForm } from '../../attest/index.js';
import { csvRecords, isBlankRecord } from './fingerprint-csv.js';
import { CanaryError } from './fingerprint-errors.js';
import { luhnCheckDigit } from './synthetic.js';

/** What a column holds, as far as canaries are concerned. */
export type ColumnKind = 'id' | 'name' | 'email' | 'text' | 'label' | 'value';

/** A column's kind and the observed values canaries are shaped after. */
export interface ColumnShape {
  readonly name: string;
  readonly kind: ColumnKind;
  /** A uniform sample of the column's values (reservoir), at most SAMPLE_SIZE. */
  readonly samples: readonly string[];
  /** `id` only: every sampled value passes the Luhn test over its digits. */
  readonly luhn: boolean;
}

/** What the first pass learnt. */
export interface DatasetShape {
  readonly header: readonly string[];
  /** Data rows (blank lines are not rows). */
  readonly rows: number;
  /** The line ending of the header: canary rows are written with it. */
  readonly lineEnding: '\n' | '\r\n';
  readonly columns: readonly ColumnShape[];
  /** Whether a normal-form value (normalForm) or record is in the dataset; false positives only. */
  readonly seen: (normal: string) => boolean;
}

/** Rows read before the columns are classified; values kept per column. */
const CLASSIFY_ROWS = 2000;
const SAMPLE_SIZE = 512;
/** Share of a column's non-empty sampled values that must have a kind for the column to have it. */
const KIND_SHARE = 0.9;

/** docs/egress-protocol.md 1: the fingerprint index's normal form (attest), so "fresh" means fresh to the guard too. */
export { normalForm };

const EMAIL = /^[^\s@,]+@[^\s@,]+\.[A-Za-z]{2,}$/;
const ID = /^[0-9]+([ -][0-9]+)*$/;
const NAME = /^\p{Lu}[\p{L}'’-]*(\s+\p{Lu}[\p{L}'’-]*){1,3}$/u;
const LABEL = /^(label|target|class|y|outcome)$/i;

const digitsOf = (v: string): string => v.replace(/[^0-9]/g, '');

function kindOf(name: string, values: readonly string[]): ColumnKind {
  if (LABEL.test(name.trim())) return 'label';
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'value';
  const share = (test: (v: string) => boolean) => present.filter(test).length / present.length >= KIND_SHARE;
  if (share((v) => EMAIL.test(v))) return 'email';
  if (share((v) => ID.test(v) && digitsOf(v).length >= 6)) return 'id';
  if (share((v) => NAME.test(v))) return 'name';
  if (share((v) => normalForm(v).length >= 20)) return 'text';
  return 'value';
}

const passesLuhn = (v: string): boolean => {
  const d = digitsOf(v);
  return d.length >= 2 && luhnCheckDigit(d.slice(0, -1)) === Number(d[d.length - 1]);
};

/**
 * A Bloom filter (Bloom, "Space/time trade-offs in hash coding with allowable
 * errors", CACM 13(7), 1970) with double hashing (Kirsch and Mitzenmacher,
 * "Less hashing, same performance", ESA 2006) over two FNV-1a 32-bit hashes.
 * Local to the seller's machine; a false positive only makes a canary value
 * be drawn again.
 */
class Bloom {
  private readonly bits: Uint32Array;
  private readonly mask: number;
  constructor(log2Bits: number) {
    this.bits = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }
  private hashes(s: string): [number, number] {
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
    }
    return [a >>> 0, (b | 1) >>> 0];
  }
  add(s: string): void {
    const [a, b] = this.hashes(s);
    for (let k = 0; k < 7; k++) {
      const bit = (a + Math.imul(k, b)) & this.mask;
      this.bits[bit >>> 5] |= 1 << (bit & 31);
    }
  }
  has(s: string): boolean {
    const [a, b] = this.hashes(s);
    for (let k = 0; k < 7; k++) {
      const bit = (a + Math.imul(k, b)) & this.mask;
      if ((this.bits[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** About 2 bits of filter per byte of file (tens of bits per value), 64 Kib to 1 Gib. */
function bloomFor(bytes: number): Bloom {
  const log2 = Math.min(30, Math.max(16, Math.ceil(Math.log2(Math.max(1, bytes * 2)))));
  return new Bloom(log2);
}

/** Algorithm R (Vitter, "Random sampling with a reservoir", ACM TOMS 11(1), 1985). */
function reservoirAdd(sample: string[], value: string, seen: number, randomInt: (n: number) => number): void {
  if (sample.length < SAMPLE_SIZE) sample.push(value);
  else {
    const j = randomInt(seen);
    if (j < SAMPLE_SIZE) sample[j] = value;
  }
}

/**
 * Read the CSV at `path` once and learn its shape; CANARY_CSV_EMPTY without
 * a data row, CANARY_CSV_MALFORMED when a row's width is not the header's.
 */
export async function learnShape(
  path: string,
  randomInt: (n: number) => number = (n) => Math.floor(Math.random() * n),
): Promise<DatasetShape> {
  const bloom = bloomFor((await stat(path)).size);
  let header: string[] | undefined;
  let lineEnding: '\n' | '\r\n' = '\n';
  let columns: ColumnShape[] | undefined;
  const samples: string[][] = [];
  const pending: string[][] = [];
  let rows = 0;
  const remember = (fields: readonly string[]) => {
    for (let c = 0; c < fields.length; c++) {
      const kind = (columns as ColumnShape[])[c].kind;
      if (kind !== 'value' && kind !== 'label') bloom.add(normalForm(fields[c]));
    }
    bloom.add(normalForm(fields.join('')));
  };
  const classify = (h: readonly string[]) => {
    columns = h.map((name, c) => {
      const values = samples[c];
      const kind = kindOf(name, values);
      return {
        name,
        kind,
        samples: values,
        luhn: kind === 'id' && values.every((v) => v.trim() === '' || passesLuhn(v)),
      };
    });
    for (const fields of pending.splice(0)) remember(fields);
  };
  for await (const record of csvRecords(path)) {
    if (isBlankRecord(record)) continue;
    if (header === undefined) {
      header = record.fields;
      lineEnding = record.raw.endsWith('\r\n') ? '\r\n' : '\n';
      for (let c = 0; c < header.length; c++) samples.push([]);
      continue;
    }
    if (record.fields.length !== header.length) {
      throw new CanaryError(
        'CANARY_CSV_MALFORMED',
        `row ${rows + 1} has ${record.fields.length} fields, the header ${header.length}`,
      );
    }
    rows++;
    for (let c = 0; c < header.length; c++) reservoirAdd(samples[c], record.fields[c], rows, randomInt);
    if (columns) remember(record.fields);
    else {
      pending.push(record.fields);
      if (rows === CLASSIFY_ROWS) classify(header);
    }
  }
  if (header === undefined || rows === 0)
    throw new CanaryError('CANARY_CSV_EMPTY', `${path} has no data row`);
  if (!columns) classify(header);
  return {
    header,
    rows,
    lineEnding,
    columns: columns as unknown as ColumnShape[],
    seen: (s) => bloom.has(s),
  };
}
