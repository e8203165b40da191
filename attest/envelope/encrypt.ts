/**
 * Writing envelopes: a header, then the plaintext in AES-256-GCM chunks with
 * STREAM nonces (format.ts). Several chunks are in flight on WebCrypto at once
 * (Node runs them on its thread pool, so both cores work) and come out in
 * order; the source is read only as fast as the consumer takes output.
 */
import { EnvelopeError } from './errors.js';
import {
  MAX_CHUNKS,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  NONCE_PREFIX_LENGTH,
  SALT_LENGTH,
  checkHeaderLimits,
  chunkLength,
  chunkNonce,
  encodeHeaderBody,
  parseHeader,
} from './format.js';
import type { EnvelopeHeader } from './format.js';
import { assertDataKey, deriveFileKeys, headerMac, keyId, randomBytes } from './keys.js';
import { webCryptoChunkCipher } from './cipher.js';
import type { ChunkCipher, ChunkCipherFactory } from './cipher.js';
import { ByteReader, InFlight } from './stream-io.js';
import { concat } from './bytes.js';

/** Plaintext bytes per chunk unless told otherwise (docs/envelope.md: chosen by measurement). */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;
/** Chunks encrypted or decrypted concurrently unless told otherwise. */
export const DEFAULT_IN_FLIGHT = 4;

export interface EncryptOptions {
  /** The 32-byte data key (`generateDataKey()`). */
  readonly key: Uint8Array;
  /** The exact plaintext length the source will deliver. */
  readonly size: number | bigint;
  /** Plaintext bytes per chunk, 16 B..4 MiB (default 1 MiB). */
  readonly chunkSize?: number;
  /** Chunks encrypted concurrently, 1..64 (default 4). */
  readonly inFlight?: number;
  /** What seals each chunk (default WebCrypto); any backend writes the same bytes. */
  readonly cipher?: ChunkCipherFactory;
}

/** Validate the caller's options once; a bad option is a programming mistake. */
export function normaliseInFlight(inFlight: number | undefined): number {
  const n = inFlight ?? DEFAULT_IN_FLIGHT;
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new TypeError('inFlight must be an integer in 1..64');
  return n;
}

function normaliseSize(size: number | bigint, chunkSize: number): number {
  const big = typeof size === 'bigint' ? size : Number.isInteger(size) ? BigInt(size) : -1n;
  if (big < 0n || big > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new TypeError('size must be a non-negative safe integer');
  }
  const n = Number(big);
  if (Math.ceil(n / chunkSize) > MAX_CHUNKS) throw new TypeError('size needs more than 2^32 chunks');
  return n;
}

function normaliseChunkSize(chunkSize: number | undefined): number {
  const n = chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(n) || n < MIN_CHUNK_SIZE || n > MAX_CHUNK_SIZE) {
    throw new TypeError(`chunkSize must be an integer in ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE}`);
  }
  return n;
}

/** Encrypt one chunk: AES-256-GCM at its STREAM nonce, the header as additional data. */
function sealChunk(cipher: ChunkCipher, header: EnvelopeHeader, index: number, plain: Uint8Array) {
  const iv = chunkNonce(header.noncePrefix, index, index === header.chunkCount - 1);
  return cipher.sealChunk(iv, header.bytes, plain);
}

/**
 * Encrypt a stream into an envelope. Yields the header, then one piece per
 * chunk (its ciphertext and tag). Memory stays at `inFlight` chunks whatever
 * the size. Fails with `ENVELOPE_SIZE_MISMATCH` when the source delivers more
 * or fewer bytes than `size`, before the final chunk is released.
 *
 * @example
 * ```ts
 * const dek = generateDataKey();
 * await pipeline(encryptStream(createReadStream(path), { key: dek, size: stat.size }), createWriteStream(out));
 * ```
 */
export async function* encryptStream(
  source: AsyncIterable<Uint8Array>,
  opts: EncryptOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  assertDataKey(opts.key);
  const chunkSize = normaliseChunkSize(opts.chunkSize);
  const plaintextLength = normaliseSize(opts.size, chunkSize);
  const inFlight = normaliseInFlight(opts.inFlight);
  const salt = randomBytes(SALT_LENGTH);
  const keys = deriveFileKeys(opts.key, salt);
  const cipher = await (opts.cipher ?? webCryptoChunkCipher)(keys.aeadKey);
  const body = encodeHeaderBody({
    chunkSize,
    plaintextLength,
    keyId: keyId(opts.key),
    salt,
    noncePrefix: randomBytes(NONCE_PREFIX_LENGTH),
  });
  const header = checkHeaderLimits(parseHeader(concat(body, headerMac(keys.macKey, body))));
  yield header.bytes.slice();

  const reader = new ByteReader(source);
  const window = new InFlight<Uint8Array>();
  try {
    for (let i = 0; i < header.chunkCount; i++) {
      const want = chunkLength(header, i);
      const plain = await reader.read(want);
      if (plain.length < want) {
        const got = i * chunkSize + plain.length;
        throw new EnvelopeError(
          'ENVELOPE_SIZE_MISMATCH',
          `source ended after ${got} of ${plaintextLength} bytes`,
        );
      }
      if (i === header.chunkCount - 1 && !(await reader.atEnd())) {
        throw new EnvelopeError('ENVELOPE_SIZE_MISMATCH', `source has more than ${plaintextLength} bytes`);
      }
      window.push(sealChunk(cipher, header, i, plain));
      if (window.size >= inFlight) yield await window.shift();
    }
    while (window.size > 0) yield await window.shift();
  } finally {
    await reader.close();
  }
}

/**
 * Encrypt a small buffer into one envelope in memory.
 *
 * @example
 * ```ts
 * const sealed = await encryptBytes(new TextEncoder().encode('hello'), { key: dek });
 * ```
 */
export async function encryptBytes(
  plaintext: Uint8Array,
  opts: Omit<EncryptOptions, 'size'>,
): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of encryptStream(once(plaintext), { ...opts, size: plaintext.length })) {
    parts.push(part);
  }
  return concat(...parts);
}

/** An async iterable of one piece. */
export async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  await Promise.resolve();
  yield bytes;
}
