/**
 * The envelope's chunk cipher on Node's own OpenSSL (client/sdk/openssl-gcm.ts),
 * writing into the caller's buffers: the default of the file path. Same bytes
 * as the WebCrypto and node:crypto ciphers (AES-256-GCM, 96-bit IV, NIST SP
 * 800-38D); the seam is attest/envelope/cipher.ts.
 *
 * The bulk of each chunk (one `EVP_*Update` over the whole chunk) runs on a
 * worker thread, so chunks in flight are sealed or opened on both cores while
 * the main thread only schedules them; the few small calls around it (set-up,
 * AAD, tag) run on the calling thread. Where Node's OpenSSL cannot be bound,
 * the factory falls back to node:crypto (client/sdk/node-chunk-cipher.ts).
 */
import type { ChunkCipher, ChunkCipherFactory } from '../../attest/envelope/index.js';
import type { BufferPool } from './buffer-pool.js';
import { nodeChunkCipher, pooledNodeChunkCipher } from './node-chunk-cipher.js';
import { openSslGcm } from './openssl-gcm.js';
import type { Evp } from './openssl-gcm.js';

const TAG_LENGTH = 16;
const IV_LENGTH = 12;
const KEY_LENGTH = 32;
/** `EVP_CTRL_AEAD_GET_TAG` / `EVP_CTRL_AEAD_SET_TAG` of <openssl/evp.h> (OpenSSL 3.0). */
const CTRL_GET_TAG = 0x10;
const CTRL_SET_TAG = 0x11;
/** Chunks below this size stay on the calling thread: a thread hop costs more than their AES. */
const THREAD_MIN = 64 * 1024;

export interface OpenSslCipherOptions {
  /** Outputs come from this pool when they fit (the consumer gives them back). */
  readonly pool?: BufferPool;
  /** Run each chunk's bulk AES on a worker thread (default true). */
  readonly threads?: boolean;
  /** Chunks of fewer bytes than this stay on the calling thread (default 64 KiB; tests use 0). */
  readonly threadMin?: number;
  /** Where OpenSSL comes from (default Node's own; tests pass one that fails, for the fallback). */
  readonly binding?: () => Promise<Evp | undefined>;
}

/** An output buffer of `length` bytes: from `pool` when it fits, else a new one. */
function output(pool: BufferPool | undefined, length: number): Uint8Array {
  const buffer = pool !== undefined && length <= pool.size ? pool.take() : Buffer.allocUnsafeSlow(length);
  return buffer.subarray(0, length);
}

/** EVP functions return 1 on success (OpenSSL 3.0, EVP_EncryptInit(3)). */
function must(ok: number, what: string): void {
  if (ok !== 1) throw new Error(`OpenSSL ${what} failed`);
}

/** `update(ctx, out, outl, input)` of the whole input, on a worker thread when asked; checks outl. */
function bulk(
  update: Evp['encryptUpdate'],
  ctx: unknown,
  out: Uint8Array,
  input: Uint8Array,
  threadMin: number,
): Promise<void> {
  // The one call that writes `out`: it must hold all of `input` (GCM writes exactly as many bytes).
  if (out.length < input.length) throw new RangeError('output shorter than input');
  const outl = new Int32Array(1);
  const check = (ok: number): void => {
    must(ok, 'update');
    if (outl[0] !== input.length) throw new Error('OpenSSL update wrote an unexpected length');
  };
  if (input.length === 0) return Promise.resolve();
  if (input.length < threadMin) return Promise.resolve(check(update(ctx, out, outl, input, input.length)));
  return new Promise((resolve, reject) => {
    const done = (err: unknown, ok: number): void => {
      try {
        if (err !== null && err !== undefined)
          throw err instanceof Error ? err : new Error('OpenSSL update failed on a worker thread');
        resolve(check(ok));
      } catch (e) {
        reject(e instanceof Error ? e : new Error('OpenSSL update failed'));
      }
    };
    try {
      update.async(ctx, out, outl, input, input.length, done);
    } catch {
      // koffi refuses async calls beyond its queue (256 at once, across every envelope in the
      // process): do this one here instead. The executor's throw becomes the rejection.
      resolve(check(update(ctx, out, outl, input, input.length)));
    }
  });
}

