/**
 * The evidence and inspect document of every judged release, kept so a
 * verification can re-judge them later (docs/verification.md). The broker
 * writes one record per release that passed the evidence rules (released
 * or waiting for the seller), in the same batch as its audit record, in
 * sublevel `release-evidence` keyed by the release id. Never a key.
 */
import type { Evidence, EvidenceExpectations, VerifiedNodeCertificate } from '../../attest/index.js';
import { bytesToBase64 } from '../../attest/index.js';
import type { EvidenceDocument } from '../../attest/index.js';
import type { StoredExpectations } from '../broker/records.js';
import { storedExpectations } from '../broker/records.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';

export const KEPT_EVIDENCE_SUBLEVEL = 'release-evidence';

/** What a release was judged on. */
export interface KeptEvidence {
  readonly releaseId: string;
  readonly runId: string;
  readonly evidence: EvidenceDocument;
  /** The container's `docker inspect` document, as the node sent it. */
  readonly inspect: unknown;
  /** The node's Ed25519 key (base64), from its verified certificate. */
  readonly nodePublicKey: string;
  readonly expectations: StoredExpectations;
}

/** The op that keeps release `releaseId`'s evidence (written with its release record). */
export function keepEvidenceOp(
  store: Store,
  releaseId: string,
  node: VerifiedNodeCertificate,
  evidence: Evidence,
  inspect: unknown,
  x: EvidenceExpectations,
  at: Date,
): BatchOp {
  const kept: KeptEvidence = {
    releaseId,
    runId: x.runId,
    evidence: { body: evidence.body, signature: bytesToBase64(evidence.signature) },
    inspect,
    nodePublicKey: bytesToBase64(node.nodePublicKey),
    expectations: storedExpectations(x, at),
  };
  return put(store.sublevel(KEPT_EVIDENCE_SUBLEVEL), releaseId, kept);
}

/** The evidence kept for release `releaseId`, or undefined. */
export async function loadKeptEvidence(store: Store, releaseId: string): Promise<KeptEvidence | undefined> {
  return (await store.sublevel(KEPT_EVIDENCE_SUBLEVEL).get(releaseId)) as KeptEvidence | undefined;
}
