import { SealgateError } from '../errors.js';

/** Why a serialised fingerprint index was refused (docs/egress-protocol.md section 1). */
export type FingerprintErrorCode =
  | 'FINGERPRINT_BAD_MAGIC'
  | 'FINGERPRINT_BAD_VERSION'
  | 'FINGERPRINT_TRUNCATED'
  | 'FINGERPRINT_BAD_HEADER'
  | 'FINGERPRINT_WRONG_KEY'
  | 'FINGERPRINT_TAMPERED'
  | 'FINGERPRINT_BAD_PARAMETERS';

/** A fingerprint index that cannot be loaded or built. */
export class FingerprintError extends SealgateError<FingerprintErrorCode> {}
