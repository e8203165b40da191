/**
 * Judging one release attempt's evidence (DESIGN.md §6.4; docs/broker.md
 * steps 1 and 4-6): the evidence parsed with its failure named `rule parse`,
 * then, once the subject is loaded and the nonce spent, in this order: the
 * nonce's binds (audit jobs), the inspect document, attest's rules against
 * the expectations, and the dataset policy. Changes when what a release is
 * judged by, or the order of judging, does.
 */
import type { Evidence, EvidenceExpectations, RuleJudgement } from '../../attest/index.js';
import { EvidenceError, constantTimeEqualText, parseEvidence } from '../../attest/index.js';
import type { BrokerStandards } from './checks.js';
import { checkInspect, checkPolicy, expectationsFor, judgeRelease } from './checks.js';
import { BrokerError } from './errors.js';
import type { CheckedNonce } from './nonces.js';
import type { ReleaseSubject } from './subject.js';

/**
 * Parse untrusted evidence (attest `parseEvidence`); the failure keeps attest's
 * code (EVIDENCE_MALFORMED, EVIDENCE_UNSUPPORTED_VERSION) and names the rule
 * (`rule parse: …`).
 */
export function parseReleaseEvidence(input: unknown): Evidence {
  try {
    return parseEvidence(input);
  } catch (err) {
    if (!(err instanceof EvidenceError)) throw err;
    throw new EvidenceError(err.code, `rule parse: ${err.message}`, {
      cause: err,
      ...(err.path ? { path: err.path } : {}),
    });
  }
}

/** An audit job's two ciphertext digests (canary set, sealed model), which its nonce stands for. */
export function auditBinds(subject: ReleaseSubject): readonly string[] | undefined {
  if (subject.purpose !== 'audit') return undefined;
  return [subject.job.data.digest, subject.job.modelBlob?.digest ?? ''];
}

// The nonce was issued for exactly these ciphertexts (KEY_RELEASE_BINDS otherwise), docs/audit.md.
function checkBinds(bound: readonly string[] | undefined, expected: readonly string[] | undefined): void {
  if (expected === undefined) return;
  const same =
    bound !== undefined &&
    bound.length === expected.length &&
    expected.every((d, i) => constantTimeEqualText(d, bound[i] ?? ''));
  if (!same) {
    throw new BrokerError('nonce', 'KEY_RELEASE_BINDS', 'the nonce was not issued for these ciphertexts');
  }
}

/** What {@link judgeAttempt} judges: one attempt's parsed inputs, its subject and its checked nonce. */
export interface AttemptToJudge {
  readonly evidence: Evidence;
  /** The inspect document as sent (parsed once already into `configDigest`). */
  readonly inspect: unknown;
  readonly configDigest: string;
  readonly subject: ReleaseSubject;
  readonly node: { readonly nodeId: string; readonly nodePublicKey: Uint8Array };
  readonly runId: string;
  readonly nonce: CheckedNonce;
  readonly at: Date;
}

/** The evidence passed: what it was judged against, and how each rule judged. */
export interface JudgedAttempt {
  readonly x: EvidenceExpectations;
  readonly judgements: readonly RuleJudgement[];
}

/**
 * Judge `a` against `standards`, throwing the first failed rule: KEY_RELEASE_BINDS,
 * then {@link checkInspect}'s, then attest's via {@link judgeRelease} (the
 * model allowlist is the run's own model for a sealed model, the dataset
 * policy's `allowedModels` otherwise), then {@link checkPolicy}'s (not for a
 * sealed model).
 */
export async function judgeAttempt(a: AttemptToJudge, standards: BrokerStandards): Promise<JudgedAttempt> {
  const { evidence, subject } = a;
  checkBinds(a.nonce.record.binds, auditBinds(subject));
  checkInspect(a.inspect, a.configDigest, evidence, standards.profile);
  const x = expectationsFor(
    {
      nodeId: a.node.nodeId,
      nodePublicKey: a.node.nodePublicKey,
      runId: a.runId,
      nonce: evidence.body.nonce,
      nonceIssuedAt: new Date(a.nonce.record.issuedAt),
      imageDigest: subject.job.image.digest,
      allowedImageDigests:
        subject.modelImage !== undefined
          ? [subject.modelImage]
          : subject.dataset.policy.release.allowedModels,
      minimumLevel: subject.dataset.policy.release.minTier,
      now: a.at,
    },
    standards,
  );
  const judgements = await judgeRelease(evidence, x, a.configDigest);
  if (subject.purpose !== 'model') checkPolicy(subject.dataset.policy.release, a.at);
  return { x, judgements };
}
