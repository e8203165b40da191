/**
 * The rules of key release over parsed evidence (DESIGN §6.4). `judgeEvidence`
 * runs every rule and reports each verdict (the verification report shows
 * them); `verifyEvidence` parses, judges and throws the first failure.
 * Nonces, ids and digests are compared in constant time.
 */
import { constantTimeEqualText, constantTimeIncludes } from '../constant-time.js';
import type { EvidenceErrorCode } from './errors.js';
import { EvidenceError } from './errors.js';
import { parseEvidence } from './parse.js';
import type { Evidence, Measurement, TrustLevel } from './types.js';
import { trustLevelRank } from './types.js';
import { VerifierRegistry } from './verifier.js';
import { softwareVerifier } from './software.js';

/** Expected measurement values (from the sandbox policy): one value or a set of allowed values per field. */
export type ExpectedMeasurement = { readonly [K in keyof Measurement]: string | readonly string[] };

/** What the broker expects of the evidence for one run. */
export interface EvidenceExpectations {
  /** The node id and Ed25519 public key, from the node's verified certificate. */
  readonly nodeId: string;
  readonly nodePublicKey: Uint8Array;
  readonly runId: string;
  /** The nonce the gateway issued for this run (the caller consumes it: single use). */
  readonly nonce: string;
  /** When that nonce was issued; evidence older than it (beyond the skew) is stale. */
  readonly nonceIssuedAt?: Date;
  readonly measurement: ExpectedMeasurement;
  /** The dataset policy's allowed model image digests. */
  readonly allowedImageDigests: readonly string[];
  /** The dataset policy's minimum trust level. */
  readonly minimumLevel: TrustLevel;
  readonly now: Date;
  /** How old evidence may be, in seconds. */
  readonly ttlSeconds: number;
  /** Allowed clock difference, in seconds (default 60). */
  readonly skewSeconds?: number;
  /** The allowed tiers (default: the software tier only). */
  readonly verifiers?: VerifierRegistry;
}

/** How one rule judged the evidence. */
export interface RuleJudgement {
  /** `tier`, `signature`, `node`, `nonce`, `run`, `time`, `measurement.<field>`, `model` or `minimum-level`. */
  readonly rule: string;
  readonly ok: boolean;
  readonly code?: EvidenceErrorCode;
  readonly message: string;
}

/** The default allowlist: the software tier. */
export const defaultVerifiers = new VerifierRegistry([softwareVerifier]);

const MEASUREMENT_FIELDS = [
  'imageDigest',
  'containerConfigDigest',
  'seccompProfileDigest',
  'supervisorDigest',
  'runtimeVersion',
] as const satisfies readonly (keyof Measurement)[];

function pass(rule: string, message: string): RuleJudgement {
  return { rule, ok: true, message };
}
function fail(rule: string, code: EvidenceErrorCode, message: string): RuleJudgement {
  return { rule, ok: false, code, message };
}

function judgeTime(evidence: Evidence, x: EvidenceExpectations, skew: number): RuleJudgement {
  const now = Math.floor(x.now.getTime() / 1000);
  const time = evidence.body.time;
  if (time > now + skew)
    return fail('time', 'EVIDENCE_FUTURE', `evidence is dated ${time - now}s in the future`);
  if (now - time > x.ttlSeconds) return fail('time', 'EVIDENCE_STALE', `evidence is ${now - time}s old`);
  if (x.nonceIssuedAt !== undefined && time < Math.floor(x.nonceIssuedAt.getTime() / 1000) - skew) {
    return fail('time', 'EVIDENCE_STALE', 'evidence predates its nonce');
  }
  return pass('time', `evidence is ${Math.max(0, now - time)}s old`);
}

/**
 * Judge parsed evidence against every rule, in order: tier allowed, signature,
 * node, nonce, run, time, each measurement field, model allowed, minimum
 * level. Never throws for a failed rule; see {@link verifyEvidence}.
 */
