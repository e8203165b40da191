import { sha256 } from '@noble/hashes/sha2.js';

/** The size in bytes of every hash in an RFC 6962 SHA-256 Merkle tree. */
export const MERKLE_HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/**
 * The hash of a leaf: SHA-256(0x00 ‖ data) (RFC 6962 §2.1, MTH({d(0)})).
 *
 * @example
 * ```ts
 * const h = leafHash(new TextEncoder().encode('record'));
 * ```
 */
export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right) (RFC 6962 §2.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/** The root of the empty tree: SHA-256 of the empty string (RFC 6962 §2.1, MTH({})). */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/**
 * The largest power of two strictly below n, for n ≥ 2: the split point k of
 * RFC 6962 §2.1 ("the largest power of two smaller than n"). Uses floating
 * arithmetic, not 32-bit shifts, so any safe-integer size works; the two loops
 * only correct a rounding of Math.log2 and run at most once.
 */
export function splitPoint(n: number): number {
  let k = 2 ** Math.floor(Math.log2(n - 1));
  while (k >= n) k /= 2;
  while (k * 2 < n) k *= 2;
  return k;
}
