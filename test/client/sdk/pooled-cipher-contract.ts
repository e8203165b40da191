/**
 * What a chunk cipher that writes into a BufferPool promises (docs/envelope.md):
 * its outputs are the pool's buffers, a buffer given back is reused, a chunk
 * larger than the pool's buffers gets its own, and a chunk that fails to
 * authenticate is wiped and given back. Shared by the node:crypto and OpenSSL
 * ciphers' tests.
 */
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import type { ChunkCipher } from '../../../attest/index.js';
import type { BufferPool } from '../../../client/index.js';

/** Check `pooled`, built over `pool` (buffers of 1024 + 16 bytes, 4 of them, none taken yet). */
export async function checkPooledCipher(
  t: Test,
  pool: BufferPool,
  pooled: ChunkCipher,
  reference?: ChunkCipher,
): Promise<void> {
  const nonce = new Uint8Array(randomBytes(12));
  const aad = new Uint8Array(randomBytes(106));
  const data = new Uint8Array(randomBytes(1024));
  const sealed = await pooled.sealChunk(nonce, aad, data);
  if (reference)
    t.same(Buffer.from(sealed), Buffer.from(await reference.sealChunk(nonce, aad, data)), 'the same bytes');
  t.equal(sealed.buffer.byteLength, 1024 + 16, 'a pool buffer');
  const sealedCopy = sealed.slice();
  pool.give(sealed);
  const opened = await pooled.openChunk(nonce, aad, sealedCopy);
  t.equal(opened.buffer, sealed.buffer, 'the buffer given back is reused for the next output');
  t.same(Buffer.from(opened), Buffer.from(data));
  pool.give(opened);

  const big = await pooled.sealChunk(nonce, aad, new Uint8Array(4096));
  t.not(big.buffer.byteLength, 1024 + 16, 'a chunk larger than the pool’s buffers gets its own');
  t.equal(pool.idle, 1, 'and takes nothing from the pool');

  sealedCopy[3] ^= 1;
  await t.rejects(pooled.openChunk(nonce, aad, sealedCopy), 'a flipped bit does not authenticate');
  t.equal(pool.idle, 1, 'the failed output went back');
  const wiped = pool.take();
  t.equal(wiped.buffer, sealed.buffer);
  t.ok(
    wiped.subarray(0, 1024).every((b) => b === 0),
    'wiped: no unauthenticated plaintext stays behind',
  );
}
