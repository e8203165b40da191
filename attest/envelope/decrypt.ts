/**
 * Reading envelopes. Parse, then verify: the header's layout is parsed, the key
 * id and header MAC are checked, then the header's values; each chunk is
 * released only after it authenticated at its own position, and the final
 * chunk only once the source is known to end right after it.
 */
import { EnvelopeError } from './errors.js';
import {
  HEADER_BODY_LENGTH,
  HEADER_LENGTH,
  TAG_LENGTH,
  checkHeaderLimits,
  chunkLength,
  chunkNonce,
  parseHeader,
} from './format.js';
import type { EnvelopeHeader, RawHeader } from './format.js';
import type { FileKeys } from './keys.js';
import { assertDataKey, deriveFileKeys, headerMac, keyId } from './keys.js';
import { webCryptoChunkCipher } from './cipher.js';
import type { ChunkCipher, ChunkCipherFactory } from './cipher.js';
import { ByteReader, InFlight } from './stream-io.js';
import { bitDistance, concat, constantTimeEqual } from './bytes.js';
import { FEW_BITS, diagnoseChunk } from './diagnose.js';
import { normaliseInFlight, once } from './encrypt.js';

export interface DecryptOptions {
  /** The 32-byte data key the envelope was written with. */
  readonly key: Uint8Array;
  /** Chunks decrypted concurrently, 1..64 (default 4). */
  readonly inFlight?: number;
  /** What opens each chunk (default WebCrypto); failures are named the same whatever it is. */
  readonly cipher?: ChunkCipherFactory;
}

/**
 * Parse an envelope's header from its first bytes (at least 106) without a key:
 * to show its size, chunk size and key id. Nothing in it is authenticated yet.
 */
export function readHeader(bytes: Uint8Array): EnvelopeHeader {
  return checkHeaderLimits(parseHeader(bytes));
}

/**
 * Check the key against the header's key id, then the header MAC. A key id a
 * few bits from the key's own means the header was altered, not the key wrong.
 */
export function authenticateHeader(raw: RawHeader, dek: Uint8Array): FileKeys {
  const expected = keyId(dek);
  if (!constantTimeEqual(expected, raw.keyId)) {
    if (bitDistance(expected, raw.keyId) <= FEW_BITS) {
      throw new EnvelopeError('ENVELOPE_HEADER_TAMPERED', 'the envelope header was altered (key id)');
    }
    throw new EnvelopeError('ENVELOPE_WRONG_KEY', 'the envelope was sealed under a different data key');
  }
  const keys = deriveFileKeys(dek, raw.salt);
  const mac = headerMac(keys.macKey, raw.bytes.subarray(0, HEADER_BODY_LENGTH));
  if (!constantTimeEqual(mac, raw.mac)) {
    throw new EnvelopeError('ENVELOPE_HEADER_TAMPERED', 'the envelope header was altered (MAC)');
  }
  return keys;
}

/** Decrypt chunk `index`; on failure, the error that names what happened to it. */
async function openChunk(
  cipher: ChunkCipher,
  keys: FileKeys,
  header: EnvelopeHeader,
  index: number,
  sealed: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array> {
  const iv = chunkNonce(header.noncePrefix, index, index === header.chunkCount - 1);
  try {
    return await cipher.openChunk(iv, header.bytes, sealed);
  } catch {
    throw await diagnoseChunk(keys, header, index, sealed);
  }
}

/**
 * Decrypt an envelope stream. Yields plaintext chunk by chunk, each only after
 * it authenticated; fails with an `EnvelopeError` naming the first problem in
 * stream order. Plaintext yielded before a failure is authentic but the whole
 * is not: write it somewhere provisional and discard it on failure.
 *
 * @example
 * ```ts
 * await pipeline(decryptStream(createReadStream(sealedPath), { key: dek }), createWriteStream(tmp));
 * ```
 */
export async function* decryptStream(
  source: AsyncIterable<Uint8Array>,
  opts: DecryptOptions,
): AsyncGenerator<Uint8Array, void, undefined> {
  assertDataKey(opts.key);
  const inFlight = normaliseInFlight(opts.inFlight);
  const reader = new ByteReader(source);
  try {
    const raw = parseHeader(await reader.read(HEADER_LENGTH));
    const keys = authenticateHeader(raw, opts.key);
    const header = checkHeaderLimits(raw);
    const cipher = await (opts.cipher ?? webCryptoChunkCipher)(keys.aeadKey);
    const window = new InFlight<Uint8Array>();
    let trailing = false;
    for (let i = 0; i < header.chunkCount; i++) {
      const want = chunkLength(header, i) + TAG_LENGTH;
      const sealed = await reader.read(want);
      if (sealed.length < want) {
        while (window.size > 0) yield await window.shift();
        throw new EnvelopeError(
          'ENVELOPE_TRUNCATED',
          `envelope ends inside chunk ${i} of ${header.chunkCount}`,
        );
      }
      const last = i === header.chunkCount - 1;
      if (last) trailing = !(await reader.atEnd());
      window.push(openChunk(cipher, keys, header, i, sealed));
      if (!last && window.size >= inFlight) yield await window.shift();
    }
    while (window.size > 1) yield await window.shift();
    const final = await window.shift();
    if (trailing) throw new EnvelopeError('ENVELOPE_TRAILING_DATA', 'bytes follow the final chunk');
    yield final;
  } finally {
    await reader.close();
  }
}

/** Decrypt a small envelope held in memory. */
export async function decryptBytes(envelope: Uint8Array, opts: DecryptOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of decryptStream(once(envelope), opts)) parts.push(part);
  return concat(...parts);
}
