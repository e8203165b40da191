import t from 'tap';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  MerkleTree,
  emptyRoot,
  leafHash,
  verifyConsistency,
  verifyInclusion,
} from '../../../attest/index.js';

// The RFC 6962 test vectors used by certificate-transparency and its successor
// transparency-dev/merkle: eight leaves, the roots of every tree size 0..8, the
// complete-subtree hashes, and known inclusion and consistency proofs.
// Source: github.com/transparency-dev/merkle
//   testonly/constants.go (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1):
//     LeafInputs, NodeHashes, RootHashes, EmptyRootHash
//   proof/verify_test.go (commit 02194e9afb6c1d95b5381350007963aa70fff472):
//     inclusionProofs (leaf numbers there are 1-based; converted to 0-based
//     indices here), consistencyProofs

const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((h) => hexToBytes(h));

const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];

const INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    index: 2,
    size: 3,
    proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY: { oldSize: number; newSize: number; proof: string[] }[] = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const hex = (hashes: Uint8Array[]): string[] => hashes.map((h) => bytesToHex(h));

function vectorTree(): MerkleTree {
  const tree = new MerkleTree();
  for (const leaf of LEAVES) tree.append(leaf);
  return tree;
}

t.test('leaf hashes and the empty root match the vectors', (t) => {
  t.equal(bytesToHex(emptyRoot()), ROOTS[0]);
  t.same(hex(LEAVES.map((leaf) => leafHash(leaf))), LEAF_HASHES);
  t.end();
});

t.test('the root of every past size matches the vectors', (t) => {
  const tree = vectorTree();
  t.same(
    ROOTS.map((_, size) => bytesToHex(tree.root(size))),
    ROOTS,
  );
  t.equal(bytesToHex(tree.root()), ROOTS[8], 'root() defaults to the current size');
  t.end();
});

t.test('the tree generates the known inclusion proofs, and they verify', (t) => {
  const tree = vectorTree();
  for (const { index, size, proof } of INCLUSION) {
    t.same(hex(tree.inclusionProof(index, size)), proof, `PATH(${index}, D[${size}])`);
    verifyInclusion(
      hexToBytes(LEAF_HASHES[index]),
      index,
      size,
      proof.map((h) => hexToBytes(h)),
      hexToBytes(ROOTS[size]),
    );
  }
  t.end();
});

t.test('the tree generates the known consistency proofs, and they verify', (t) => {
  const tree = vectorTree();
  for (const { oldSize, newSize, proof } of CONSISTENCY) {
    t.same(hex(tree.consistencyProof(oldSize, newSize)), proof, `PROOF(${oldSize}, D[${newSize}])`);
    verifyConsistency(
      oldSize,
      newSize,
      hexToBytes(ROOTS[oldSize]),
      hexToBytes(ROOTS[newSize]),
      proof.map((h) => hexToBytes(h)),
    );
  }
  t.end();
});
