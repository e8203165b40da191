/**
 * Comparisons of secrets, MACs, digests and nonces whose running time does
 * not depend on where the inputs first differ (only on their lengths, which
 * are public), in the manner of sigstore's `crypto.ts` bufferEqual.
 */
import { utf8 } from './base-encoding.js';

/** True when `a` and `b` hold the same bytes; constant time for equal lengths. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** {@link constantTimeEqual} over the UTF-8 bytes of two strings. */
export function constantTimeEqualText(a: string, b: string): boolean {
  return constantTimeEqual(utf8(a), utf8(b));
}

/**
 * True when `value` equals any of `allowed`, comparing against every entry
 * (no early exit), so the position of a match does not leak.
 */
export function constantTimeIncludes(allowed: readonly string[], value: string): boolean {
  const v = utf8(value);
  let found = false;
  for (const candidate of allowed) {
    const eq = constantTimeEqual(utf8(candidate), v);
    found = found || eq;
  }
  return found;
}
