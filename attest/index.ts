/**
 * attest/: sealgate's trust kernel. Keys and signatures, the dataset envelope,
 * evidence and measurement, node PKI, key wrapping and Merkle proofs.
 * Pure: no I/O, and it imports nothing else of sealgate's.
 */
export { SealgateError, isSealgateError } from './errors.js';
// The dataset envelope (attest/envelope/, docs/envelope.md).
export {
  EnvelopeError,
  generateDataKey,
  keyId,
  encryptStream,
  encryptBytes,
  decryptStream,
  decryptBytes,
  readHeader,
  encodeKeyFile,
  parseKeyFile,
  DATA_KEY_LENGTH,
  ENVELOPE_DEFAULT_CHUNK_SIZE,
  ENVELOPE_DEFAULT_IN_FLIGHT,
  ENVELOPE_HEADER_LENGTH,
  ENVELOPE_TAG_LENGTH,
  ENVELOPE_MIN_CHUNK_SIZE,
  ENVELOPE_MAX_CHUNK_SIZE,
} from './envelope/index.js';
export type {
  EnvelopeErrorCode,
  EncryptOptions,
  DecryptOptions,
  EnvelopeHeader,
  KeyFileDocument,
} from './envelope/index.js';
