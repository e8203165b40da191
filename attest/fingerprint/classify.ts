/**
 * Column classification (docs/egress-protocol.md section 1): which columns
 * hold values that identify a person and are indexed alone, and which are
 * low-entropy (an age, a yes/no, a category, a number of four digits or
 * fewer) and are never indexed alone. Decided from a sample of the data.
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

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ID = /^[0-9][0-9 \-/]*[0-9]$/;
const WORDS = /^\p{L}[\p{L}'’.-]*(\s+\p{L}[\p{L}'’.-]*)+$/u;

/** The kind of one column from its sampled values. */
export function classifyValues(values: readonly string[]): ColumnKind {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'low';
  const distinct = new Set(present).size;
  const share = (ok: (v: string) => boolean): number => present.filter(ok).length / present.length;
  if (
    share((v) => ID.test(v) && normalForm(v).length >= MIN_PATTERN) >= QUORUM &&
    distinct > MAX_CATEGORIES
  ) {
    return 'id';
  }
  if (share((v) => EMAIL.test(v)) >= QUORUM && distinct > MAX_CATEGORIES) return 'email';
  if (
    share((v) => normalForm(v).length >= MIN_TEXT && !isDigits(normalForm(v))) >= 0.5 &&
    distinct > MAX_CATEGORIES
  ) {
    return 'text';
  }
  if (share((v) => WORDS.test(v)) >= QUORUM && distinct > MAX_CATEGORIES) return 'name';
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
