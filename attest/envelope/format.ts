/**
 * The envelope's byte layout (docs/envelope.md has the table): a fixed
 * 106-byte header, then AES-256-GCM chunks in the STREAM construction of
 * Hoang, Reyhanitabar, Rogaway and Vizár, "Online Authenticated-Encryption and
 * its Nonce-Reuse Misuse-Resistance", CRYPTO 2015, section 7.
 *
 * Parsing is split in two so that a flipped bit anywhere the header MAC covers
 * is reported as tampering: `parseHeader` checks only what fixes the layout
 * (magic, version, algorithm); `checkHeaderLimits` checks the values, and the
 * reader runs it after the MAC has verified.
 */
import { EnvelopeError } from './errors.js';

export const MAGIC = new Uint8Array([0x53, 0x47, 0x45, 0x4e, 0x56]); // "SGENV"
export const VERSION = 1;
/** Algorithm 1: AES-256-GCM chunks, keys by HKDF-SHA256, STREAM nonces. */
export const ALGORITHM_AES256GCM_HKDF_SHA256_STREAM = 1;

export const KEY_ID_LENGTH = 16;
export const SALT_LENGTH = 32;
export const NONCE_PREFIX_LENGTH = 7;
export const MAC_LENGTH = 32;
export const TAG_LENGTH = 16;
/** Header bytes before the MAC (the bytes the MAC covers). */
export const HEADER_BODY_LENGTH = 5 + 1 + 1 + 4 + 8 + KEY_ID_LENGTH + SALT_LENGTH + NONCE_PREFIX_LENGTH;
export const HEADER_LENGTH = HEADER_BODY_LENGTH + MAC_LENGTH;

/** The accepted range of plaintext bytes per chunk, for writers and readers. */
export const MIN_CHUNK_SIZE = 16;
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
/** The chunk counter is a u32, so an envelope has at most 2^32 chunks. */
export const MAX_CHUNKS = 2 ** 32;

/** A header as laid out on the wire, before its values are checked. */
export interface RawHeader {
  readonly version: number;
  readonly algorithm: number;
  readonly chunkSize: number;
  readonly plaintextLength: bigint;
  readonly keyId: Uint8Array;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
  readonly mac: Uint8Array;
  /** All header bytes, MAC included: every chunk's additional data. */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

/** A checked header, with the chunk geometry that follows from it. */
export interface EnvelopeHeader extends Omit<RawHeader, 'plaintextLength'> {
  readonly plaintextLength: number;
  readonly chunkCount: number;
  /** Plaintext bytes in the final chunk (0 only for an empty plaintext). */
  readonly finalChunkLength: number;
  /** The envelope's total length: header, chunks and tags. */
  readonly envelopeLength: number;
}

/** The fields a writer chooses; the MAC is computed over their encoding. */
export type HeaderFields = Pick<RawHeader, 'chunkSize' | 'keyId' | 'salt' | 'noncePrefix'> & {
  readonly plaintextLength: number;
};

/** The header bytes before the MAC, for `fields`. */
export function encodeHeaderBody(fields: HeaderFields): Uint8Array {
  const out = new Uint8Array(HEADER_BODY_LENGTH);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[5] = VERSION;
  out[6] = ALGORITHM_AES256GCM_HKDF_SHA256_STREAM;
  view.setUint32(7, fields.chunkSize);
  view.setBigUint64(11, BigInt(fields.plaintextLength));
  out.set(fields.keyId, 19);
  out.set(fields.salt, 35);
  out.set(fields.noncePrefix, 67);
  return out;
}

/**
 * Parse the layout of a header from the first bytes of an envelope: magic,
 * version and algorithm. The values are checked by `checkHeaderLimits`.
 */
export function parseHeader(bytes: Uint8Array): RawHeader {
  const seen = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < seen; i++) {
    if (bytes[i] !== MAGIC[i]) throw new EnvelopeError('ENVELOPE_MALFORMED', 'not a sealgate envelope');
  }
  if (bytes.length < HEADER_LENGTH) {
    throw new EnvelopeError('ENVELOPE_TRUNCATED', 'envelope ends inside its header');
  }
  const header = new Uint8Array(HEADER_LENGTH);
  header.set(bytes.subarray(0, HEADER_LENGTH));
  const view = new DataView(header.buffer);
  const version = header[5];
  const algorithm = header[6];
  if (version !== VERSION) {
    throw new EnvelopeError('ENVELOPE_UNSUPPORTED', `unsupported envelope version ${version}`);
  }
  if (algorithm !== ALGORITHM_AES256GCM_HKDF_SHA256_STREAM) {
    throw new EnvelopeError('ENVELOPE_UNSUPPORTED', `unsupported envelope algorithm ${algorithm}`);
  }
  return {
    version,
    algorithm,
    chunkSize: view.getUint32(7),
    plaintextLength: view.getBigUint64(11),
    keyId: header.subarray(19, 35),
    salt: header.subarray(35, 67),
    noncePrefix: header.subarray(67, 74),
    mac: header.subarray(HEADER_BODY_LENGTH),
    bytes: header,
  };
}

/** Check a header's values and work out its chunk geometry. */
export function checkHeaderLimits(raw: RawHeader): EnvelopeHeader {
  const { chunkSize } = raw;
  if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
    throw new EnvelopeError(
      'ENVELOPE_CHUNK_SIZE',
      `chunk size ${chunkSize} is outside ${MIN_CHUNK_SIZE}..${MAX_CHUNK_SIZE} bytes`,
    );
  }
  if (raw.plaintextLength > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new EnvelopeError('ENVELOPE_MALFORMED', 'plaintext length is beyond 2^53 - 1 bytes');
  }
  const plaintextLength = Number(raw.plaintextLength);
  const chunkCount = Math.max(1, Math.ceil(plaintextLength / chunkSize));
  if (chunkCount > MAX_CHUNKS) {
    throw new EnvelopeError('ENVELOPE_MALFORMED', 'plaintext needs more than 2^32 chunks');
  }
  return {
    ...raw,
    plaintextLength,
    chunkCount,
    finalChunkLength: plaintextLength - (chunkCount - 1) * chunkSize,
    envelopeLength: HEADER_LENGTH + plaintextLength + chunkCount * TAG_LENGTH,
  };
}

/** Plaintext bytes in chunk `index` of `header`. */
export function chunkLength(header: EnvelopeHeader, index: number): number {
  return index === header.chunkCount - 1 ? header.finalChunkLength : header.chunkSize;
}

/**
 * The 96-bit GCM nonce of chunk `index`: nonce prefix (7) ‖ counter (u32 BE)
 * ‖ last-chunk flag (1 byte), as in STREAM (CRYPTO 2015, section 7) and Tink's
 * AES-GCM-HKDF streaming AEAD.
 */
export function chunkNonce(prefix: Uint8Array, index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const nonce = new Uint8Array(12);
  nonce.set(prefix, 0);
  new DataView(nonce.buffer).setUint32(NONCE_PREFIX_LENGTH, index);
  nonce[11] = last ? 1 : 0;
  return nonce;
}
