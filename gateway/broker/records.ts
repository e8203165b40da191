/**
 * What the key broker stores (docs/broker.md). The audit log (`releases`) is
 * append-only: one record per attempt, refusals included, and never a key.
 * Seller-custody releases wait in `broker-waiting` (with an index of the
 * pending ones by seller) until the seller approves or declines.
 */
import type { EvidenceDocument, EvidenceExpectations, RuleJudgement } from '../../attest/index.js';

export const RELEASES_SUBLEVEL = 'releases';
export const NONCES_SUBLEVEL = 'broker-nonces';
export const WAITING_SUBLEVEL = 'broker-waiting';
export const PENDING_BY_SELLER_SUBLEVEL = 'broker-pending';

/** Which key a release is about: a dataset's key (train) or a sealed model's key (predict). */
/** `audit`: the data key of a canary set and the sealed model's key, after one attestation (docs/audit.md). */
export type ReleasePurpose = 'data' | 'model' | 'audit';
export type ReleaseOutcome = 'released' | 'refused' | 'pending';

/** One audit record (sublevel `releases`, keyed by its time-sortable `rel_…` id). */
export interface ReleaseRecord {
  readonly id: string;
  readonly runId: string;
  readonly jobId: string;
  readonly nodeId: string;
  readonly purpose: ReleasePurpose;
  readonly outcome: ReleaseOutcome;
  /** The dataset whose key (or whose run's model key) it was about, when known. */
  readonly dataset?: string;
  /** For refusals: the rule that failed, its code and message. */
  readonly rule?: string;
  readonly code?: string;
  readonly message?: string;
  /** How each evidence rule judged (empty when the refusal came before judging). */
  readonly judgements: readonly RuleJudgement[];
  /** attest measurementDigest of the evidence, when it parsed. */
  readonly measurementDigest?: string;
  /** The id of the key released (hex), for released records. */
  readonly keyId?: string;
  /** Audit releases: the sealed model key's id (`keyId` is the canary set's data key). */
  readonly modelKeyId?: string;
  /** For a seller's approval or decline: the pending release it concludes. */
  readonly ref?: string;
  readonly at: string;
}

/** A single-use challenge (sublevel `broker-nonces`, keyed by the nonce). */
export interface NonceRecord {
  readonly runId: string;
  readonly jobId: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  /** Audit jobs: the two ciphertext digests (canary set, sealed model) the evidence's nonce stands for. */
  readonly binds?: readonly string[];
  /** The node it was issued to (absent on records written before nonces were node-bound). */
  readonly nodeId?: string;
  /** Set once, in the same batch as the release record of the attempt that used it. */
  readonly usedAt?: string;
}

/** What the gateway expected of the evidence, as the seller's client needs it. */
export interface StoredExpectations {
  readonly nodeId: string;
  readonly runId: string;
  readonly nonce: string;
  readonly nonceIssuedAt: string;
  readonly imageDigest: string;
  readonly seccompProfileDigest: string;
  readonly supervisorDigests: readonly string[];
  readonly runtimeVersions: readonly string[];
  readonly allowedImageDigests: readonly string[];
  readonly minimumLevel: string;
  readonly ttlSeconds: number;
  readonly skewSeconds: number;
  /** When the gateway received and judged the evidence: the seller judges time against it. */
  readonly receivedAt: string;
}

const many = (v: string | readonly string[]): string[] => (typeof v === 'string' ? [v] : [...v]);

/** The expectations `x` the evidence was judged against at `at`, as stored with a release. */
export function storedExpectations(x: EvidenceExpectations, at: Date): StoredExpectations {
  return {
    nodeId: x.nodeId,
    runId: x.runId,
    nonce: x.nonce,
    nonceIssuedAt: (x.nonceIssuedAt ?? at).toISOString(),
    imageDigest: many(x.measurement.imageDigest)[0] ?? '',
    seccompProfileDigest: many(x.measurement.seccompProfileDigest)[0] ?? '',
    supervisorDigests: many(x.measurement.supervisorDigest),
    runtimeVersions: many(x.measurement.runtimeVersion),
    allowedImageDigests: [...x.allowedImageDigests],
    minimumLevel: x.minimumLevel,
    ttlSeconds: x.ttlSeconds,
    skewSeconds: x.skewSeconds ?? 60,
    receivedAt: at.toISOString(),
  };
}

/** A seller-custody release (sublevel `broker-waiting`, keyed by the release id). */
export interface WaitingRelease {
  readonly releaseId: string;
  readonly status: 'pending' | 'released' | 'declined';
  readonly runId: string;
  readonly jobId: string;
  readonly nodeId: string;
  readonly seller: string;
  readonly dataset: string;
  readonly keyId: string;
  readonly evidence: EvidenceDocument;
  readonly inspect: unknown;
  /** The node's Ed25519 key (base64), from its verified certificate. */
  readonly nodePublicKey: string;
  readonly expectations: StoredExpectations;
  readonly measurementDigest: string;
  /** Set on approval: the DEK sealed by the seller to the container's ephemeral key (base64). */
  readonly wrappedKey?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