/** Both directions under one key (NIST SP 800-38D, 96-bit IV, 16-byte tag). */
function cipherFor(evp: Evp, aesKey: Uint8Array, opts: OpenSslCipherOptions): ChunkCipher {
  if (aesKey.length !== KEY_LENGTH) throw new TypeError('an AES-256 key is 32 bytes');
  const key = Uint8Array.from(aesKey);
  const threadMin = opts.threads === false ? Infinity : (opts.threadMin ?? THREAD_MIN);
  /** A fresh context set up for one chunk, its AAD already absorbed. */
  const start = (encrypt: boolean, nonce: Uint8Array, aad: Uint8Array): unknown => {
    if (nonce.length !== IV_LENGTH) throw new TypeError('a GCM nonce here is 12 bytes');
    const ctx = evp.ctxNew();
    if (ctx === null || ctx === 0n) throw new Error('OpenSSL EVP_CIPHER_CTX_new failed');
    try {
      must((encrypt ? evp.encryptInit : evp.decryptInit)(ctx, evp.cipher, null, key, nonce), 'init');
      const outl = new Int32Array(1);
      if (aad.length > 0)
        must((encrypt ? evp.encryptUpdate : evp.decryptUpdate)(ctx, null, outl, aad, aad.length), 'aad');
    } catch (err) {
      evp.ctxFree(ctx);
      throw err;
    }
    return ctx;
  };
  return {
    async sealChunk(nonce, aad, plaintext) {
      const ctx = start(true, nonce, aad);
      const sealed = output(opts.pool, plaintext.length + TAG_LENGTH);
      try {
        await bulk(evp.encryptUpdate, ctx, sealed, plaintext, threadMin);
        const tag = sealed.subarray(plaintext.length);
        // GCM's final writes no bytes; `tag` has room for a block all the same.
        must(evp.encryptFinal(ctx, tag, new Int32Array(1)), 'final');
        must(evp.ctrl(ctx, CTRL_GET_TAG, TAG_LENGTH, tag), 'get tag');
      } catch (err) {
        evp.clearErrors();
        opts.pool?.give(sealed);
        throw err;
      } finally {
        evp.ctxFree(ctx);
      }
      return sealed;
    },
    async openChunk(nonce, aad, sealed) {
      const bodyLength = sealed.length - TAG_LENGTH;
      if (bodyLength < 0) throw new RangeError('a sealed chunk is at least its tag');
      const ctx = start(false, nonce, aad);
      const plain = output(opts.pool, bodyLength);
      try {
        await bulk(evp.decryptUpdate, ctx, plain, sealed.subarray(0, bodyLength), threadMin);
        // SET_TAG copies the 16 bytes it is given into the context.
        must(evp.ctrl(ctx, CTRL_SET_TAG, TAG_LENGTH, sealed.subarray(bodyLength)), 'set tag');
        // Final checks the tag; it writes no bytes (TAG_LENGTH of room regardless).
        must(evp.decryptFinal(ctx, new Uint8Array(TAG_LENGTH), new Int32Array(1)), 'tag check');
      } catch (err) {
        evp.clearErrors();
        // No unauthenticated plaintext lingers in a pooled buffer.
        plain.fill(0);
        opts.pool?.give(plain);
        throw err;
      } finally {
        evp.ctxFree(ctx);
      }
      return plain;
    },
  };
}

/**
 * A `ChunkCipherFactory` on Node's OpenSSL, outputs from `opts.pool` when
 * given (the consumer owns each output and may `pool.give` it back once
 * written); node:crypto where that OpenSSL cannot be bound.
 */
export function openSslChunkCipher(opts: OpenSslCipherOptions = {}): ChunkCipherFactory {
  return async (aesKey) => {
    const evp = await (opts.binding ?? openSslGcm)();
    if (evp !== undefined) return cipherFor(evp, aesKey, opts);
    return opts.pool === undefined ? nodeChunkCipher(aesKey) : pooledNodeChunkCipher(opts.pool)(aesKey);
  };
}
