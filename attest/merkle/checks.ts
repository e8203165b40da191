import { MerkleError } from './errors.js';
import { MERKLE_HASH_SIZE } from './hash.js';

// Argument checks shared by the tree and the verifiers. Sizes and indices are
// JavaScript numbers limited to safe integers (2^53 − 1 leaves is far beyond
// any log sealgate keeps); hashes are SHA-256 values (RFC 6962 §2.1).

/** Throws MERKLE_BAD_SIZE unless `size` is a non-negative safe integer. */
export function checkSize(size: number, name = 'tree size'): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new MerkleError('MERKLE_BAD_SIZE', `${name} must be a non-negative safe integer`);
  }
}

/** Throws MERKLE_BAD_INDEX unless `index` addresses a leaf of a tree of `size`. */
export function checkIndex(index: number, size: number): void {
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new MerkleError('MERKLE_BAD_INDEX', `leaf index must be an integer in [0, ${size})`);
  }
}

/** Throws MERKLE_BAD_HASH unless `hash` is a 32-byte value. */
export function checkHash(hash: Uint8Array, name: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== MERKLE_HASH_SIZE) {
    throw new MerkleError('MERKLE_BAD_HASH', `${name} must be a ${MERKLE_HASH_SIZE}-byte SHA-256 hash`);
  }
}

/** Throws MERKLE_PROOF_INVALID unless every element of `proof` is a 32-byte value. */
export function checkProofHashes(proof: readonly Uint8Array[]): void {
  if (!Array.isArray(proof)) {
    throw new MerkleError('MERKLE_PROOF_INVALID', 'proof must be an array of hashes');
  }
  for (const hash of proof) {
    if (!(hash instanceof Uint8Array) || hash.length !== MERKLE_HASH_SIZE) {
      throw new MerkleError('MERKLE_PROOF_INVALID', `every proof hash must be ${MERKLE_HASH_SIZE} bytes`);
    }
  }
}
