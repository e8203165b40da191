/**
 * Constant memory: the encryptor and decryptor pull from their source only as
 * the consumer takes output, holding at most their in-flight chunks. Measured
 * by counting chunks pulled against chunks handed out, never by timing.
 */
import t from 'tap';
import {
  ENVELOPE_HEADER_LENGTH as H,
  decryptStream,
  encryptBytes,
  encryptStream,
  generateDataKey,
} from '../../../attest/index.js';
import { CHUNK, data } from './helpers.js';

const key = generateDataKey();
const CHUNKS = 40;

/** A source of `n` pieces that counts how many were pulled and whether it was closed. */
function countingSource(n: number, piece: (i: number) => Uint8Array) {
  const state = { pulled: 0, closed: false };
  async function* gen(): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < n; i++) {
        await Promise.resolve();
        state.pulled++;
        yield piece(i);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: gen() };
}

/** Consume `parts`, skipping `skip` leading items; the most chunks pulled but not yet handed out. */
async function maxHeld(
  parts: AsyncIterable<Uint8Array>,
  state: { pulled: number },
  skip: number,
): Promise<number> {
  let handed = 0;
  let max = 0;
  let seen = 0;
  const it = parts[Symbol.asyncIterator]();
  while (!(await it.next()).done) {
    if (seen++ < skip) continue;
    max = Math.max(max, state.pulled - handed);
    handed++;
    await new Promise((r) => setImmediate(r)); // a slow consumer: in-flight work may finish meanwhile
  }
  return max;
}

t.test('the encryptor holds at most its in-flight chunks', async (t) => {
  for (const inFlight of [1, 2, 4, 8]) {
    const { state, source } = countingSource(CHUNKS, () => data(CHUNK));
    const parts = encryptStream(source, { key, size: CHUNKS * CHUNK, chunkSize: CHUNK, inFlight });
    t.equal(await maxHeld(parts, state, 1), inFlight, `${inFlight} in flight`);
    t.equal(state.pulled, CHUNKS);
  }
});

t.test('the decryptor holds at most its in-flight chunks', async (t) => {
  const sealed = await encryptBytes(data(CHUNKS * CHUNK), { key, chunkSize: CHUNK });
  const S = CHUNK + 16;
  for (const inFlight of [1, 3, 8]) {
    // piece 0 is the header, piece i the sealed chunk i - 1
    const piece = (i: number): Uint8Array =>
      i === 0 ? sealed.subarray(0, H) : sealed.subarray(H + (i - 1) * S, H + i * S);
    const { state, source } = countingSource(CHUNKS + 1, piece);
    const held = await maxHeld(decryptStream(source, { key, inFlight }), state, 0);
    t.ok(held <= inFlight + 1, `${inFlight} in flight: held ${held} (the header piece counts once)`);
    t.ok(held >= inFlight, 'and the window is used');
  }
});

t.test('a consumer that stops early closes the source, and nothing more is pulled', async (t) => {
  const { state, source } = countingSource(1000, () => data(CHUNK));
  let n = 0;
  const parts = encryptStream(source, { key, size: 1000 * CHUNK, chunkSize: CHUNK, inFlight: 4 });
  for await (const part of parts) {
    t.ok(part.length > 0);
    if (++n === 3) break;
  }
  t.ok(state.closed, 'the source was closed');
  t.ok(state.pulled <= 2 + 4, `pulled ${state.pulled} chunks`);
});

t.test(
  'a source that ends early or runs long fails before the final chunk: ENVELOPE_SIZE_MISMATCH',
  async (t) => {
    for (const [name, n] of [
      ['short', CHUNKS - 1],
      ['long', CHUNKS + 1],
    ] as const) {
      const { source } = countingSource(n, () => data(CHUNK));
      const out: Uint8Array[] = [];
      const run = async (): Promise<void> => {
        for await (const p of encryptStream(source, { key, size: CHUNKS * CHUNK, chunkSize: CHUNK }))
          out.push(p);
      };
      await t.rejects(run(), { name: 'EnvelopeError', code: 'ENVELOPE_SIZE_MISMATCH' }, name);
      t.ok(out.length < CHUNKS + 1, `${name}: the final chunk was never released`);
    }
  },
);
