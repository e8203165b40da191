/**
 * Keyed hashes of normal-form windows: SipHash-2-4 over the UTF-16LE code
 * units, read forwards or backwards (the reversed decoder reads the stream
 * backwards instead of reversing it).
 */
import { sipHashWords, sipOut } from './siphash.js';
import type { SipKey } from './siphash.js';

let scratch = new Uint32Array(1024);

/** SipHash of `buf[start..start+length)` (backwards when `reversed`); the result is in `sipOut`. */
export function hashWindow(
  key: SipKey,
  buf: Uint16Array,
  start: number,
  length: number,
  reversed: boolean,
): number {
  // Two code units a little-endian word: the same bytes as UTF-16LE, with no byte splitting.
  const words = (length + 1) >>> 1;
  if (scratch.length < words + 2) scratch = new Uint32Array(2 * words + 2);
  const pairs = length >>> 1;
  if (reversed) {
    const last = start + length - 1;
    for (let j = 0; j < pairs; j++) scratch[j] = buf[last - 2 * j] | (buf[last - 2 * j - 1] << 16);
    if (length & 1) scratch[pairs] = buf[start];
  } else {
    for (let j = 0; j < pairs; j++) scratch[j] = buf[start + 2 * j] | (buf[start + 2 * j + 1] << 16);
    if (length & 1) scratch[pairs] = buf[start + length - 1];
  }
  scratch[words] = 0;
  scratch[words + 1] = 0;
  return sipHashWords(key, scratch, 2 * length);
}

/**
 * The anchor tag of `buf[start..start+length)`: the keyed hash of the window
 * read in whichever direction is lexicographically smaller, so a window and
 * its reverse share one tag and the scanner hashes each boundary once for
 * both the forward and the reversed lookup (the token, checked next, still
 * tells the directions apart). Never 0 (0 marks an empty slot).
 */
export function anchorHash(key: SipKey, buf: Uint16Array, start: number, length: number): number {
  let backwards = false;
  for (let i = 0, j = start + length - 1; i < length >>> 1; i++, j--) {
    const f = buf[start + i];
    const r = buf[j];
    if (f !== r) {
      backwards = r < f;
      break;
    }
  }
  return hashWindow(key, buf, start, length, backwards) >>> 0 || 1;
}

/** A 64-bit hash [lo, hi] as 16 hex digits, high half first. */
export const tokenHex = (lo: number, hi: number): string =>
  (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

export { sipOut };
