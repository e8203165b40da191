import { checkHash, checkIndex, checkProofHashes, checkSize } from './checks.js';
import { MerkleError } from './errors.js';
import { constantTimeEqual as hashesEqual } from '../constant-time.js';
import { emptyRoot, nodeHash } from './hash.js';

// The proof verifiers are pure functions of their arguments: a verifier needs
// no tree, only the sizes, the proof and the roots it was given (for example in
// a signed verification report, DESIGN.md §8.3). Each failed rule throws a
// MerkleError with its own code; a proof of the wrong shape (too long or too
// short for its sizes) is MERKLE_PROOF_INVALID, a well-shaped proof that leads
// elsewhere is MERKLE_ROOT_MISMATCH.

const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves whose
 * root is `root`, given the audit path `proof` (RFC 9162 §2.1.3.2).
 * Returns nothing; throws a MerkleError naming the failed rule.
 *
 * @example
 * ```ts
 * verifyInclusion(leafHash(record), 5, 8, proof, signedRoot);
 * ```
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkSize(size);
  checkIndex(index, size);
  checkHash(leafHash, 'leaf hash');
  checkHash(root, 'root hash');
  checkProofHashes(proof);

  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) throw tooLong();
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw tooShort();
  if (!hashesEqual(r, root)) {
    throw new MerkleError('MERKLE_ROOT_MISMATCH', 'inclusion proof does not lead to the root');
  }
}

/**
 * Verifies that the tree of `newSize` leaves with root `newRoot` extends the
 * tree of `oldSize` leaves with root `oldRoot` (RFC 9162 §2.1.4.2). Equal sizes
 * need an empty proof and equal roots; an old size of 0 needs an empty proof
 * and the empty-tree root. Throws a MerkleError naming the failed rule.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): void {
  checkSize(oldSize, 'old size');
  checkSize(newSize, 'new size');
  if (oldSize > newSize) {
    throw new MerkleError('MERKLE_BAD_SIZE', 'old size must not exceed new size');
  }
  checkHash(oldRoot, 'old root');
  checkHash(newRoot, 'new root');
  checkProofHashes(proof);

  if (oldSize === 0 || oldSize === newSize) {
    if (proof.length !== 0) {
      throw new MerkleError('MERKLE_PROOF_INVALID', 'this consistency proof must be empty');
    }
    const expected = oldSize === 0 ? emptyRoot() : newRoot;
    if (!hashesEqual(oldRoot, expected)) {
      throw new MerkleError('MERKLE_ROOT_MISMATCH', 'old root does not match');
    }
    return;
  }
  if (proof.length === 0) {
    throw new MerkleError('MERKLE_PROOF_INVALID', 'consistency proof is empty');
  }

  // Step 2: when the old tree is complete, its root is the first node.
  const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : [...proof];
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) throw tooLong();
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw tooShort();
  if (!hashesEqual(fr, oldRoot) || !hashesEqual(sr, newRoot)) {
    throw new MerkleError('MERKLE_ROOT_MISMATCH', 'consistency proof does not lead to both roots');
  }
}

function tooLong(): MerkleError {
  return new MerkleError('MERKLE_PROOF_INVALID', 'proof has more hashes than its sizes allow');
}

function tooShort(): MerkleError {
  return new MerkleError('MERKLE_PROOF_INVALID', 'proof has fewer hashes than its sizes need');
}
