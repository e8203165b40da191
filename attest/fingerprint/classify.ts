/**
 * Column classification (docs/egress-protocol.md section 1): which columns
 * hold values that identify a person and are indexed alone, and which are
 * low-entropy (an age, a yes/no, a category, a number of four digits or
 * fewer) and are never indexed alone. Decided from a sample of the data:
 * by share of a kind above MAX_CATEGORIES distinct values, and by value
 * shape alone for smaller samples (a listing of 50 rows or fewer), where
 * distinct counts cannot tell a category from identifiers.
 */
import { isDigits, normalForm } from './normal.js';
import type { ColumnClass, ColumnKind } from './types.js';

/** The shortest pattern the index holds, in normal-form characters (also the anchor length). */
export const MIN_PATTERN = 6;
/** Free text counts as distinctive from this many normal-form characters. */
export const MIN_TEXT = 20;
/** A column with at most this many distinct values in the sample is a category. */
const MAX_CATEGORIES = 50;
/** The share of a sample's non-empty values that must fit a kind. */
const QUORUM = 0.9;

/** In a small sample (MAX_CATEGORIES distinct values or fewer), the share of values that must be distinct. */
const SMALL_DISTINCT = 0.9;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID = /^[0-9][0-9 \-/]*[0-9]$/;
const WORDS = /^\p{L}[\p{L}'’.-]*(\s+\p{L}[\p{L}'’.-]*)+$/u;
/** Two or more capitalised tokens: a name's shape (a small sample's only evidence). */
const CAPITALISED = /^\p{Lu}[\p{L}'’.-]*(\s+\p{Lu}[\p{L}'’.-]*)+$/u;

/** Whether a digit string passes the Luhn test (ISO/IEC 7812-1, annex B). */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * The kind of a small sample's column by value shape alone: nearly every value
 * distinct and nearly every one an e-mail address, an ID-like digit string
 * (one fixed length of at least MIN_PATTERN digits, or Luhn-valid), two or
 * more capitalised words, or long free text. A yes/no, a label, a small
 * integer, a measurement or a repeated category fits none of these.
 */
function classifyByShape(present: readonly string[], distinct: number): ColumnKind {
  if (distinct < SMALL_DISTINCT * present.length) return 'low';
  const share = (ok: (v: string) => boolean): number => present.filter(ok).length / present.length;
  const digits = present.map((v) => (ID.test(v) ? normalForm(v) : ''));
  const lengths = new Map<number, number>();
  for (const d of digits)
    if (d.length >= MIN_PATTERN) lengths.set(d.length, (lengths.get(d.length) ?? 0) + 1);
  const fixed = Math.max(0, ...lengths.values()) / present.length;
  const luhn = share((v) => ID.test(v) && normalForm(v).length >= MIN_PATTERN && luhnValid(normalForm(v)));
  if (fixed >= QUORUM || luhn >= QUORUM) return 'id';
  if (share((v) => EMAIL.test(v)) >= QUORUM) return 'email';
  if (share((v) => normalForm(v).length >= MIN_TEXT && !isDigits(normalForm(v))) >= QUORUM) return 'text';
  if (share((v) => CAPITALISED.test(v)) >= QUORUM) return 'name';
  return 'low';
}

/** The kind of one column from its sampled values. */
export function classifyValues(values: readonly string[]): ColumnKind {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'low';
  const distinct = new Set(present).size;
  if (distinct <= MAX_CATEGORIES) return classifyByShape(present, distinct);
  const share = (ok: (v: string) => boolean): number => present.filter(ok).length / present.length;
  if (share((v) => ID.test(v) && normalForm(v).length >= MIN_PATTERN) >= QUORUM) return 'id';
  if (share((v) => EMAIL.test(v)) >= QUORUM) return 'email';
  if (share((v) => normalForm(v).length >= MIN_TEXT && !isDigits(normalForm(v))) >= 0.5) return 'text';
  if (share((v) => WORDS.test(v)) >= QUORUM) return 'name';
  return 'low';
}

/** Classify every column of a sample of rows (each row as many fields as `columns`). */
export function classifyColumns(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
): ColumnClass[] {
  return columns.map((name, c) => ({ name, kind: classifyValues(rows.map((r) => r[c] ?? '')) }));
}

/**
 * Whether a field whose normal form is `length` characters is a pattern on
 * its own under its column's kind: low-entropy fields never are.
 */
export function isDistinctive(kind: ColumnKind, length: number): boolean {
  if (kind === 'low') return false;
  return length >= (kind === 'text' ? MIN_TEXT : MIN_PATTERN);
}
