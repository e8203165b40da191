/**
 * Keyed hashes of normal-form windows: SipHash-2-4 over the UTF-16LE code
 * units, read forwards or backwards (the reversed decoder reads the stream
 * backwards instead of reversing it).
 */
import { sipHash, sipOut } from './siphash.js';
import type { SipKey } from './siphash.js';

let scratch = new Uint8Array(1024);

/** SipHash of `buf[start..start+length)` (backwards when `reversed`); the result is in `sipOut`. */
export function hashWindow(
  key: SipKey,
  buf: Uint16Array,
  start: number,
  length: number,
  reversed: boolean,
): number {
  if (scratch.length < 2 * length) scratch = new Uint8Array(4 * length);
  for (let i = 0; i < length; i++) {
    const u = buf[reversed ? start + length - 1 - i : start + i];
    scratch[2 * i] = u & 0xff;
    scratch[2 * i + 1] = u >>> 8;
  }
  return sipHash(key, scratch, 2 * length);
}

/** A string's code units. */
export function unitsOf(s: string): Uint16Array {
  const out = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A 64-bit hash [lo, hi] as 16 hex digits, high half first. */
export const tokenHex = (lo: number, hi: number): string =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

/** An anchor tag: never 0 (0 marks an empty slot). */
export const anchorTag = (lo: number): number => lo >>> 0 || 1;

export { sipOut };
