import t from 'tap';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  MerkleError,
  MerkleTree,
  emptyRoot,
  verifyConsistency,
  verifyInclusion,
} from '../../../attest/index.js';

// Every tampered proof, index, size or root for every proof up to 64 leaves
// fails, with the code of the rule it breaks. The expected code comes from an
// oracle: the honest tree (itself checked against the RFC 6962 vectors in
// vectors.test.ts). A proof whose length differs from the honest proof's for
// the claimed sizes is MERKLE_PROOF_INVALID; one of the right length that
// leads elsewhere is MERKLE_ROOT_MISMATCH; a claim that is in fact true (a
// changed size whose honest proof happens to be identical) must verify.
// Leaves are synthetic: the UTF-8 text `leaf-<i>`.

const MAX = 64;
const OK = 'OK';
const encoder = new TextEncoder();
const tree = new MerkleTree();
for (let i = 0; i < 2 * MAX; i++) tree.append(encoder.encode(`leaf-${i}`));

const hex = (h: Uint8Array): string => bytesToHex(h);

// The honest answers, memoised: the oracle asks for the same ones many times.
const memo = new Map<string, Uint8Array[]>();
function honest(kind: 'inclusion' | 'consistency', a: number, n: number): Uint8Array[] {
  const key = `${kind}/${a}/${n}`;
  let proof = memo.get(key);
  if (proof === undefined) {
    proof = kind === 'inclusion' ? tree.inclusionProof(a, n) : tree.consistencyProof(a, n);
    memo.set(key, proof);
  }
  return proof;
}
const roots = Array.from({ length: 2 * MAX + 1 }, (_, size) => hex(tree.root(size)));
const sameList = (a: Uint8Array[], b: Uint8Array[]): boolean =>
  a.length === b.length && a.every((h, i) => hex(h) === hex(b[i]));
const flip = (h: Uint8Array, bit = 3): Uint8Array => {
  const copy = h.slice();
  copy[0] ^= 1 << bit;
  return copy;
};
const ZERO = new Uint8Array(32);
const SHORT = new Uint8Array(31);

function outcome(run: () => void): string {
  try {
    run();
    return OK;
  } catch (err) {
    return err instanceof MerkleError ? err.code : `not a MerkleError: ${String(err)}`;
  }
}

type Case = { name: string; expected: string; got: string };

function inclusionOracle(
  leaf: Uint8Array,
  i: number,
  n: number,
  proof: Uint8Array[],
  root: Uint8Array,
): string {
  if (i < 0 || i >= n || !Number.isInteger(i)) return 'MERKLE_BAD_INDEX';
  if (proof.some((h) => h.length !== 32)) return 'MERKLE_PROOF_INVALID';
  const expected = honest('inclusion', i, n);
  if (expected.length !== proof.length) return 'MERKLE_PROOF_INVALID';
  const valid = hex(root) === roots[n] && hex(leaf) === hex(tree.leafHash(i)) && sameList(expected, proof);
  return valid ? OK : 'MERKLE_ROOT_MISMATCH';
}

function consistencyOracle(
  m: number,
  n: number,
  r1: Uint8Array,
  r2: Uint8Array,
  proof: Uint8Array[],
): string {
  if (m < 0 || m > n) return 'MERKLE_BAD_SIZE';
  if (proof.some((h) => h.length !== 32)) return 'MERKLE_PROOF_INVALID';
  if (m === 0 || m === n) {
    if (proof.length > 0) return 'MERKLE_PROOF_INVALID';
    return hex(r1) === hex(m === 0 ? emptyRoot() : r2) ? OK : 'MERKLE_ROOT_MISMATCH';
  }
  const expected = honest('consistency', m, n);
  if (proof.length === 0 || expected.length !== proof.length) return 'MERKLE_PROOF_INVALID';
  const valid = hex(r1) === roots[m] && hex(r2) === roots[n] && sameList(expected, proof);
  return valid ? OK : 'MERKLE_ROOT_MISMATCH';
}

// Each variant of a proof: every hash bit-flipped, a hash dropped at either end,
// a hash added at either end, and a hash of the wrong length.
function proofVariants(proof: Uint8Array[], extra: Uint8Array): [string, Uint8Array[]][] {
  const out: [string, Uint8Array[]][] = proof.map((_, k) => [
    `proof[${k}] bit-flipped`,
    proof.map((h, j) => (j === k ? flip(h) : h)),
  ]);
  if (proof.length > 0) {
    out.push(['last hash dropped', proof.slice(0, -1)], ['first hash dropped', proof.slice(1)]);
    out.push(['a short hash', [SHORT, ...proof.slice(1)]]);
  }
  out.push(['hash appended', [...proof, extra]], ['zeros prepended', [ZERO, ...proof]]);
  return out;
}

