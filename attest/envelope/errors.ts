import { SealgateError } from '../errors.js';

/**
 * Every way reading or writing an envelope can fail, one code per kind of
 * failure (docs/envelope.md lists them with the check that raises each).
 */
export type EnvelopeErrorCode =
  /** Not an envelope: bad magic, or a length field no writer could produce. */
  | 'ENVELOPE_MALFORMED'
  /** An envelope of a version or algorithm this reader does not accept. */
  | 'ENVELOPE_UNSUPPORTED'
  /** A chunk size outside the accepted range (checked after the header MAC). */
  | 'ENVELOPE_CHUNK_SIZE'
  /** The key's id differs from the header's: a different data key. */
  | 'ENVELOPE_WRONG_KEY'
  /** The header MAC does not verify under the right key: the header changed. */
  | 'ENVELOPE_HEADER_TAMPERED'
  /** A chunk's ciphertext changed. */
  | 'ENVELOPE_CHUNK_TAMPERED'
  /** A chunk's authentication tag changed (its ciphertext did not). */
  | 'ENVELOPE_TAG_TAMPERED'
  /** A chunk of this envelope appears at a position it does not belong to. */
  | 'ENVELOPE_CHUNK_REORDERED'
  /** A chunk of this envelope appears again after it was already read. */
  | 'ENVELOPE_CHUNK_DUPLICATED'
  /** The ciphertext ends before its final chunk. */
  | 'ENVELOPE_TRUNCATED'
  /** Bytes follow the final chunk. */
  | 'ENVELOPE_TRAILING_DATA'
  /** The plaintext source delivered more or fewer bytes than the declared size. */
  | 'ENVELOPE_SIZE_MISMATCH'
  /** A key file that is not a 32-byte data key with its matching key id. */
  | 'ENVELOPE_KEY_FILE_INVALID';

/** A failure to write, read or authenticate a sealgate envelope. */
export class EnvelopeError extends SealgateError<EnvelopeErrorCode> {}
