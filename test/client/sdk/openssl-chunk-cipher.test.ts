/**
 * The chunk cipher on Node's own OpenSSL is a drop-in for the WebCrypto
 * default: the whole envelope suite (round trips, every tampering code) runs
 * on it with every chunk on a worker thread and with every chunk on the
 * calling thread; it seals a chunk to the same bytes as WebCrypto and
 * node:crypto and reads theirs; its outputs are pool buffers, wiped when a
 * chunk fails; and where OpenSSL cannot be bound it falls back to node:crypto.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { decryptBytes, encryptBytes, generateDataKey, webCryptoChunkCipher } from '../../../attest/index.js';
import { BufferPool, nodeChunkCipher, openSslChunkCipher } from '../../../client/index.js';
import { roundtripSuite } from '../../attest/envelope/roundtrip-suite.js';
import { tamperSuite } from '../../attest/envelope/tamper-suite.js';
import { refDecrypt } from '../../attest/envelope/reference.js';
import { checkPooledCipher } from './pooled-cipher-contract.js';
// Internal: the binding itself, to wrap it (the cipher takes it as its `binding` option).
import { openSslGcm } from '../../../client/sdk/openssl-gcm.js';
import type { Evp } from '../../../client/sdk/openssl-gcm.js';

const threaded = openSslChunkCipher({ threadMin: 0 });
const onThisThread = openSslChunkCipher({ threads: false });

t.test('the round-trip suite on OpenSSL, worker threads', (t) => {
  roundtripSuite(t, threaded);
  t.end();
});
t.test('the round-trip suite on OpenSSL, calling thread', (t) => {
  roundtripSuite(t, onThisThread);
  t.end();
});
t.test('the tampering suite on OpenSSL, worker threads', (t) => tamperSuite(t, threaded));
t.test('the tampering suite on OpenSSL, calling thread', (t) => tamperSuite(t, onThisThread));

t.test(
  'OpenSSL seals a chunk to the same bytes as WebCrypto and node:crypto, and opens theirs',
  async (t) => {
    const aesKey = new Uint8Array(randomBytes(32));
    const web = await webCryptoChunkCipher(aesKey);
    const node = await nodeChunkCipher(aesKey);
    const nonce = new Uint8Array(randomBytes(12));
    const aad = new Uint8Array(randomBytes(106));
    for (const [name, factory] of [
      ['default', openSslChunkCipher()],
      ['threaded', threaded],
      ['calling thread', onThisThread],
    ] as const) {
      const ossl = await factory(aesKey);
      // sizes around the 64 KiB thread threshold, the empty chunk and a full 1 MiB chunk
      for (const size of [0, 1, 16, 65_535, 65_536, 65_537, 1_048_576]) {
        const plain = new Uint8Array(randomBytes(size));
        const a = await web.sealChunk(nonce, aad, plain);
        const b = await ossl.sealChunk(nonce, aad, plain);
        t.same(Buffer.from(b), Buffer.from(a), `${name}, ${size} bytes: the same ciphertext and tag`);
        t.same(
          Buffer.from(await ossl.openChunk(nonce, aad, a)),
          Buffer.from(plain),
          `${name}, ${size}: opens web`,
        );
        t.same(
          Buffer.from(await node.openChunk(nonce, aad, b)),
          Buffer.from(plain),
          `${name}, ${size}: node opens it`,
        );
      }
      await t.rejects(
        ossl.openChunk(nonce, aad, new Uint8Array(15)),
        RangeError,
        `${name}: shorter than a tag`,
      );
      await t.rejects(
        ossl.sealChunk(new Uint8Array(8), aad, new Uint8Array(1)),
        TypeError,
        `${name}: bad nonce`,
      );
      for (const at of [0, 70_000, 70_000 + 15]) {
        const sealed = await ossl.sealChunk(nonce, aad, new Uint8Array(70_000));
        sealed[at] ^= 1;
        await t.rejects(
          ossl.openChunk(nonce, aad, sealed),
          `${name}: a flipped bit at ${at} does not authenticate`,
        );
      }
      const other = new Uint8Array(aad);
      other[0] ^= 1;
      const sealed = await ossl.sealChunk(nonce, aad, new Uint8Array(100));
      await t.rejects(
        ossl.openChunk(nonce, other, sealed),
        `${name}: other additional data does not authenticate`,
      );
    }
    await t.rejects(
      Promise.resolve(openSslChunkCipher()(new Uint8Array(16))),
      TypeError,
      'a 16-byte key is refused',
    );
  },
);

t.test('envelopes written on OpenSSL are read by WebCrypto and by the reference reader', async (t) => {
  const key = generateDataKey();
  const plain = new Uint8Array(randomBytes(300_001));
  const byOssl = await encryptBytes(plain, { key, chunkSize: 65_536, cipher: threaded });
  const byWeb = await encryptBytes(plain, { key, chunkSize: 65_536 });
  t.same(await decryptBytes(byOssl, { key }), plain, 'WebCrypto reads OpenSSL');
  t.same(await decryptBytes(byWeb, { key, cipher: threaded }), plain, 'OpenSSL reads WebCrypto');
  t.same(refDecrypt(key, byOssl), Buffer.from(plain), 'the reference reader reads OpenSSL');
});

t.test('outputs are pool buffers, and a failed chunk is wiped and given back', async (t) => {
  for (const threadMin of [0, Infinity]) {
    const pool = new BufferPool(1024 + 16, 4);
    await checkPooledCipher(
      t,
      pool,
      await openSslChunkCipher({ pool, threadMin })(new Uint8Array(randomBytes(32))),
    );
  }
});

t.test('without OpenSSL it falls back to node:crypto, pooled or not', async (t) => {
  const aesKey = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(106));
  const data = new Uint8Array(randomBytes(2000));
  const expected = Buffer.from(await (await nodeChunkCipher(aesKey)).sealChunk(nonce, aad, data));
  const binding = (): Promise<undefined> => Promise.resolve(undefined);
  const pool = new BufferPool(4096, 2);
  const plain = await openSslChunkCipher({ binding })(aesKey);
  const pooled = await openSslChunkCipher({ binding, pool })(aesKey);
  t.same(Buffer.from(await plain.sealChunk(nonce, aad, data)), expected, 'node:crypto bytes');
  const out = await pooled.sealChunk(nonce, aad, data);
  t.same(Buffer.from(out), expected, 'pooled node:crypto bytes');
  t.equal(out.buffer.byteLength, 4096, 'into the pool');
});

t.test('when koffi refuses an async call, the chunk is done on the calling thread', async (t) => {
  const real = await openSslGcm();
  t.ok(real, "Node's own OpenSSL binds on this platform");
  if (real === undefined) return;
  const refusing = (update: Evp['encryptUpdate']): Evp['encryptUpdate'] =>
    Object.assign((...args: Parameters<Evp['encryptUpdate']>) => update(...args), {
      async: () => {
        throw new Error('too many asynchronous calls');
      },
    });
  const evp: Evp = {
    ...real,
    encryptUpdate: refusing(real.encryptUpdate),
    decryptUpdate: refusing(real.decryptUpdate),
  };
  const aesKey = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(106));
  const data = new Uint8Array(randomBytes(100_000));
  const ossl = await openSslChunkCipher({ threadMin: 0, binding: () => Promise.resolve(evp) })(aesKey);
  const web = await webCryptoChunkCipher(aesKey);
  const sealed = await ossl.sealChunk(nonce, aad, data);
  t.same(Buffer.from(sealed), Buffer.from(await web.sealChunk(nonce, aad, data)), 'the same bytes');
  t.same(Buffer.from(await ossl.openChunk(nonce, aad, sealed)), Buffer.from(data), 'and back');
});
