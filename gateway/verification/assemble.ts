/**
 * Assemble a report body from what the gateway kept (docs/egress-protocol.md
 * §6, docs/verification.md): the data-key release's evidence re-judged by
 * attest's rules as of when it was received, every release record of the
 * run, the measured container judged again by the sandbox profile, the egress
 * log's signed head and every flag with its inclusion proof, the re-scan and
 * the audit. The verdict is left to attest (judgeAndSignReport).
 */
import { createHash } from 'node:crypto';
import type {
  ReportFlag,
  RuleJudgement,
  TrustLevel,
  UnjudgedReportBody,
  VerifierRegistry,
} from '../../attest/index.js';
import {
  base64ToBytes,
  canonicalizeBytes,
  isSealgateError,
  judgeEvidence,
  parseEvidence,
} from '../../attest/index.js';
import type { SandboxProfile } from '../../policies/index.js';
import { evaluateSandbox, securityConfigDigest } from '../../policies/index.js';
import type { ReleaseRecord } from '../broker/records.js';
import type { RunRecord } from '../runs/record.js';
import type { KeptEvidence } from './kept-evidence.js';
import type { AuditFigures, ClosedEgressLog, Rescan } from './sources.js';

/** Everything one report is made of. */
export interface ReportParts {
  readonly run: RunRecord;
  /** The run's release records, oldest first. */
  readonly releases: readonly ReleaseRecord[];
  /** The evidence kept for the run's data-key release, when one was released. */
  readonly kept: KeptEvidence | undefined;
  readonly profile: SandboxProfile;
  readonly egress: ClosedEgressLog | null;
  readonly rescan: Rescan;
  readonly audit: AuditFigures | { readonly skipped: string };
  readonly gateway: { readonly keyId: string; readonly publicKey: string };
  readonly now: Date;
  /** The evidence tiers the broker allows (default: attest's, the software tier). */
  readonly verifiers?: VerifierRegistry;
}

function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalizeBytes(value)).digest('hex')}`;
}

/** The release whose evidence a report shows: the last data-key release (a seller's approval points at its pending one). */
export function dataRelease(releases: readonly ReleaseRecord[]): string | undefined {
  const last = releases.filter((r) => r.purpose === 'data' && r.outcome === 'released').at(-1);
  return last === undefined ? undefined : (last.ref ?? last.id);
}

// Re-judge the kept evidence by attest's rules, as of the time the broker received it.
async function rejudge(kept: KeptEvidence, verifiers?: VerifierRegistry): Promise<RuleJudgement[]> {
  const x = kept.expectations;
  const evidence = parseEvidence(kept.evidence);
  let configDigest: string;
  try {
    configDigest = securityConfigDigest(kept.inspect);
  } catch (err) {
    if (!isSealgateError(err)) throw err;
    configDigest = 'sha256:unmeasured';
  }
  return judgeEvidence(evidence, {
    nodeId: x.nodeId,
    nodePublicKey: base64ToBytes(kept.nodePublicKey) ?? new Uint8Array(0),
    runId: x.runId,
    nonce: x.nonce,
    nonceIssuedAt: new Date(x.nonceIssuedAt),
    measurement: {
      imageDigest: x.imageDigest,
      containerConfigDigest: configDigest,
      seccompProfileDigest: x.seccompProfileDigest,
      supervisorDigest: x.supervisorDigests,
      runtimeVersion: x.runtimeVersions,
    },
    allowedImageDigests: x.allowedImageDigests,
    minimumLevel: x.minimumLevel as TrustLevel,
    now: new Date(x.receivedAt),
    ttlSeconds: x.ttlSeconds,
    skewSeconds: x.skewSeconds,
    ...(verifiers !== undefined ? { verifiers } : {}),
  });
}

function sandbox(kept: KeptEvidence | undefined, profile: SandboxProfile): UnjudgedReportBody['sandbox'] {
  const profileDigest = digestOf(profile);
  if (kept === undefined) return { inspectDigest: null, violations: [], profile: profileDigest };
  try {
    const violations = evaluateSandbox(kept.inspect, profile).map((v) => ({ ...v }));
    return { inspectDigest: digestOf(kept.inspect), violations, profile: profileDigest };
  } catch (err) {
    if (!isSealgateError(err)) throw err;
    const violations = [{ code: err.code, path: '$', message: err.message }];
    return { inspectDigest: digestOf(kept.inspect), violations, profile: profileDigest };
  }
}

function egress(log: ClosedEgressLog | null): UnjudgedReportBody['egress'] {
  if (log === null) return { skipped: 'no egress log was kept for this run' };
  const flags: ReportFlag[] = log.flagged.flatMap(({ entry, proof }) =>
    entry.flags.map((f) => ({
      seq: entry.seq,
      rule: f.rule,
      action: f.action,
      ...(f.token !== undefined ? { token: f.token } : {}),
      entry,
      proof: { index: proof.index, size: proof.size, path: [...proof.path] },
    })),
  );
  return {
    head: log.head,
    headSignature: log.headSignature,
    count: log.head.size,
    bytes: log.head.bytes,
    flags,
  };
}

function audit(a: ReportParts['audit']): UnjudgedReportBody['audit'] {
  if ('skipped' in a) return { skipped: a.skipped };
  return {
    planted: a.planted,
    heldOut: a.heldOut,
    exposure: { ...a.exposure, perCanary: [...a.exposure.perCanary] },
    membership: { ...a.membership },
    thresholds: { ...a.thresholds },
  };
}

/** The report body for `parts`, without its verdict. */
export async function assembleBody(parts: ReportParts): Promise<UnjudgedReportBody> {
  const { run, kept } = parts;
  const judgements = kept === undefined ? [] : await rejudge(kept, parts.verifiers);
  return {
    version: 1,
    runId: run.id,
    datasetId: run.dataset,
    model: run.model,
    createdAt: parts.now.toISOString(),
    gateway: { ...parts.gateway },
    evidence: {
      document: kept === undefined ? null : { ...kept.evidence },
      judgements: judgements.map((j) => ({ ...j })),
    },
    releases: parts.releases.map((r) => ({ ...r, judgements: r.judgements.map((j) => ({ ...j })) })),
    sandbox: sandbox(kept, parts.profile),
    egress: egress(parts.egress),
    rescan:
      'skipped' in parts.rescan
        ? { skipped: parts.rescan.skipped }
        : { at: parts.rescan.at, flags: [...parts.rescan.flags] },
    audit: audit(parts.audit),
  };
}
