/**
 * Byte helpers the envelope needs: bit distance, concatenation and XOR, and
 * attest's one constant-time comparison passed through for the envelope's files.
 */

export { constantTimeEqual } from '../constant-time.js';

/**
 * The number of bits in which `a` and `b` differ (the Hamming distance of two
 * equal-length strings). Only used on the failure path, to tell a few flipped
 * bits from an unrelated value; it is not constant time.
 */
export function bitDistance(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new TypeError('bitDistance needs equal lengths');
  let bits = 0;
  for (let i = 0; i < a.length; i++) {
    let x = a[i] ^ b[i];
    while (x !== 0) {
      bits += x & 1;
      x >>>= 1;
    }
  }
  return bits;
}

/** `a ⊕ b` for two equal-length byte strings. */
export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new TypeError('xor needs equal lengths');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** The concatenation of `parts` in one new array. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
