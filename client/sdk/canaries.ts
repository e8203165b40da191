/**
 * Canaries (docs/egress-protocol.md 2, docs/canaries.md; Carlini et al., "The
 * Secret Sharer", USENIX Security 2019): N planted and 4N held-out rows in
 * the dataset's columns, with fresh random distinctive values shaped like the
 * column's (an ID number with the column's digit layout and, when its values
 * pass it, the Luhn check; a "First Surname" name; a local@domain e-mail;
 * free text of random words), other fields drawn from the column's observed
 * values and a random label. No canary value, nor a whole canary row, is one
 * of the dataset's (the first pass's Bloom filter) or another canary's.
 */
import { randomInt } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { csvLine, csvRecords, isBlankRecord } from './fingerprint-csv.js';
import { CanaryError } from './fingerprint-errors.js';
import type { ColumnShape, DatasetShape } from './fingerprint-shapes.js';
import { normalForm } from './fingerprint-shapes.js';
import { luhnCheckDigit } from './synthetic.js';

/** Uniform integers for canaries: `int(n)` in [0, n). Secret by default (node:crypto). */
export type CanaryRandom = (n: number) => number;
const secureRandom: CanaryRandom = (n) => randomInt(n);

/** How many canaries: N planted (1 to 1000), each repeated R times (1 to 100), and HELD_OUT_FACTOR·N held out. */
export interface CanaryCounts {
  readonly planted: number;
  readonly repeat: number;
}

/** Held-out canaries per planted one (the Secret Sharer's reference set). */
export const HELD_OUT_FACTOR = 4;

/** The canaries of one dataset: rows in its columns. */
export interface CanarySet {
  readonly planted: readonly string[][];
  readonly heldOut: readonly string[][];
}

const CONSONANTS = 'bcdfghjklmnprstvwxz';
const VOWELS = 'aeiouy';
const TRIES = 200;

/** A pronounceable random word of `syllables` consonant-vowel(-consonant) syllables. */
function word(random: CanaryRandom, syllables: number): string {
  let w = '';
  for (let i = 0; i < syllables; i++) {
    w += CONSONANTS[random(CONSONANTS.length)] + VOWELS[random(VOWELS.length)];
    if (random(3) === 0) w += CONSONANTS[random(CONSONANTS.length)];
  }
  return w;
}

const capital = (w: string): string => w[0].toUpperCase() + w.slice(1);
const pick = <T>(random: CanaryRandom, list: readonly T[]): T => list[random(list.length)];
const nonEmpty = (c: ColumnShape): string[] => c.samples.filter((v) => v.trim() !== '');

/** A fresh ID: a sampled value's layout with every digit drawn anew (no leading zero if it had none), Luhn-fixed if the column is. */
function freshId(random: CanaryRandom, column: ColumnShape): string {
  const templates = nonEmpty(column).filter((v) => v.replace(/[^0-9]/g, '').length >= 6);
  const template = pick(random, templates.length > 0 ? templates : ['000000']);
  let first = true;
  let id = '';
  for (const ch of template) {
    if (ch >= '0' && ch <= '9') {
      id += first && ch !== '0' ? String(1 + random(9)) : String(random(10));
      first = false;
    } else id += ch;
  }
  if (!column.luhn) return id;
  const digits = id.replace(/[^0-9]/g, '');
  const last = id.lastIndexOf(digits[digits.length - 1]);
  return id.slice(0, last) + String(luhnCheckDigit(digits.slice(0, -1))) + id.slice(last + 1);
}

function freshValue(random: CanaryRandom, column: ColumnShape, name: string | undefined): string {
  switch (column.kind) {
    case 'id':
      return freshId(random, column);
    case 'name': {
      const words = pick(random, nonEmpty(column)).trim().split(/\s+/).length;
      return Array.from({ length: words }, () => capital(word(random, 2 + random(2)))).join(' ');
    }
    case 'email': {
      const domain = pick(random, nonEmpty(column)).split('@')[1] ?? 'example.com';
      const local = name ? name.toLowerCase().split(' ').join('.') : `${word(random, 2)}.${word(random, 3)}`;
      return `${local}${random(100)}@${domain}`;
    }
    case 'text': {
      const length = pick(random, nonEmpty(column)).length;
      const words: string[] = [];
      while (words.join(' ').length < length) words.push(word(random, 1 + random(3)));
      return capital(words.join(' '));
    }
    case 'label':
      return pick(random, [...new Set(column.samples)]);
    case 'value':
      return pick(random, column.samples);
  }
}

function distinctive(column: ColumnShape): boolean {
  return column.kind !== 'value' && column.kind !== 'label';
}

/**
 * Make `count` canary rows for `shape`, none of whose distinctive values nor
 * whole row is in the dataset or in `used` (which it extends).
 */
