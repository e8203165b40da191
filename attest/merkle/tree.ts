import { checkHash, checkIndex, checkSize } from './checks.js';
import { MerkleError } from './errors.js';
import { emptyRoot, leafHash, nodeHash, splitPoint } from './hash.js';

/**
 * An append-only RFC 6962 Merkle tree over SHA-256 (RFC 6962 §2.1).
 *
 * It keeps every leaf hash and memoises the hash of every complete subtree
 * (`levels[h][i]` is the root of leaves `[i·2^h, (i+1)·2^h)`), so an append
 * costs O(1) amortised hashes, and a root or proof for any past size costs
 * O(log n): all but one of the subtrees a proof needs are complete and looked
 * up; only the right edge is hashed on demand. Nothing is ever removed, so the
 * tree can answer for every size it has had.
 *
 * @example
 * ```ts
 * const tree = new MerkleTree();
 * tree.append(new TextEncoder().encode('first record'));
 * const root = tree.root();
 * const proof = tree.inclusionProof(0);
 * verifyInclusion(tree.leafHash(0), 0, tree.size, proof, root);
 * ```
 */
export class MerkleTree {
  /** levels[0] holds the leaf hashes; levels[h] the complete subtrees of 2^h leaves. */
  readonly #levels: Uint8Array[][] = [[]];

  /** The number of leaves appended so far. */
  get size(): number {
    return this.#levels[0].length;
  }

  /** Hashes `data` as a leaf (SHA-256(0x00 ‖ data)), appends it, and returns its index. */
  append(data: Uint8Array): number {
    return this.#push(leafHash(data));
  }

  /** Appends an already computed leaf hash (32 bytes) and returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    checkHash(hash, 'leaf hash');
    return this.#push(hash.slice());
  }

  /** The leaf hash at `index` (a copy). */
  leafHash(index: number): Uint8Array {
    checkIndex(index, this.size);
    return this.#levels[0][index].slice();
  }

  /** MTH(D[0:size]): the root of the tree as it was when it had `size` leaves. */
  root(size: number = this.size): Uint8Array {
    this.#checkPastSize(size, 'size');
    return size === 0 ? emptyRoot() : this.#hashRange(0, size).slice();
  }

  /**
   * PATH(index, D[0:size]) (RFC 6962 §2.1.1): the audit path proving that
   * leaf `index` is in the tree of `size` leaves, from the leaf upwards.
   */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    this.#checkPastSize(size, 'size');
    checkIndex(index, size);
    const proof: Uint8Array[] = [];
    this.#path(index, 0, size, proof);
    return proof.map((h) => h.slice());
  }

  /**
   * PROOF(oldSize, D[0:newSize]) (RFC 6962 §2.1.2): the hashes proving that
   * the tree of `newSize` leaves extends the tree of `oldSize` leaves. Empty
   * when `oldSize` is 0 or equals `newSize` (nothing to prove).
   */
  consistencyProof(oldSize: number, newSize: number = this.size): Uint8Array[] {
    this.#checkPastSize(newSize, 'new size');
    checkSize(oldSize, 'old size');
    if (oldSize > newSize) {
      throw new MerkleError('MERKLE_BAD_SIZE', 'old size must not exceed new size');
    }
    const proof: Uint8Array[] = [];
    if (oldSize > 0 && oldSize < newSize) this.#subproof(oldSize, 0, newSize, true, proof);
    return proof.map((h) => h.slice());
  }

  #checkPastSize(size: number, name: string): void {
    checkSize(size, name);
    if (size > this.size) {
      throw new MerkleError('MERKLE_BAD_SIZE', `${name} ${size} exceeds the tree size ${this.size}`);
    }
  }

  // Appends a leaf and folds every subtree it completes into the level above.
  #push(hash: Uint8Array): number {
    const index = this.size;
    this.#levels[0].push(hash);
    let level = 0;
    let position = index;
    while (position % 2 === 1) {
      const row = this.#levels[level];
      const parent = nodeHash(row[position - 1], row[position]);
      level += 1;
      if (this.#levels.length === level) this.#levels.push([]);
      this.#levels[level].push(parent);
      position = (position - 1) / 2;
    }
    return index;
  }

  // MTH(D[lo:hi]) (RFC 6962 §2.1), looking complete aligned subtrees up.
  #hashRange(lo: number, hi: number): Uint8Array {
    const n = hi - lo;
    const height = exactLog2(n);
    if (height !== undefined && lo % n === 0) return this.#levels[height][lo / n];
    const k = splitPoint(n);
    return nodeHash(this.#hashRange(lo, lo + k), this.#hashRange(lo + k, hi));
  }

  // PATH(m, D[lo:hi]) (RFC 6962 §2.1.1), appending to `out` leaf-first.
  #path(m: number, lo: number, hi: number, out: Uint8Array[]): void {
    const n = hi - lo;
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      this.#path(m, lo, lo + k, out);
      out.push(this.#hashRange(lo + k, hi));
    } else {
      this.#path(m - k, lo + k, hi, out);
      out.push(this.#hashRange(lo, lo + k));
    }
  }

  // SUBPROOF(m, D[lo:hi], b) (RFC 6962 §2.1.2), appending to `out`.
  #subproof(m: number, lo: number, hi: number, whole: boolean, out: Uint8Array[]): void {
    const n = hi - lo;
    if (m === n) {
      if (!whole) out.push(this.#hashRange(lo, hi));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      this.#subproof(m, lo, lo + k, whole, out);
      out.push(this.#hashRange(lo + k, hi));
    } else {
      this.#subproof(m - k, lo + k, hi, false, out);
      out.push(this.#hashRange(lo, lo + k));
    }
  }
}

// log2(n) when n is a power of two, else undefined. Math.log2 is exact on
// powers of two; the check guards against rounding everywhere else.
function exactLog2(n: number): number | undefined {
  const height = Math.round(Math.log2(n));
  return 2 ** height === n ? height : undefined;
}
