import t from 'tap';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  MerkleError,
  MerkleTree,
  emptyRoot,
  leafHash,
  nodeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../attest/index.js';

// Every inclusion proof for every (index, size) and every consistency proof for
// every (oldSize, newSize) up to 64 leaves verifies, and the memoised tree
// agrees with a naive recursive MTH written straight from RFC 6962 §2.1.
// The leaves are synthetic: the UTF-8 text `leaf-<i>`.

const MAX = 64;
const encoder = new TextEncoder();
const leaves = Array.from({ length: MAX }, (_, i) => encoder.encode(`leaf-${i}`));

// RFC 6962 §2.1 MTH, recursive and without memoisation: the reference.
function naiveRoot(items: Uint8Array[]): Uint8Array {
  if (items.length === 0) return emptyRoot();
  if (items.length === 1) return leafHash(items[0]);
  let k = 1;
  while (k * 2 < items.length) k *= 2;
  return nodeHash(naiveRoot(items.slice(0, k)), naiveRoot(items.slice(k)));
}

const tree = new MerkleTree();
t.same(
  leaves.map((leaf) => tree.append(leaf)),
  leaves.map((_, i) => i),
  'append returns each new leaf index',
);

t.test('every root up to 64 leaves equals the naive MTH', (t) => {
  const mismatches: number[] = [];
  for (let size = 0; size <= MAX; size++) {
    if (bytesToHex(tree.root(size)) !== bytesToHex(naiveRoot(leaves.slice(0, size)))) {
      mismatches.push(size);
    }
  }
  t.same(mismatches, []);
  t.end();
});

t.test('the tree answers the same while growing as after', (t) => {
  const growing = new MerkleTree();
  const mismatches: number[] = [];
  for (let size = 1; size <= MAX; size++) {
    growing.append(leaves[size - 1]);
    if (bytesToHex(growing.root()) !== bytesToHex(tree.root(size))) mismatches.push(size);
  }
  t.same(mismatches, []);
  t.end();
});

t.test('every inclusion proof up to 64 leaves verifies', (t) => {
  let checked = 0;
  for (let size = 1; size <= MAX; size++) {
    const root = tree.root(size);
    for (let index = 0; index < size; index++) {
      verifyInclusion(tree.leafHash(index), index, size, tree.inclusionProof(index, size), root);
      checked++;
    }
  }
  t.equal(checked, (MAX * (MAX + 1)) / 2);
  t.end();
});

t.test('every consistency proof up to 64 leaves verifies', (t) => {
  let checked = 0;
  for (let newSize = 0; newSize <= MAX; newSize++) {
    for (let oldSize = 0; oldSize <= newSize; oldSize++) {
      const proof = tree.consistencyProof(oldSize, newSize);
      verifyConsistency(oldSize, newSize, tree.root(oldSize), tree.root(newSize), proof);
      checked++;
    }
  }
  t.equal(checked, ((MAX + 1) * (MAX + 2)) / 2);
  t.end();
});

t.test('a tree fed leaf hashes equals a tree fed data', (t) => {
  const byHash = new MerkleTree();
  for (const leaf of leaves) byHash.appendLeafHash(leafHash(leaf));
  t.equal(bytesToHex(byHash.root()), bytesToHex(tree.root()));
  t.end();
});

t.test('sizes beyond 32 bits are handled with exact arithmetic', (t) => {
  // The last leaf of a tree of 2^40 + 1 leaves has a one-hash audit path: the
  // root of the complete left subtree. A verifier using 32-bit shifts gets this wrong.
  const index = 2 ** 40;
  const leaf = leafHash(encoder.encode('far leaf'));
  const leftSubtree = leafHash(encoder.encode('stands in for 2^40 leaves'));
  verifyInclusion(leaf, index, index + 1, [leftSubtree], nodeHash(leftSubtree, leaf));
  t.throws(
    () => verifyInclusion(leaf, index, index + 1, [leftSubtree, leftSubtree], nodeHash(leftSubtree, leaf)),
    { constructor: MerkleError, code: 'MERKLE_PROOF_INVALID' },
  );
  t.end();
});