function makeRows(shape: DatasetShape, count: number, random: CanaryRandom, used: Set<string>): string[][] {
  const rows: string[][] = [];
  const fresh = (normal: string) => normal !== '' && !used.has(normal) && !shape.seen(normal);
  const nameColumn = shape.columns.findIndex((c) => c.kind === 'name');
  let failures = 0;
  while (rows.length < count) {
    const row: string[] = [];
    for (const column of shape.columns) {
      let value: string;
      for (let tries = 0; ; tries++) {
        if (tries === TRIES) {
          throw new CanaryError('CANARY_NO_FRESH_VALUE', `no fresh value for column ${column.name}`);
        }
        // e-mail locals follow the row's name on the first try, like real addresses; random words after
        const name = nameColumn >= 0 && nameColumn < row.length && tries === 0 ? row[nameColumn] : undefined;
        value = freshValue(random, column, name);
        if (!distinctive(column) || fresh(normalForm(value))) break;
      }
      row.push(value);
    }
    const whole = normalForm(row.join(''));
    if (!fresh(whole)) {
      if (++failures === TRIES * count) {
        throw new CanaryError('CANARY_NO_FRESH_VALUE', 'no fresh canary row: the columns are too small');
      }
      continue;
    }
    used.add(whole);
    shape.columns.forEach((c, i) => distinctive(c) && used.add(normalForm(row[i])));
    rows.push(row);
  }
  return rows;
}

/** CANARY_BAD_OPTIONS unless 1 ≤ planted ≤ 1000 and 1 ≤ repeat ≤ 100 (integers). */
export function checkCanaryCounts({ planted, repeat }: CanaryCounts): void {
  const ok = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!ok(planted, 1000)) throw new CanaryError('CANARY_BAD_OPTIONS', 'canaries must be 1 to 1000');
  if (!ok(repeat, 100)) throw new CanaryError('CANARY_BAD_OPTIONS', 'the canary repeat must be 1 to 100');
}

/**
 * The canaries for a dataset of shape `shape`: `planted` rows and
 * HELD_OUT_FACTOR times as many held out, all fresh.
 *
 * @example
 * const set = makeCanaries(await learnShape('people.csv'), 16);
 */
export function makeCanaries(
  shape: DatasetShape,
  planted: number,
  random: CanaryRandom = secureRandom,
): CanarySet {
  checkCanaryCounts({ planted, repeat: 1 });
  const used = new Set<string>();
  return {
    planted: makeRows(shape, planted, random, used),
    heldOut: makeRows(shape, planted * HELD_OUT_FACTOR, random, used),
  };
}

/** A writer of text that waits when the stream's buffer is full, in ~1 MiB writes. */
class TextOut {
  private pending = '';
  constructor(private readonly out: WriteStream) {}
  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= 1 << 20) await this.flush();
  }
  private async flush(): Promise<void> {
    if (!this.out.write(this.pending)) await once(this.out, 'drain');
    this.pending = '';
  }
  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await once(this.out, 'finish');
  }
}

/** Open `path` for writing, 0600, failing if it exists. */
function openOut(path: string): TextOut {
  return new TextOut(createWriteStream(path, { flags: 'wx', mode: 0o600 }));
}

/**
 * Copy the CSV at `source` to `dest` (made 0600) with each planted canary
 * inserted `repeat` times at uniformly random positions between data rows;
 * every original record is copied byte for byte (a last line without a line
 * break gets one). `onRow` sees each data row in the output order, real or
 * canary. Resolves to the number of data rows written.
 */
export async function plantCanaries(
  source: string,
  dest: string,
  shape: DatasetShape,
  canaries: CanarySet,
  repeat: number,
  onRow: (fields: readonly string[], canary: boolean) => void = () => {},
  random: CanaryRandom = secureRandom,
): Promise<number> {
  checkCanaryCounts({ planted: canaries.planted.length, repeat });
  // which canary goes before which data row (index `rows` is after the last)
  const copies = canaries.planted.flatMap((row) => Array.from({ length: repeat }, () => row));
  const slots = copies.map((row) => ({ at: random(shape.rows + 1), row })).sort((a, b) => a.at - b.at);
  const out = openOut(dest);
  let header = true;
  let row = 0;
  let next = 0;
  let written = 0;
  const plantUpTo = async (at: number) => {
    for (; next < slots.length && slots[next].at <= at; next++) {
      await out.write(csvLine(slots[next].row) + shape.lineEnding);
      onRow(slots[next].row, true);
      written++;
    }
  };
  try {
    for await (const record of csvRecords(source)) {
      const raw = record.raw.endsWith('\n') ? record.raw : record.raw + shape.lineEnding;
      if (isBlankRecord(record) || header) {
        header &&= isBlankRecord(record);
        await out.write(raw);
        continue;
      }
      await plantUpTo(row);
      await out.write(raw);
      onRow(record.fields, false);
      row++;
      written++;
    }
    await plantUpTo(Infinity); // and any after a last row the first pass did not see
  } finally {
    await out.close();
  }
  return written;
}

/** Write the canary set CSV (0600): the header, the planted canaries once each, then the held-out ones. */
export async function writeCanarySet(path: string, shape: DatasetShape, canaries: CanarySet): Promise<void> {
  const out = openOut(path);
  try {
    for (const row of [shape.header, ...canaries.planted, ...canaries.heldOut]) {
      await out.write(csvLine(row) + shape.lineEnding);
    }
  } finally {
    await out.close();
  }
}
