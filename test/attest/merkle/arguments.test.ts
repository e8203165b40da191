import t from 'tap';
import {
  MerkleError,
  MerkleTree,
  emptyRoot,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../attest/index.js';

// Malformed arguments to the tree and the verifiers: each fails with the code
// of the rule it breaks. Leaves are synthetic (`a`, `b`, `c`).

const encoder = new TextEncoder();
const tree = new MerkleTree();
for (const text of ['a', 'b', 'c']) tree.append(encoder.encode(text));
const root = tree.root();
const fail = (code: string) => ({ constructor: MerkleError, code });

t.test('the tree refuses sizes and indices it does not have', (t) => {
  t.throws(() => tree.root(4), fail('MERKLE_BAD_SIZE'), 'a future size');
  t.throws(() => tree.root(-1), fail('MERKLE_BAD_SIZE'), 'a negative size');
  t.throws(() => tree.root(1.5), fail('MERKLE_BAD_SIZE'), 'a fractional size');
  t.throws(() => tree.root(Number.NaN), fail('MERKLE_BAD_SIZE'), 'NaN');
  t.throws(() => tree.leafHash(3), fail('MERKLE_BAD_INDEX'));
  t.throws(() => tree.inclusionProof(2, 2), fail('MERKLE_BAD_INDEX'), 'index beyond the past size');
  t.throws(() => tree.inclusionProof(0, 5), fail('MERKLE_BAD_SIZE'));
  t.throws(() => tree.consistencyProof(3, 2), fail('MERKLE_BAD_SIZE'), 'old size after new size');
  t.throws(() => tree.consistencyProof(-1, 2), fail('MERKLE_BAD_SIZE'));
  t.throws(() => tree.consistencyProof(1, 4), fail('MERKLE_BAD_SIZE'));
  t.end();
});

t.test('the tree refuses a leaf hash that is not 32 bytes', (t) => {
  t.throws(() => new MerkleTree().appendLeafHash(new Uint8Array(31)), fail('MERKLE_BAD_HASH'));
  t.end();
});

t.test('the empty tree has the empty root and nothing to prove', (t) => {
  const empty = new MerkleTree();
  t.equal(empty.size, 0);
  t.same(empty.root(), emptyRoot());
  t.same(empty.consistencyProof(0), []);
  t.throws(() => empty.inclusionProof(0), fail('MERKLE_BAD_INDEX'));
  t.end();
});

t.test('the tree hands out copies, so callers cannot corrupt it', (t) => {
  const copy = tree.leafHash(0);
  copy[0] ^= 0xff;
  t.same(tree.leafHash(0), leafHash(encoder.encode('a')));
  const proof = tree.inclusionProof(0);
  proof[0][0] ^= 0xff;
  verifyInclusion(tree.leafHash(0), 0, 3, tree.inclusionProof(0), root);
  const hash = leafHash(encoder.encode('d'));
  const grown = new MerkleTree();
  grown.appendLeafHash(hash);
  hash[0] ^= 0xff;
  t.same(grown.root(), leafHash(encoder.encode('d')));
  t.end();
});

t.test('the verifiers refuse malformed arguments with their codes', (t) => {
  const leaf = tree.leafHash(0);
  const proof = tree.inclusionProof(0);
  t.throws(() => verifyInclusion(leaf, 0, -1, proof, root), fail('MERKLE_BAD_SIZE'));
  t.throws(() => verifyInclusion(leaf, 0, 0, proof, root), fail('MERKLE_BAD_INDEX'));
  t.throws(() => verifyInclusion(leaf.slice(1), 0, 3, proof, root), fail('MERKLE_BAD_HASH'));
  t.throws(() => verifyInclusion(leaf, 0, 3, proof, new Uint8Array(0)), fail('MERKLE_BAD_HASH'));
  t.throws(
    () => verifyInclusion(leaf, 0, 3, 'not an array' as unknown as Uint8Array[], root),
    fail('MERKLE_PROOF_INVALID'),
  );
  t.throws(
    () => verifyInclusion(leaf, 0, 3, [proof[0], [1, 2] as unknown as Uint8Array], root),
    fail('MERKLE_PROOF_INVALID'),
  );
  const old = tree.root(1);
  t.throws(() => verifyConsistency(2, 1, old, root, []), fail('MERKLE_BAD_SIZE'));
  t.throws(() => verifyConsistency(1, Infinity, old, root, []), fail('MERKLE_BAD_SIZE'));
  t.throws(() => verifyConsistency(1, 3, old.slice(2), root, []), fail('MERKLE_BAD_HASH'));
  t.throws(() => verifyConsistency(1, 3, old, root, []), fail('MERKLE_PROOF_INVALID'), 'empty proof');
  t.throws(
    () => verifyConsistency(3, 3, root, old, []),
    fail('MERKLE_ROOT_MISMATCH'),
    'same size, other root',
  );
  t.throws(() => verifyConsistency(0, 3, root, root, []), fail('MERKLE_ROOT_MISMATCH'), 'not the empty root');
  t.doesNotThrow(() => verifyConsistency(0, 3, emptyRoot(), root, []));
  t.end();
});
