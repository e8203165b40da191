/**
 * Every tampering of an envelope fails with its own code (docs/envelope.md,
 * "Errors"). Envelopes here are made fresh by the code under test; the
 * crafted headers come from the independent writer in reference.ts.
 */
import type { Test } from 'tap';
import {
  EnvelopeError,
  ENVELOPE_HEADER_LENGTH as H,
  decryptBytes,
  decryptStream,
  encryptBytes,
  generateDataKey,
  readHeader,
} from '../../../attest/index.js';
import type { ChunkCipherFactory } from '../../../attest/index.js';
import { CHUNK, collect, data, join, pieces } from './helpers.js';
import { refHeader, refKeys, refSealChunk } from './reference.js';

/** Register the tampering tests on `t`, sealing and opening chunks with `cipher` (default WebCrypto). */
export async function tamperSuite(t: Test, cipher?: ChunkCipherFactory): Promise<void> {
  const key = generateDataKey();
  /** Sealed bytes of a full chunk. */
  const S = CHUNK + 16;
  /** Six chunks: five full and a final one of 10 bytes. */
  const plain = data(5 * CHUNK + 10);
  const sealed = await encryptBytes(plain, { key, cipher, chunkSize: CHUNK });
  const chunk = (i: number): Uint8Array =>
    sealed.subarray(H + i * S, Math.min(H + (i + 1) * S, sealed.length));

  function flip(bytes: Uint8Array, offset: number, bit = 0): Uint8Array {
    const copy = Uint8Array.from(bytes);
    copy[offset] = copy[offset] ^ (1 << bit);
    return copy;
  }

  /** The code of the EnvelopeError decrypting `bytes` fails with (asserting the class too). */
  async function codeOf(bytes: Uint8Array): Promise<string> {
    const err = await decryptBytes(bytes, { key, cipher }).then(
      () => 'no error',
      (e: unknown) => e,
    );
    return err instanceof EnvelopeError ? err.code : `not an EnvelopeError: ${String(err)}`;
  }

  t.test('the untouched envelope decrypts', async (t) => {
    t.same(await decryptBytes(sealed, { key, cipher }), plain);
  });

  t.test('a flipped bit anywhere the header MAC covers: ENVELOPE_HEADER_TAMPERED', async (t) => {
    for (let offset = 7; offset < H; offset++) {
      await t.rejects(decryptBytes(flip(sealed, offset, offset % 8), { key, cipher }), {
        code: 'ENVELOPE_HEADER_TAMPERED',
      });
    }
  });

  t.test('bad magic: ENVELOPE_MALFORMED; another version or algorithm: ENVELOPE_UNSUPPORTED', async (t) => {
    for (let offset = 0; offset < 5; offset++)
      t.equal(await codeOf(flip(sealed, offset)), 'ENVELOPE_MALFORMED');
    t.equal(await codeOf(flip(sealed, 5)), 'ENVELOPE_UNSUPPORTED', 'version');
    t.equal(await codeOf(flip(sealed, 6)), 'ENVELOPE_UNSUPPORTED', 'algorithm');
    t.throws(() => readHeader(new TextEncoder().encode('PK\x03\x04 a zip file')), {
      code: 'ENVELOPE_MALFORMED',
    });
  });

  t.test('the wrong key: ENVELOPE_WRONG_KEY', async (t) => {
    const err: unknown = await decryptBytes(sealed, { key: generateDataKey(), cipher }).catch(
      (e: unknown) => e,
    );
    t.ok(err instanceof EnvelopeError);
    t.equal((err as EnvelopeError).code, 'ENVELOPE_WRONG_KEY');
  });

  t.test('a flipped bit in a chunk body: ENVELOPE_CHUNK_TAMPERED', async (t) => {
    for (const i of [0, 2, 5]) {
      t.equal(await codeOf(flip(sealed, H + i * S + 3, i)), 'ENVELOPE_CHUNK_TAMPERED', `chunk ${i}`);
    }
  });

  t.test("a flipped bit in a chunk's tag: ENVELOPE_TAG_TAMPERED", async (t) => {
    t.equal(await codeOf(flip(sealed, H + CHUNK)), 'ENVELOPE_TAG_TAMPERED', 'first chunk');
    t.equal(await codeOf(flip(sealed, H + 3 * S - 1, 7)), 'ENVELOPE_TAG_TAMPERED', 'middle chunk');
    t.equal(await codeOf(flip(sealed, sealed.length - 5, 2)), 'ENVELOPE_TAG_TAMPERED', 'final chunk');
    const three = flip(flip(flip(sealed, H + CHUNK + 1), H + CHUNK + 8, 3), H + CHUNK + 15, 6);
    t.equal(await codeOf(three), 'ENVELOPE_TAG_TAMPERED', 'three bits');
    const empty = await encryptBytes(new Uint8Array(0), { key, cipher });
    t.equal(await codeOf(flip(empty, H + 4)), 'ENVELOPE_TAG_TAMPERED', 'the only tag of an empty plaintext');
    const replaced = Uint8Array.from(sealed);
    replaced.set(data(16), H + CHUNK);
    t.equal(await codeOf(replaced), 'ENVELOPE_CHUNK_TAMPERED', 'a tag replaced outright is a forged chunk');
  });

  t.test('truncation at any chunk boundary, or inside a chunk: ENVELOPE_TRUNCATED', async (t) => {
    for (let i = 0; i < 6; i++)
      t.equal(await codeOf(sealed.subarray(0, H + i * S)), 'ENVELOPE_TRUNCATED', `${i} chunks`);
    t.equal(await codeOf(sealed.subarray(0, sealed.length - 1)), 'ENVELOPE_TRUNCATED', 'one byte short');
    t.equal(await codeOf(sealed.subarray(0, H + 2 * S + 17)), 'ENVELOPE_TRUNCATED', 'inside chunk 2');
    t.equal(await codeOf(sealed.subarray(0, H - 1)), 'ENVELOPE_TRUNCATED', 'inside the header');
    t.equal(await codeOf(new Uint8Array(0)), 'ENVELOPE_TRUNCATED', 'nothing at all');
  });

  t.test('reordered chunks: ENVELOPE_CHUNK_REORDERED', async (t) => {
    const swapped = join([sealed.subarray(0, H), chunk(0), chunk(2), chunk(1), chunk(3), chunk(4), chunk(5)]);
    t.equal(await codeOf(swapped), 'ENVELOPE_CHUNK_REORDERED', 'two neighbours swapped');
    const full = await encryptBytes(data(4 * CHUNK), { key, cipher, chunkSize: CHUNK });
    const c = (i: number): Uint8Array => full.subarray(H + i * S, H + (i + 1) * S);
    const lastFirst = join([full.subarray(0, H), c(3), c(1), c(2), c(0)]);
    t.equal(await codeOf(lastFirst), 'ENVELOPE_CHUNK_REORDERED', 'the final chunk moved to the front');
  });

  t.test('a far-away chunk is found among hundreds of positions', async (t) => {
    const many = await encryptBytes(data(300 * 16), { key, cipher, chunkSize: 16 });
    const c = (i: number): Uint8Array => many.subarray(H + i * 32, H + (i + 1) * 32);
    const moved = join([
      many.subarray(0, H),
      c(280),
      ...Array.from({ length: 298 }, (_, i) => c(i + 1)),
      c(0),
    ]);
    t.equal(await codeOf(moved), 'ENVELOPE_CHUNK_REORDERED', 'chunk 280 at position 0');
    const late = join([many.subarray(0, H), ...Array.from({ length: 299 }, (_, i) => c(i)), c(1)]);
    t.equal(await codeOf(late), 'ENVELOPE_CHUNK_DUPLICATED', 'chunk 1 again at position 299');
  });

  t.test('a duplicated chunk: ENVELOPE_CHUNK_DUPLICATED', async (t) => {
    const replaced = join([
      sealed.subarray(0, H),
      chunk(0),
      chunk(1),
      chunk(1),
      chunk(3),
      chunk(4),
      chunk(5),
    ]);
    t.equal(await codeOf(replaced), 'ENVELOPE_CHUNK_DUPLICATED', 'chunk 1 in place of chunk 2');
    const inserted = join([
      sealed.subarray(0, H),
      chunk(0),
      chunk(0),
      chunk(1),
      chunk(2),
      chunk(3),
      chunk(4),
      chunk(5),
    ]);
    t.equal(await codeOf(inserted), 'ENVELOPE_CHUNK_DUPLICATED', 'chunk 0 inserted twice');
  });

  t.test('bytes after the final chunk: ENVELOPE_TRAILING_DATA', async (t) => {
    t.equal(await codeOf(join([sealed, new Uint8Array([0])])), 'ENVELOPE_TRAILING_DATA', 'one byte');
    t.equal(await codeOf(join([sealed, chunk(5)])), 'ENVELOPE_TRAILING_DATA', 'the final chunk again');
    const parts = pieces(join([sealed, data(3)]), [S]);
    await t.rejects(
      collect(decryptStream(parts, { key, cipher })),
      { code: 'ENVELOPE_TRAILING_DATA' },
      'in a later piece',
    );
  });

  t.test('a chunk from another envelope under the same key: ENVELOPE_CHUNK_TAMPERED', async (t) => {
    const other = await encryptBytes(plain, { key, cipher, chunkSize: CHUNK });
    const spliced = Uint8Array.from(sealed);
    spliced.set(other.subarray(H + 2 * S, H + 3 * S), H + 2 * S);
    t.equal(await codeOf(spliced), 'ENVELOPE_CHUNK_TAMPERED');
  });

  t.test('no plaintext of a chunk that did not authenticate is ever released', async (t) => {
    const released: Uint8Array[] = [];
    const tampered = flip(sealed, H + 3 * S + 1);
    const run = async (): Promise<void> => {
      for await (const part of decryptStream(pieces(tampered, [S]), { key, cipher, inFlight: 8 }))
        released.push(part);
    };
    await t.rejects(run(), { code: 'ENVELOPE_CHUNK_TAMPERED' });
    t.equal(released.length, 3, 'only the chunks before the tampered one');
    t.same(join(released), plain.subarray(0, 3 * CHUNK), 'and they are authentic');
    const appended = join([sealed, new Uint8Array([1])]);
    const final: Uint8Array[] = [];
    const all = async (): Promise<void> => {
      for await (const part of decryptStream(pieces(appended, [S]), { key, cipher })) final.push(part);
    };
    await t.rejects(all(), { code: 'ENVELOPE_TRAILING_DATA' });
    t.equal(final.length, 5, 'the final chunk is held back when bytes follow it');
  });

  t.test('header values are checked after the MAC, each with its own code', async (t) => {
    const salt = data(32);
    const noncePrefix = data(7);
    const { aes } = refKeys(key, salt);
    const withHeader = (chunkSize: number, plaintextLength: bigint): Uint8Array => {
      const header = refHeader(key, { chunkSize, plaintextLength, salt, noncePrefix });
      return join([header, refSealChunk(aes, header, 0, true, new Uint8Array(0))]);
    };
    for (const size of [0, 15, 4 * 1024 * 1024 + 1, 2 ** 32 - 1]) {
      t.equal(await codeOf(withHeader(size, 0n)), 'ENVELOPE_CHUNK_SIZE', `chunk size ${size}`);
      t.throws(() => readHeader(withHeader(size, 0n)), { code: 'ENVELOPE_CHUNK_SIZE' });
    }
    t.equal(await codeOf(withHeader(1024, 2n ** 53n)), 'ENVELOPE_MALFORMED', 'a length beyond 2^53 - 1');
    t.equal(await codeOf(withHeader(16, 2n ** 36n + 1n)), 'ENVELOPE_MALFORMED', 'more than 2^32 chunks');
    const v2 = refHeader(key, { version: 2, chunkSize: 64, plaintextLength: 0n, salt, noncePrefix });
    t.throws(() => readHeader(v2), { code: 'ENVELOPE_UNSUPPORTED' });
    const ok = withHeader(64, 0n);
    t.same(
      await decryptBytes(ok, { key, cipher }),
      new Uint8Array(0),
      'the reference writer agrees with the reader',
    );
  });
}
