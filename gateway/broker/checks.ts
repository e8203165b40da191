/**
 * The broker's checks that need no storage (docs/node-protocol.md §3.2): the
 * container's inspect document against the evidence and the sandbox profile,
 * the expectations the evidence is judged by, and the dataset policy that
 * must still hold. Each failure is a BrokerError or EvidenceError naming its
 * rule. Kept pure so the benchmark and the seller's client can run the same.
 */
import type {
  Evidence,
  EvidenceExpectations,
  RuleJudgement,
  TrustLevel,
  VerifierRegistry,
} from '../../attest/index.js';
import { EvidenceError, constantTimeEqualText, isSealgateError, judgeEvidence } from '../../attest/index.js';
import type { KeyReleasePolicy, SandboxProfile } from '../../policies/index.js';
import { evaluateSandbox, securityConfigDigest } from '../../policies/index.js';
import { BrokerError } from './errors.js';

/** The gateway's standing expectations of any sealed container (options.broker + the profile). */
export interface BrokerStandards {
  readonly profile: SandboxProfile;
  /** seccompProfileDigest(profile.seccomp). */
  readonly seccompProfileDigest: string;
  readonly supervisorDigests: readonly string[];
  readonly runtimeVersions: readonly string[];
  readonly evidenceTtlSeconds: number;
  readonly skewSeconds: number;
  /** The evidence tiers allowed (default: attest's, the software tier). */
  readonly verifiers?: VerifierRegistry;
}

/** What one release is judged against, beyond the standards. */
export interface ReleaseTarget {
  readonly nodeId: string;
  readonly nodePublicKey: Uint8Array;
  readonly runId: string;
  readonly nonce: string;
  readonly nonceIssuedAt: Date;
  /** The job's image digest: what the container must run. */
  readonly imageDigest: string;
  /** The dataset policy's allowed models (train), or the run's own model (predict). */
  readonly allowedImageDigests: readonly string[];
  readonly minimumLevel: TrustLevel;
  readonly now: Date;
}

/**
 * The digest of the inspect document's security configuration, parsing it
 * first: KEY_RELEASE_INSPECT_MALFORMED when it is not Docker's shape.
 */
export function inspectConfigDigest(inspect: unknown): string {
  try {
    return securityConfigDigest(inspect);
  } catch (err) {
    if (!isSealgateError(err)) throw err;
    throw new BrokerError('inspect', 'KEY_RELEASE_INSPECT_MALFORMED', err.message, { cause: err });
  }
}

/**
 * The inspect document is the measured container, and that container is
 * sealed: its config digest and image equal the evidence's measurement
 * (KEY_RELEASE_INSPECT_MISMATCH), and the sandbox profile finds no violation
 * (KEY_RELEASE_SANDBOX, naming the first violation's code and path).
 */
export function checkInspect(
  inspect: unknown,
  configDigest: string,
  evidence: Evidence,
  profile: SandboxProfile,
): void {
  const m = evidence.body.measurement;
  if (!constantTimeEqualText(configDigest, m.containerConfigDigest)) {
    throw new BrokerError(
      'inspect',
      'KEY_RELEASE_INSPECT_MISMATCH',
      "the inspect document's security configuration is not the measured one",
    );
  }
  const image = (inspect as { Image?: unknown }).Image;
  if (typeof image !== 'string' || !constantTimeEqualText(image, m.imageDigest)) {
    throw new BrokerError(
      'inspect',
      'KEY_RELEASE_INSPECT_MISMATCH',
      "the inspect document's image is not the measured one",
    );
  }
  const [first, ...rest] = evaluateSandbox(inspect, profile);
  if (first !== undefined) {
    const more = rest.length > 0 ? ` (and ${rest.length} more)` : '';
    throw new BrokerError(
      'sandbox',
      'KEY_RELEASE_SANDBOX',
      `${first.code} at ${first.path}: ${first.message}${more}`,
    );
  }
}

/** The expectations attest judges the evidence by. */
export function expectationsFor(target: ReleaseTarget, standards: BrokerStandards): EvidenceExpectations {
  return {
    nodeId: target.nodeId,
    nodePublicKey: target.nodePublicKey,
    runId: target.runId,
    nonce: target.nonce,
    nonceIssuedAt: target.nonceIssuedAt,
    measurement: {
      imageDigest: target.imageDigest,
      containerConfigDigest: [], // set per release by judgeRelease: the inspect's digest
      seccompProfileDigest: standards.seccompProfileDigest,
      supervisorDigest: standards.supervisorDigests,
      runtimeVersion: standards.runtimeVersions,
    },
    allowedImageDigests: target.allowedImageDigests,
    minimumLevel: target.minimumLevel,
    now: target.now,
    ttlSeconds: standards.evidenceTtlSeconds,
    skewSeconds: standards.skewSeconds,
    ...(standards.verifiers !== undefined ? { verifiers: standards.verifiers } : {}),
  };
}

/** Judgements of evidence whose first failed rule is `failed`. */
export class RefusedJudgement extends EvidenceError {
  constructor(
    readonly failed: RuleJudgement,
    readonly judgements: readonly RuleJudgement[],
  ) {
    super(failed.code ?? 'EVIDENCE_MALFORMED', `rule ${failed.rule}: ${failed.message}`);
  }
}

/**
 * Judge evidence with attest's rules against `x`, the container config digest
 * expected being the inspect document's (`configDigest`). Returns every
 * judgement; throws {@link RefusedJudgement} (an EvidenceError with the first
 * failed rule's code) when one fails.
 */
export async function judgeRelease(
  evidence: Evidence,
  x: EvidenceExpectations,
  configDigest: string,
): Promise<readonly RuleJudgement[]> {
  const judgements = await judgeEvidence(evidence, {
    ...x,
    measurement: { ...x.measurement, containerConfigDigest: configDigest },
  });
  const failed = judgements.find((j) => !j.ok);
  if (failed !== undefined) throw new RefusedJudgement(failed, judgements);
  return judgements;
}

/** The dataset's key-release policy still holds at `now` (KEY_RELEASE_EXPIRED otherwise). */
export function checkPolicy(policy: KeyReleasePolicy, now: Date): void {
  if (policy.expiresAt !== null && now.getTime() >= Date.parse(policy.expiresAt)) {
    throw new BrokerError(
      'policy.expiresAt',
      'KEY_RELEASE_EXPIRED',
      `the dataset policy expired at ${policy.expiresAt}`,
    );
  }
}