export async function judgeEvidence(evidence: Evidence, x: EvidenceExpectations): Promise<RuleJudgement[]> {
  const skew = x.skewSeconds ?? 60;
  if (!Number.isInteger(skew) || skew < 0 || !Number.isInteger(x.ttlSeconds) || x.ttlSeconds < 0) {
    throw new TypeError('ttlSeconds and skewSeconds are non-negative integers');
  }
  const { body } = evidence;
  const verifier = (x.verifiers ?? defaultVerifiers).get(body.tier);
  const out: RuleJudgement[] = [];
  out.push(
    verifier
      ? pass('tier', `tier ${body.tier} is allowed`)
      : fail('tier', 'EVIDENCE_UNSUPPORTED_TIER', `tier ${body.tier} is not allowed`),
  );
  let signed = false;
  if (verifier) {
    try {
      signed =
        (await verifier.verifySignature(evidence, { nodePublicKey: x.nodePublicKey, now: x.now })) === true;
    } catch {
      signed = false;
    }
  }
  out.push(
    signed
      ? pass('signature', `signed for tier ${body.tier} by the node key`)
      : fail(
          'signature',
          'EVIDENCE_BAD_SIGNATURE',
          verifier ? 'signature does not verify' : 'not verified: tier not allowed',
        ),
  );
  out.push(
    constantTimeEqualText(body.nodeId, x.nodeId)
      ? pass('node', 'node id matches the node certificate')
      : fail('node', 'EVIDENCE_NODE_MISMATCH', 'node id does not match the node certificate'),
  );
  out.push(
    constantTimeEqualText(body.nonce, x.nonce)
      ? pass('nonce', 'nonce matches the challenge')
      : fail('nonce', 'EVIDENCE_NONCE_MISMATCH', 'nonce does not match the challenge'),
  );
  out.push(
    constantTimeEqualText(body.runId, x.runId)
      ? pass('run', 'run id matches')
      : fail('run', 'EVIDENCE_RUN_MISMATCH', 'evidence is for another run'),
  );
  out.push(judgeTime(evidence, x, skew));
  for (const field of MEASUREMENT_FIELDS) {
    const expected = x.measurement[field];
    const allowed = typeof expected === 'string' ? [expected] : expected;
    const rule = `measurement.${field}`;
    out.push(
      constantTimeIncludes(allowed, body.measurement[field])
        ? pass(rule, `${field} is as expected`)
        : fail(rule, 'EVIDENCE_MEASUREMENT_MISMATCH', `${field} is not what the sandbox policy expects`),
    );
  }
  out.push(
    constantTimeIncludes(x.allowedImageDigests, body.measurement.imageDigest)
      ? pass('model', 'model image is allowed by the dataset policy')
      : fail('model', 'EVIDENCE_MODEL_NOT_ALLOWED', 'model image is not allowed by the dataset policy'),
  );
  const enough = verifier !== undefined && trustLevelRank(verifier.level) >= trustLevelRank(x.minimumLevel);
  out.push(
    enough
      ? pass('minimum-level', `${verifier.level} meets the minimum ${x.minimumLevel}`)
      : fail('minimum-level', 'EVIDENCE_TIER_TOO_LOW', `below the dataset's minimum ${x.minimumLevel}`),
  );
  return out;
}

/** Evidence that passed every rule, and how each rule judged it. */
export interface VerifiedEvidence {
  readonly evidence: Evidence;
  readonly judgements: readonly RuleJudgement[];
}

/**
 * Parse untrusted evidence and judge it; throw an EvidenceError with the code
 * of the first failed rule. On success the broker may wrap the key to
 * `evidence.ephemeralPublicKey`.
 */
export async function verifyEvidence(input: unknown, x: EvidenceExpectations): Promise<VerifiedEvidence> {
  const evidence = parseEvidence(input);
  const judgements = await judgeEvidence(evidence, x);
  const failed = judgements.find((j) => !j.ok);
  if (failed?.code !== undefined)
    throw new EvidenceError(failed.code, `evidence ${failed.rule}: ${failed.message}`);
  return { evidence, judgements };
}
