/**
 * The AEAD seam of the envelope: how one chunk is sealed or opened with
 * AES-256-GCM. Everything else (the STREAM nonces, the header, key derivation,
 * ordering, failure naming) stays in attest/ and is the same whatever does the
 * AES. The default is WebCrypto, so the envelope runs in a browser; a platform
 * may plug a faster implementation (the Node client uses node:crypto, in
 * client/sdk/node-chunk-cipher.ts) that must produce byte-for-byte the same
 * chunks: ciphertext ‖ 16-byte tag, NIST SP 800-38D with a 96-bit IV.
 */
import { subtle } from './keys.js';

/**
 * Seals and opens the chunks of one envelope under its derived AES-256 key.
 *
 * Buffers: `plaintext` / `sealed` belong to the caller and are only read until
 * the returned promise settles (they may be views into a larger buffer the
 * caller reuses afterwards); the result belongs to the caller.
 */
export interface ChunkCipher {
  /** AES-256-GCM of `plaintext` at `nonce` (12 bytes) with `aad`: ciphertext ‖ tag. */
  sealChunk(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Promise<Uint8Array>;
  /** The plaintext of ciphertext ‖ tag; rejects, with any error, when it does not authenticate. */
  openChunk(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Promise<Uint8Array>;
}

/** Makes the `ChunkCipher` of one envelope from its 32-byte AES key (derived per file). */
export type ChunkCipherFactory = (aesKey: Uint8Array) => ChunkCipher | Promise<ChunkCipher>;

/** A view with a plain ArrayBuffer behind it, as WebCrypto's types want (copies only when shared). */
function plainBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}

/**
 * The default chunk cipher: WebCrypto AES-GCM (W3C Web Cryptography API,
 * section 27). Calls in flight run concurrently (Node: on its thread pool).
 */
export const webCryptoChunkCipher: ChunkCipherFactory = async (aesKey) => {
  const key = await subtle().importKey('raw', plainBuffer(aesKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
  const params = (nonce: Uint8Array, aad: Uint8Array): AesGcmParams => ({
    name: 'AES-GCM',
    iv: plainBuffer(nonce),
    additionalData: plainBuffer(aad),
  });
  return {
    async sealChunk(nonce, aad, plaintext) {
      return new Uint8Array(await subtle().encrypt(params(nonce, aad), key, plainBuffer(plaintext)));
    },
    async openChunk(nonce, aad, sealed) {
      return new Uint8Array(await subtle().decrypt(params(nonce, aad), key, plainBuffer(sealed)));
    },
  };
};
