/**
 * Ed25519 verification on both engines (attest/evidence/ed25519.ts): the
 * WebCrypto path and the tweetnacl fallback give the RFC 8032 answers, refuse
 * tampering and wrong lengths with false, and a WebCrypto without Ed25519
 * switches to tweetnacl.
 */
import t from 'tap';
import { ed25519Verifier, verifyEd25519 } from '../../../attest/index.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));

// RFC 8032 §7.1 (Test Vectors for Ed25519), TEST 1, TEST 2 and TEST 3: public key, message, signature.
const VECTORS = [
  {
    name: 'TEST 1 (empty message)',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

// A WebCrypto without Ed25519, as older platforms answer an unknown algorithm.
const noEd25519 = {
  importKey: () => Promise.reject(Object.assign(new Error('unsupported'), { name: 'NotSupportedError' })),
} as unknown as SubtleCrypto;

const engines = {
  webcrypto: ed25519Verifier(globalThis.crypto.subtle),
  tweetnacl: ed25519Verifier(undefined),
  'webcrypto without Ed25519': ed25519Verifier(noEd25519),
  default: verifyEd25519,
};

for (const [engine, verify] of Object.entries(engines)) {
  t.test(`${engine}: RFC 8032 §7.1 vectors`, async (t) => {
    for (const v of VECTORS) {
      const [pk, msg, sig] = [hex(v.publicKey), hex(v.message), hex(v.signature)];
      t.equal(await verify(msg, sig, pk), true, `${v.name} verifies`);
      t.equal(await verify(msg, sig, pk), true, `${v.name} verifies again (cached key)`);
      const flipped = sig.slice();
      flipped[10] ^= 1;
      t.equal(await verify(msg, flipped, pk), false, `${v.name}: a flipped signature bit is refused`);
      t.equal(await verify(new Uint8Array([...msg, 0]), sig, pk), false, `${v.name}: another message`);
    }
    const [pk, sig] = [hex(VECTORS[0].publicKey), hex(VECTORS[0].signature)];
    t.equal(await verify(new Uint8Array(0), sig.subarray(0, 63), pk), false, 'a short signature');
    t.equal(await verify(new Uint8Array(0), sig, pk.subarray(0, 31)), false, 'a short public key');
    t.equal(await verify(new Uint8Array(0), sig, hex(VECTORS[1].publicKey)), false, 'another key');
  });
}

t.test('webcrypto: a key that is not a curve point, or a failing verify, is false', async (t) => {
  const verify = ed25519Verifier(globalThis.crypto.subtle);
  // y = 2 is not the y-coordinate of any point of edwards25519 (RFC 8032 §5.1.3 decoding fails).
  const notAPoint = new Uint8Array(32);
  notAPoint[0] = 2;
  const sig = hex(VECTORS[0].signature);
  t.equal(await verify(new Uint8Array(0), sig, notAPoint), false);
  const failing = {
    importKey: () => Promise.resolve({} as CryptoKey),
    verify: () => Promise.reject(new Error('engine failure')),
  } as unknown as SubtleCrypto;
  t.equal(await ed25519Verifier(failing)(new Uint8Array(0), sig, hex(VECTORS[0].publicKey)), false);
});

t.test('webcrypto: the key cache stays bounded', async (t) => {
  const verify = ed25519Verifier(globalThis.crypto.subtle);
  const sig = hex(VECTORS[0].signature);
  for (let i = 0; i < 300; i++) {
    const pk = hex(VECTORS[0].publicKey);
    pk[31] = i & 0x7f;
    pk[30] = i >> 7;
    await verify(new Uint8Array(0), sig, pk);
  }
  t.equal(await verify(new Uint8Array(0), sig, hex(VECTORS[0].publicKey)), true, 'still verifies');
});
