/**
 * The node:crypto chunk cipher is a drop-in for the WebCrypto default: the
 * whole envelope suite (round trips, streaming, every tampering code) runs on
 * it, the independent reference reader reads what it writes, and both
 * backends seal a chunk to the same bytes and read each other's envelopes.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { decryptBytes, encryptBytes, generateDataKey, webCryptoChunkCipher } from '../../../attest/index.js';
import { BufferPool, nodeChunkCipher, pooledNodeChunkCipher } from '../../../client/index.js';
import { roundtripSuite } from '../../attest/envelope/roundtrip-suite.js';
import { tamperSuite } from '../../attest/envelope/tamper-suite.js';
import { refDecrypt } from '../../attest/envelope/reference.js';
import { checkPooledCipher } from './pooled-cipher-contract.js';

t.test('the round-trip suite on node:crypto', (t) => {
  roundtripSuite(t, nodeChunkCipher);
  t.end();
});
t.test('the tampering suite on node:crypto', (t) => tamperSuite(t, nodeChunkCipher));

t.test('both backends seal a chunk to the same bytes and open each other’s', async (t) => {
  const aesKey = new Uint8Array(randomBytes(32));
  const web = await webCryptoChunkCipher(aesKey);
  const node = await nodeChunkCipher(aesKey);
  const nonce = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(106));
  // sizes around the node backend's 64 KiB slices, and the empty chunk
  for (const size of [0, 1, 65_535, 65_536, 65_537, 200_000]) {
    const plain = new Uint8Array(randomBytes(size));
    const a = await web.sealChunk(nonce, aad, plain);
    const b = await node.sealChunk(nonce, aad, plain);
    t.same(Buffer.from(b), Buffer.from(a), `${size} bytes: the same ciphertext and tag`);
    t.same(Buffer.from(await node.openChunk(nonce, aad, a)), Buffer.from(plain), `${size}: node opens web`);
    t.same(Buffer.from(await web.openChunk(nonce, aad, b)), Buffer.from(plain), `${size}: web opens node`);
  }
  await t.rejects(node.openChunk(nonce, aad, new Uint8Array(15)), RangeError, 'shorter than a tag');
  const sealed = await node.sealChunk(nonce, aad, new Uint8Array(10));
  sealed[0] ^= 1;
  await t.rejects(node.openChunk(nonce, aad, sealed), 'a flipped bit does not authenticate');
  await t.rejects(node.sealChunk(new Uint8Array(0), aad, new Uint8Array(1)), 'a bad nonce is refused');
});

t.test('envelopes written by one backend are read by the other and by the reference reader', async (t) => {
  const key = generateDataKey();
  const plain = new Uint8Array(randomBytes(300_001));
  const byNode = await encryptBytes(plain, { key, chunkSize: 4096, cipher: nodeChunkCipher });
  const byWeb = await encryptBytes(plain, { key, chunkSize: 4096 });
  t.same(await decryptBytes(byNode, { key }), plain, 'WebCrypto reads node:crypto');
  t.same(await decryptBytes(byWeb, { key, cipher: nodeChunkCipher }), plain, 'node:crypto reads WebCrypto');
  t.same(refDecrypt(key, byNode), Buffer.from(plain), 'the reference reader reads node:crypto');
});

t.test('the pooled node:crypto cipher writes into the pool’s buffers and wipes a failed chunk', async (t) => {
  const aesKey = new Uint8Array(randomBytes(32));
  const pool = new BufferPool(1024 + 16, 4);
  await checkPooledCipher(t, pool, await pooledNodeChunkCipher(pool)(aesKey), await nodeChunkCipher(aesKey));
});
