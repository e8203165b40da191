/**
 * The envelope's chunk cipher on node:crypto (the seam is attest/envelope/cipher.ts).
 * Same bytes as the WebCrypto default, AES-256-GCM with a 96-bit IV (NIST SP
 * 800-38D), but without WebCrypto's per-call costs: no copy of the input into
 * a job, no slice to split off the tag, no output buffer wiped on free. It runs
 * on the calling thread, synchronously, so chunks "in flight" are sealed one
 * after the other while file reads and writes proceed on libuv's thread pool.
 */
import { createCipheriv, createDecipheriv, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ChunkCipher, ChunkCipherFactory } from '../../attest/envelope/index.js';
import type { BufferPool } from './buffer-pool.js';

const TAG_LENGTH = 16;
/**
 * Data goes through the cipher in slices this size. `update` returns a new
 * buffer every call (and copies it once more inside Node); small slices keep
 * both in cache and in malloc's reused memory, where one 1 MiB `update` pages
 * in fresh memory every chunk. Copying the slices into the output costs less
 * than that (docs/envelope.md, measured against 64 KiB and 1 MiB).
 */
const SLICE = 16 * 1024;

/** An output buffer of `length` bytes: from `pool` when it fits, else a new one. */
function output(pool: BufferPool | undefined, length: number): Uint8Array {
  const buffer = pool !== undefined && length <= pool.size ? pool.take() : Buffer.allocUnsafeSlow(length);
  return buffer.subarray(0, length);
}

/** AES-256-GCM of one chunk: ciphertext ‖ tag, into a buffer from `pool` or a new one. */
function seal(
  key: KeyObject,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  pool?: BufferPool,
): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH }).setAAD(aad);
  const sealed = output(pool, plaintext.length + TAG_LENGTH);
  for (let at = 0; at < plaintext.length; at += SLICE) {
    sealed.set(c.update(plaintext.subarray(at, at + SLICE)), at);
  }
  c.final();
  sealed.set(c.getAuthTag(), plaintext.length);
  return sealed;
}

/**
 * The plaintext of ciphertext ‖ tag; throws when it does not authenticate.
 * The plaintext is returned only after the tag verified; on failure the
 * buffer is wiped and given back.
 */
function open(
  key: KeyObject,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  pool?: BufferPool,
): Uint8Array {
  const bodyLength = sealed.length - TAG_LENGTH;
  if (bodyLength < 0) throw new RangeError('a sealed chunk is at least its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    .setAAD(aad)
    .setAuthTag(sealed.subarray(bodyLength));
  const plain = output(pool, bodyLength);
  try {
    for (let at = 0; at < bodyLength; at += SLICE) {
      plain.set(d.update(sealed.subarray(at, Math.min(at + SLICE, bodyLength))), at);
    }
    d.final();
  } catch (err) {
    plain.fill(0);
    pool?.give(plain);
    throw err;
  }
  return plain;
}

/** Both directions under one key, outputs from `pool` when given. */
function cipherFor(aesKey: Uint8Array, pool?: BufferPool): ChunkCipher {
  const key = createSecretKey(aesKey);
  // The executor runs synchronously; a throw in it becomes the rejection.
  return {
    sealChunk: (nonce, aad, plaintext) =>
      new Promise((resolve) => resolve(seal(key, nonce, aad, plaintext, pool))),
    openChunk: (nonce, aad, sealed) => new Promise((resolve) => resolve(open(key, nonce, aad, sealed, pool))),
  };
}

/** A `ChunkCipherFactory` for `encryptStream`/`decryptStream` (options `cipher`) on node:crypto. */
export const nodeChunkCipher: ChunkCipherFactory = (aesKey) => cipherFor(aesKey);

/**
 * node:crypto chunks whose outputs are buffers taken from `pool` (when a chunk
 * fits): the consumer owns each output and must `pool.give` it back once it is
 * written, or simply drop it. For the file path, where each output is written
 * before it is needed again (client/sdk/envelope-file.ts).
 */
export function pooledNodeChunkCipher(pool: BufferPool): ChunkCipherFactory {
  return (aesKey) => cipherFor(aesKey, pool);
}
