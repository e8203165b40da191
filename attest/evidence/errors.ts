import { SealgateError } from '../errors.js';

/** Codes of evidence failures: parsing first, then one per rule of DESIGN §6.4. */
export type EvidenceErrorCode =
  | 'EVIDENCE_MALFORMED'
  | 'EVIDENCE_UNSUPPORTED_VERSION'
  | 'EVIDENCE_UNSUPPORTED_TIER'
  | 'EVIDENCE_BAD_SIGNATURE'
  | 'EVIDENCE_NODE_MISMATCH'
  | 'EVIDENCE_NONCE_MISMATCH'
  | 'EVIDENCE_RUN_MISMATCH'
  | 'EVIDENCE_STALE'
  | 'EVIDENCE_FUTURE'
  | 'EVIDENCE_MEASUREMENT_MISMATCH'
  | 'EVIDENCE_MODEL_NOT_ALLOWED'
  | 'EVIDENCE_TIER_TOO_LOW';

/** Evidence that does not parse, or that a rule refuses. */
export class EvidenceError extends SealgateError<EvidenceErrorCode> {
  /** For EVIDENCE_MALFORMED: the path of the bad field, e.g. `body.measurement.imageDigest`. */
  readonly path: string | undefined;

  constructor(code: EvidenceErrorCode, message: string, options?: { cause?: unknown; path?: string }) {
    super(code, message, options);
    this.path = options?.path;
  }
}
