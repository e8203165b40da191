/** The round-trip tests of the envelope, for any chunk cipher. */
import type { Test } from 'tap';
import {
  ENVELOPE_DEFAULT_CHUNK_SIZE,
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_TAG_LENGTH,
  decryptBytes,
  decryptStream,
  encryptBytes,
  encryptStream,
  generateDataKey,
  dataKeyId,
  readHeader,
} from '../../../attest/index.js';
import type { ChunkCipherFactory } from '../../../attest/index.js';
import { CHUNK, collect, data, join, pieces } from './helpers.js';
import { refDecrypt, refKeyId } from './reference.js';

/** Register the round-trip tests on `t`, sealing and opening chunks with `cipher` (default WebCrypto). */
export function roundtripSuite(t: Test, cipher?: ChunkCipherFactory): void {
  const key = generateDataKey();

  t.test('round trip at the sizes around chunk boundaries', async (t) => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 10 * CHUNK + 7]) {
      const plain = data(size);
      const sealed = await encryptBytes(plain, { key, cipher, chunkSize: CHUNK });
      const chunks = Math.max(1, Math.ceil(size / CHUNK));
      t.equal(
        sealed.length,
        ENVELOPE_HEADER_LENGTH + size + chunks * ENVELOPE_TAG_LENGTH,
        `size ${size}: envelope length`,
      );
      t.same(await decryptBytes(sealed, { key, cipher }), plain, `size ${size}: decrypts`);
      t.same(refDecrypt(key, sealed), Buffer.from(plain), `size ${size}: the documented format decrypts it`);
    }
  });

  t.test('streams in and out in pieces of any size', async (t) => {
    const plain = data(20 * CHUNK + 13);
    for (const sizes of [[1], [7, 130, 3], [CHUNK], [1000]]) {
      const sealed = join(
        await collect(
          encryptStream(pieces(plain, sizes), { key, cipher, size: plain.length, chunkSize: CHUNK }),
        ),
      );
      const opened = await collect(decryptStream(pieces(sealed, sizes), { key, cipher, inFlight: 3 }));
      t.same(join(opened), plain, `pieces ${sizes.join(',')}`);
      t.equal(opened.length, 21, 'one plaintext piece per chunk');
    }
  });

  t.test('an empty plaintext is one final chunk holding only a tag', async (t) => {
    const sealed = await encryptBytes(new Uint8Array(0), { key, cipher });
    t.equal(sealed.length, ENVELOPE_HEADER_LENGTH + ENVELOPE_TAG_LENGTH);
    const header = readHeader(sealed);
    t.equal(header.chunkCount, 1);
    t.equal(header.finalChunkLength, 0);
    t.same(await collect(decryptStream(pieces(sealed), { key, cipher })), [new Uint8Array(0)]);
  });

  t.test('the header says what the writer chose', async (t) => {
    const plain = data(1000);
    const sealed = await encryptBytes(plain, { key, cipher, chunkSize: 100 });
    const h = readHeader(sealed);
    t.equal(h.version, 1);
    t.equal(h.algorithm, 1);
    t.equal(h.chunkSize, 100);
    t.equal(h.plaintextLength, 1000);
    t.equal(h.chunkCount, 10);
    t.equal(h.finalChunkLength, 100);
    t.equal(h.envelopeLength, sealed.length);
    t.same(Buffer.from(h.keyId), refKeyId(key));
    t.same(h.keyId, dataKeyId(key));
    t.equal(readHeader(await encryptBytes(plain, { key, cipher })).chunkSize, ENVELOPE_DEFAULT_CHUNK_SIZE);
  });

  t.test('every envelope has a fresh salt and nonce prefix', async (t) => {
    const plain = data(10);
    const a = readHeader(await encryptBytes(plain, { key, cipher }));
    const b = readHeader(await encryptBytes(plain, { key, cipher }));
    t.notSame(a.salt, b.salt);
    t.notSame(a.noncePrefix, b.noncePrefix);
  });

  t.test('a bigint size and any in-flight count give the same plaintext back', async (t) => {
    const plain = data(9 * CHUNK);
    for (const inFlight of [1, 2, 64]) {
      const parts = encryptStream(pieces(plain), {
        key,
        cipher,
        size: BigInt(plain.length),
        chunkSize: CHUNK,
        inFlight,
      });
      t.same(await decryptBytes(join(await collect(parts)), { key, cipher, inFlight }), plain);
    }
  });

  t.test('data keys are random 32-byte keys with stable 16-byte ids', (t) => {
    const a = generateDataKey();
    const b = generateDataKey();
    t.equal(a.length, 32);
    t.notSame(a, b);
    t.equal(dataKeyId(a).length, 16);
    t.same(dataKeyId(a), dataKeyId(Uint8Array.from(a)));
    t.notSame(dataKeyId(a), dataKeyId(b));
    t.end();
  });

  t.test('programming mistakes are TypeErrors', async (t) => {
    const src = () => pieces(data(1));
    const bad: [string, Parameters<typeof encryptStream>[1]][] = [
      ['a 16-byte key', { key: new Uint8Array(16), size: 1 }],
      ['a negative size', { key, cipher, size: -1 }],
      ['a fractional size', { key, cipher, size: 1.5 }],
      ['a size beyond 2^53 - 1', { key, cipher, size: 2 ** 53 }],
      ['more than 2^32 chunks', { key, cipher, size: 2 ** 40, chunkSize: 16 }],
      ['a 15-byte chunk', { key, cipher, size: 1, chunkSize: 15 }],
      ['a chunk over 4 MiB', { key, cipher, size: 1, chunkSize: 4 * 1024 * 1024 + 1 }],
      ['a fractional chunk size', { key, cipher, size: 1, chunkSize: 100.5 }],
      ['no chunk in flight', { key, cipher, size: 1, inFlight: 0 }],
      ['65 chunks in flight', { key, cipher, size: 1, inFlight: 65 }],
    ];
    for (const [name, opts] of bad) await t.rejects(collect(encryptStream(src(), opts)), TypeError, name);
    await t.rejects(collect(decryptStream(src(), { key: new Uint8Array(31) })), TypeError);
    t.throws(() => dataKeyId(new Uint8Array(33)), TypeError);
    const notBytes = (async function* () {
      await Promise.resolve();
      yield 'text' as unknown as Uint8Array;
    })();
    await t.rejects(collect(encryptStream(notBytes, { key, cipher, size: 4 })), TypeError);
  });
}
