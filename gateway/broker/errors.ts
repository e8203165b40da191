/**
 * The key broker's one error class and its status table (docs/node-protocol.md
 * §3, docs/broker.md). Every refusal names the rule that failed in its message
 * and in the release record it leaves in the audit log. Evidence failures keep
 * attest's EvidenceError codes; their statuses are registered here too.
 */
import type { EvidenceErrorCode } from '../../attest/index.js';
import { SealgateError } from '../../attest/index.js';

export type BrokerErrorCode =
  // the gateway's single-use challenge (node-protocol §3.1)
  | 'NONCE_UNKNOWN'
  | 'NONCE_REPLAYED'
  | 'NONCE_WRONG_RUN'
  | 'NONCE_EXPIRED'
  | 'NONCE_WRONG_NODE'
  // what the node asks about
  | 'KEY_RELEASE_NO_JOB'
  | 'KEY_RELEASE_NOT_YOUR_JOB'
  | 'KEY_RELEASE_RUN_STATE'
  // the container, from its docker inspect document
  | 'KEY_RELEASE_INSPECT_MALFORMED'
  | 'KEY_RELEASE_INSPECT_MISMATCH'
  | 'KEY_RELEASE_SANDBOX'
  // the dataset's key-release policy, the key itself
  | 'KEY_RELEASE_EXPIRED'
  | 'KEY_RELEASE_WEAK_KEY'
  | 'KEY_RELEASE_KEY_UNAVAILABLE'
  | 'KEY_RELEASE_BINDS'
  // seller custody
  | 'KEY_RELEASE_DECLINED'
  | 'KEY_RELEASE_NOT_FOUND'
  | 'KEY_RELEASE_NOT_PENDING'
  | 'KEY_RELEASE_NOT_YOUR_DATASET'
  | 'KEY_RELEASE_BAD_WRAPPED_KEY';

/** A refused key release (or a refused step of seller custody). */
export class BrokerError extends SealgateError<BrokerErrorCode> {
  /** The rule that failed, e.g. `nonce`, `sandbox`, `policy.expiresAt` (also in the message). */
  readonly rule: string;

  constructor(rule: string, code: BrokerErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, `rule ${rule}: ${message}`, options);
    this.rule = rule;
  }
}

/** Each code's HTTP status: evidence that does not parse is 400, any other refusal 403 or 404/409. */
export const BROKER_STATUSES = {
  EVIDENCE_MALFORMED: 400,
  EVIDENCE_UNSUPPORTED_VERSION: 403,
  EVIDENCE_UNSUPPORTED_TIER: 403,
  EVIDENCE_BAD_SIGNATURE: 403,
  EVIDENCE_NODE_MISMATCH: 403,
  EVIDENCE_NONCE_MISMATCH: 403,
  EVIDENCE_RUN_MISMATCH: 403,
  EVIDENCE_STALE: 403,
  EVIDENCE_FUTURE: 403,
  EVIDENCE_MEASUREMENT_MISMATCH: 403,
  EVIDENCE_MODEL_NOT_ALLOWED: 403,
  EVIDENCE_TIER_TOO_LOW: 403,
  NONCE_UNKNOWN: 403,
  NONCE_REPLAYED: 403,
  NONCE_WRONG_RUN: 403,
  NONCE_EXPIRED: 403,
  NONCE_WRONG_NODE: 403,
  KEY_RELEASE_NO_JOB: 404,
  KEY_RELEASE_NOT_YOUR_JOB: 403,
  KEY_RELEASE_RUN_STATE: 409,
  KEY_RELEASE_INSPECT_MALFORMED: 400,
  KEY_RELEASE_INSPECT_MISMATCH: 403,
  KEY_RELEASE_SANDBOX: 403,
  KEY_RELEASE_EXPIRED: 403,
  KEY_RELEASE_WEAK_KEY: 403,
  KEY_RELEASE_KEY_UNAVAILABLE: 409,
  KEY_RELEASE_BINDS: 403,
  KEY_RELEASE_DECLINED: 403,
  KEY_RELEASE_NOT_FOUND: 404,
  KEY_RELEASE_NOT_PENDING: 409,
  KEY_RELEASE_NOT_YOUR_DATASET: 403,
  KEY_RELEASE_BAD_WRAPPED_KEY: 400,
} satisfies Record<BrokerErrorCode | EvidenceErrorCode, number>;
