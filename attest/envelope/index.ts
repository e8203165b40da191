/**
 * The dataset envelope (DESIGN.md section 6.2, docs/envelope.md): streaming
 * AES-256-GCM in the STREAM construction, keys by HKDF-SHA256, an authenticated
 * header, and a named error for every way a ciphertext can be damaged.
 * Constants carry an ENVELOPE_ prefix so attest/'s surface stays unambiguous.
 */
export { EnvelopeError } from './errors.js';
// The error base, so a caller that needs only the envelope (the CLI's start-up
// path) can import this light index instead of attest/index.ts (docs/envelope.md).
export { SealgateError, isSealgateError } from '../errors.js';
export type { EnvelopeErrorCode } from './errors.js';
export { generateDataKey, keyId, DATA_KEY_LENGTH } from './keys.js';
export {
  encryptStream,
  encryptBytes,
  DEFAULT_CHUNK_SIZE as ENVELOPE_DEFAULT_CHUNK_SIZE,
  DEFAULT_IN_FLIGHT as ENVELOPE_DEFAULT_IN_FLIGHT,
} from './encrypt.js';
export type { EncryptOptions } from './encrypt.js';
export { webCryptoChunkCipher } from './cipher.js';
export type { ChunkCipher, ChunkCipherFactory } from './cipher.js';
export { decryptStream, decryptBytes, readHeader } from './decrypt.js';
export type { DecryptOptions } from './decrypt.js';
export {
  HEADER_LENGTH as ENVELOPE_HEADER_LENGTH,
  TAG_LENGTH as ENVELOPE_TAG_LENGTH,
  MIN_CHUNK_SIZE as ENVELOPE_MIN_CHUNK_SIZE,
  MAX_CHUNK_SIZE as ENVELOPE_MAX_CHUNK_SIZE,
} from './format.js';
export type { EnvelopeHeader } from './format.js';
export { encodeKeyFile, parseKeyFile } from './keyfile.js';
export type { KeyFileDocument } from './keyfile.js';