t.test('every tampered inclusion proof, index, size or root fails with its code', (t) => {
  const cases: Case[] = [];
  const check = (
    name: string,
    leaf: Uint8Array,
    i: number,
    n: number,
    p: Uint8Array[],
    r: Uint8Array,
  ): void => {
    cases.push({
      name: `${name} (index ${i}, size ${n})`,
      expected: inclusionOracle(leaf, i, n, p, r),
      got: outcome(() => verifyInclusion(leaf, i, n, p, r)),
    });
  };
  for (let n = 1; n <= MAX; n++) {
    const root = tree.root(n);
    for (let i = 0; i < n; i++) {
      const leaf = tree.leafHash(i);
      const proof = tree.inclusionProof(i, n);
      for (const [name, variant] of proofVariants(proof, root)) check(name, leaf, i, n, variant, root);
      check('another leaf', tree.leafHash((i + 1) % (2 * MAX)), i, n, proof, root);
      check('root bit-flipped', leaf, i, n, proof, flip(root));
      check('root of the next size', leaf, i, n, proof, tree.root(n + 1));
      for (const j of new Set([i - 1, i + 1, i ^ 2, n, n + 1, i + 0.5])) {
        if (j !== i) check(`index ${j}`, leaf, j, n, proof, root);
      }
      for (const m of new Set([n - 1, n + 1, 2 * n, Math.floor(n / 2)])) {
        if (m !== n) check(`size ${m} with its root`, leaf, i, m, proof, tree.root(m));
      }
    }
  }
  const wrong = cases.filter((c) => c.expected !== c.got);
  t.same(wrong, [], `${cases.length} tampered inclusion claims`);
  const tally = countBy(cases);
  t.ok(tally.MERKLE_PROOF_INVALID > 0 && tally.MERKLE_ROOT_MISMATCH > 0 && tally.MERKLE_BAD_INDEX > 0);
  t.end();
});

t.test('every tampered consistency proof, size or root fails with its code', (t) => {
  const cases: Case[] = [];
  const check = (
    name: string,
    m: number,
    n: number,
    r1: Uint8Array,
    r2: Uint8Array,
    p: Uint8Array[],
  ): void => {
    cases.push({
      name: `${name} (old ${m}, new ${n})`,
      expected: consistencyOracle(m, n, r1, r2, p),
      got: outcome(() => verifyConsistency(m, n, r1, r2, p)),
    });
  };
  for (let n = 0; n <= MAX; n++) {
    const r2 = tree.root(n);
    for (let m = 0; m <= n; m++) {
      const r1 = tree.root(m);
      const proof = tree.consistencyProof(m, n);
      for (const [name, variant] of proofVariants(proof, r1)) check(name, m, n, r1, r2, variant);
      check('old root bit-flipped', m, n, flip(r1), r2, proof);
      check('new root bit-flipped', m, n, r1, flip(r2), proof);
      check('roots swapped', m, n, r2, r1, proof);
      for (const m2 of new Set([m - 1, m + 1, 2 * m, Math.floor(m / 2), n + 1])) {
        if (m2 !== m && m2 >= 0) check(`old size ${m2} with its root`, m2, n, tree.root(m2), r2, proof);
      }
      for (const n2 of new Set([n - 1, n + 1, 2 * n, Math.floor(n / 2)])) {
        if (n2 !== n && n2 >= 0) check(`new size ${n2} with its root`, m, n2, r1, tree.root(n2), proof);
      }
    }
  }
  const wrong = cases.filter((c) => c.expected !== c.got);
  t.same(wrong, [], `${cases.length} tampered consistency claims`);
  const tally = countBy(cases);
  t.ok(tally.MERKLE_PROOF_INVALID > 0 && tally.MERKLE_ROOT_MISMATCH > 0 && tally.MERKLE_BAD_SIZE > 0);
  t.end();
});

t.test('an inclusion proof binds a root, not a size: the root must come with its size', (t) => {
  // Leaf 0 takes the same three right-hand steps in trees of 5 and 6 leaves,
  // so the proof for size 5 checks against the size-5 root under either size.
  // This is why sealgate always signs a root together with its size (a tree
  // head) and never accepts a bare root.
  const proof = tree.inclusionProof(0, 5);
  t.doesNotThrow(() => verifyInclusion(tree.leafHash(0), 0, 6, proof, tree.root(5)));
  t.throws(() => verifyInclusion(tree.leafHash(0), 0, 6, proof, tree.root(6)), {
    constructor: MerkleError,
    code: 'MERKLE_ROOT_MISMATCH',
  });
  t.end();
});

function countBy(cases: Case[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const c of cases) tally[c.got] = (tally[c.got] ?? 0) + 1;
  return tally;
}
