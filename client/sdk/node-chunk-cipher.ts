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

const TAG_LENGTH = 16;
/**
 * Sealing goes through the cipher in slices this size: each slice's output is
 * a small heap buffer, reused and still in cache when it is copied into the
 * sealed chunk, instead of a second fresh 1 MiB buffer per chunk to page in.
 */
const SLICE = 64 * 1024;

/** AES-256-GCM of one chunk: ciphertext ‖ tag, in one new buffer. */
function seal(key: KeyObject, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH }).setAAD(aad);
  const sealed = Buffer.allocUnsafeSlow(plaintext.length + TAG_LENGTH);
  for (let at = 0; at < plaintext.length; at += SLICE) {
    sealed.set(c.update(plaintext.subarray(at, at + SLICE)), at);
  }
  c.final();
  sealed.set(c.getAuthTag(), plaintext.length);
  return sealed;
}

/** The plaintext of ciphertext ‖ tag; throws when it does not authenticate. */
function open(key: KeyObject, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array {
  const bodyLength = sealed.length - TAG_LENGTH;
  if (bodyLength < 0) throw new RangeError('a sealed chunk is at least its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH })
    .setAAD(aad)
    .setAuthTag(sealed.subarray(bodyLength));
  const plain = d.update(sealed.subarray(0, bodyLength));
  d.final();
  return plain;
}

/** A `ChunkCipherFactory` for `encryptStream`/`decryptStream` (options `cipher`) on node:crypto. */
export const nodeChunkCipher: ChunkCipherFactory = (aesKey): ChunkCipher => {
  const key = createSecretKey(aesKey);
  // The executor runs synchronously; a throw in it becomes the rejection.
  return {
    sealChunk: (nonce, aad, plaintext) => new Promise((resolve) => resolve(seal(key, nonce, aad, plaintext))),
    openChunk: (nonce, aad, sealed) => new Promise((resolve) => resolve(open(key, nonce, aad, sealed))),
  };
};
