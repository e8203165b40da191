/**
 * Seller-held custody on the seller's own machine (DESIGN.md 5 steps 1 and 6,
 * docs/node-protocol.md §3.3, docs/broker.md): list the key releases waiting
 * for you, check each one's evidence yourself with attest and policies (the
 * same checks the broker runs), unwrap nothing — the DEK never left this
 * machine: it is read from `$SEALGATE_HOME/datasets/<keyId>.key`, where
 * `dataset publish` keeps it — seal it to the container's ephemeral key, and
 * approve; or decline.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvidenceDocument, TrustLevel, VerifiedEvidence } from '../../attest/index.js';
import {
  SealgateError,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  constantTimeEqualText,
  dataKeyId,
  isSealgateError,
  parseDataKeyFile,
  verifyEvidence,
  wrapKey,
} from '../../attest/index.js';
import type { SandboxProfile, SeccompProfileJson } from '../../policies/index.js';
import {
  SEALGATE_SECCOMP_JSON,
  evaluateSandbox,
  seccompProfileDigest,
  SEALED_MAX_GPUS,
  sealedSandboxProfile,
  securityConfigDigest,
} from '../../policies/index.js';
import { getDataset } from './catalog.js';
import type { GatewayClient } from './gateway-client.js';
import { expectShape } from './reply.js';

/** Codes of a release the seller's client will not approve. */
export type ReleaseCheckErrorCode =
  | 'RELEASE_INSPECT_MISMATCH'
  | 'RELEASE_SANDBOX'
  | 'RELEASE_CLOCK'
  | 'RELEASE_KEY_MISSING'
  | 'RELEASE_KEY_MISMATCH'
  | 'RELEASE_NOT_PENDING'
  | 'RELEASE_DECLINED';

/** A pending release the seller's own checks refuse (evidence rules throw attest's EvidenceError). */
export class ReleaseCheckError extends SealgateError<ReleaseCheckErrorCode> {}

/** What the gateway expected of the evidence (the seller re-checks against its own copy of what it can). */
export interface ReleaseExpectations {
  readonly nodeId: string;
  readonly runId: string;
  readonly nonce: string;
  readonly nonceIssuedAt: string;
  readonly imageDigest: string;
  readonly seccompProfileDigest: string;
  readonly supervisorDigests: string[];
  readonly runtimeVersions: string[];
  readonly allowedImageDigests: string[];
  readonly minimumLevel: string;
  readonly ttlSeconds: number;
  readonly skewSeconds: number;
  readonly receivedAt: string;
}

/** A key release waiting for the seller (GET /v1/releases). */
export interface PendingRelease {
  readonly releaseId: string;
  readonly runId: string;
  readonly jobId: string;
  readonly dataset: string;
  readonly keyId: string;
  readonly evidence: EvidenceDocument;
  readonly inspect: unknown;
  readonly nodePublicKey: string;
  readonly nonce: string;
  readonly expectations: ReleaseExpectations;
  readonly measurementDigest: string;
  readonly createdAt: string;
}

function parsePending(value: unknown): PendingRelease {
  const r = expectShape<PendingRelease>(value, 'a pending release', {
    releaseId: 'string',
    runId: 'string',
    jobId: 'string',
    dataset: 'string',
    keyId: 'string',
    evidence: 'object',
    nodePublicKey: 'string',
    nonce: 'string',
    expectations: 'object',
  });
  expectShape(r.expectations, 'release expectations', {
    nodeId: 'string',
    runId: 'string',
    nonceIssuedAt: 'string',
    imageDigest: 'string',
    supervisorDigests: 'array',
    runtimeVersions: 'array',
    ttlSeconds: 'number',
    skewSeconds: 'number',
    receivedAt: 'string',
  });
  return r;
}

/** The releases on your datasets that wait for you (signed seller request). */
export async function pendingReleases(client: GatewayClient): Promise<PendingRelease[]> {
  const reply = await client.request<unknown>('GET', '/v1/releases', { signed: true });
  if (!Array.isArray(reply)) return [parsePending(reply)];
  return reply.map(parsePending);
}

/** What the seller's own checks use besides the release. */
export interface ReleaseCheckOptions {
  /** The dataset's key-release policy as the seller wrote it: allowed models and minimum tier. */
  readonly allowedModels: readonly string[];
  readonly minTier: TrustLevel;
  /** The sandbox profile to judge the inspect by (default sealedSandboxProfile() with SEALED_MAX_GPUS GPUs). */
  readonly profile?: SandboxProfile;
  /** The local clock (tests freeze it). */
  readonly now?: () => Date;
}

/**
 * Check a pending release on this machine, as the broker did: the inspect
 * document is the measured container (RELEASE_INSPECT_MISMATCH) and is sealed
 * (RELEASE_SANDBOX, naming the violation); the evidence is signed by the
 * node's key for this run and nonce, measures sealgate's seccomp profile
 * (computed here) and an allowed supervisor and runtime, runs a model the
 * seller's policy allows at its minimum tier (attest verifyEvidence, its
 * EVIDENCE_* codes). Time is judged at the gateway's receipt, which must not
 * lie in this machine's future (RELEASE_CLOCK): the seller may answer later.
 */
export async function checkRelease(
  release: PendingRelease,
  options: ReleaseCheckOptions,
): Promise<VerifiedEvidence> {
  const x = release.expectations;
  const now = (options.now ?? (() => new Date()))();
  const receivedAt = new Date(x.receivedAt);
  if (!(receivedAt.getTime() <= now.getTime() + x.skewSeconds * 1000)) {
    throw new ReleaseCheckError(
      'RELEASE_CLOCK',
      `the gateway says it received the evidence at ${x.receivedAt}, in the future`,
    );
  }
  const measured = release.evidence.body.measurement;
  const configDigest = securityConfigDigest(release.inspect);
  const image = (release.inspect as { Image?: unknown }).Image;
  if (configDigest !== measured.containerConfigDigest || image !== measured.imageDigest) {
    throw new ReleaseCheckError(
      'RELEASE_INSPECT_MISMATCH',
      'the inspect document is not the measured container',
    );
  }
  // GPUs up to the broker's default ceiling: a GPU run is sealed like any other
  const profile = options.profile ?? sealedSandboxProfile({ maxGpus: SEALED_MAX_GPUS });
  const [first] = evaluateSandbox(release.inspect, profile);
  if (first !== undefined) {
    throw new ReleaseCheckError(
      'RELEASE_SANDBOX',
      `the container is not sealed: ${first.code} at ${first.path}`,
    );
  }
  const nodePublicKey = base64ToBytes(release.nodePublicKey) ?? new Uint8Array(0);
  return verifyEvidence(release.evidence, {
    nodeId: x.nodeId,
    nodePublicKey,
    runId: release.runId,
    nonce: release.nonce,
    nonceIssuedAt: new Date(x.nonceIssuedAt),
    measurement: {
      imageDigest: x.imageDigest,
      containerConfigDigest: configDigest,
      seccompProfileDigest: seccompProfileDigest(SEALGATE_SECCOMP_JSON as SeccompProfileJson),
      supervisorDigest: x.supervisorDigests,
      runtimeVersion: x.runtimeVersions,
    },
    allowedImageDigests: options.allowedModels,
    minimumLevel: options.minTier,
    now: receivedAt,
    ttlSeconds: x.ttlSeconds,
    skewSeconds: x.skewSeconds,
  });
}

/** Read the DEK of `keyId` from this home's dataset keys (RELEASE_KEY_MISSING, RELEASE_KEY_MISMATCH). */
export async function loadDatasetKey(home: string, keyId: string): Promise<Uint8Array> {
  if (!/^[0-9a-f]{16,128}$/.test(keyId))
    throw new ReleaseCheckError('RELEASE_KEY_MISSING', `bad key id ${keyId}`);
  const path = join(home, 'datasets', `${keyId}.key`);
  const text = await readFile(path).catch(() => undefined);
  if (text === undefined)
    throw new ReleaseCheckError('RELEASE_KEY_MISSING', `no data key ${keyId} at ${path}`);
  const dek = parseDataKeyFile(text);
  if (!constantTimeEqualText(bytesToHex(dataKeyId(dek)), keyId)) {
    throw new ReleaseCheckError('RELEASE_KEY_MISMATCH', `${path} does not hold key ${keyId}`);
  }
  return dek;
}

/** Seal `dek` to the checked evidence's ephemeral key and approve the release. */
export async function approveRelease(
  client: GatewayClient,
  release: PendingRelease,
  verified: VerifiedEvidence,
  dek: Uint8Array,
): Promise<void> {
  const wrappedKey = bytesToBase64(wrapKey(dek, verified.evidence.ephemeralPublicKey));
  await client.request('POST', `/v1/releases/${encodeURIComponent(release.releaseId)}/approve`, {
    body: { wrappedKey },
    signed: true,
  });
}

/** Decline a release: the container gets no key. */
export async function declineRelease(client: GatewayClient, releaseId: string): Promise<void> {
  await client.request('POST', `/v1/releases/${encodeURIComponent(releaseId)}/decline`, { signed: true });
}

/** What {@link approvePending} did with each release. */
export interface ApprovalOutcome {
  readonly releaseId: string;
  readonly runId: string;
  readonly dataset: string;
  readonly outcome: 'approved' | 'declined';
  /** Why it was declined (a failed check's code and message). */
  readonly code?: string;
  readonly message?: string;
}

/**
 * `sealgate release approve [RELEASE_ID]`: check every pending release (or
 * the one named; RELEASE_NOT_PENDING when it is not waiting) against the
 * dataset's policy, approve what passes with the DEK from `home`, and decline
 * what fails its evidence or sandbox check. A missing key is an error (nothing
 * is declined for it: the seller may be on the wrong machine).
 */
export async function approvePending(
  client: GatewayClient,
  home: string,
  options: { readonly releaseId?: string; readonly now?: () => Date; readonly profile?: SandboxProfile } = {},
): Promise<ApprovalOutcome[]> {
  const all = await pendingReleases(client);
  const chosen = options.releaseId === undefined ? all : all.filter((r) => r.releaseId === options.releaseId);
  if (options.releaseId !== undefined && chosen.length === 0) {
    throw new ReleaseCheckError('RELEASE_NOT_PENDING', `release ${options.releaseId} is not waiting for you`);
  }
  const out: ApprovalOutcome[] = [];
  for (const release of chosen) {
    const dek = await loadDatasetKey(home, release.keyId);
    try {
      const { policy } = await getDataset(client, release.dataset);
      const base = { releaseId: release.releaseId, runId: release.runId, dataset: release.dataset };
      let verified: VerifiedEvidence;
      try {
        verified = await checkRelease(release, {
          allowedModels: policy.release.allowedModels,
          minTier: policy.release.minTier,
          ...(options.now ? { now: options.now } : {}),
          ...(options.profile ? { profile: options.profile } : {}),
        });
      } catch (err) {
        if (!isSealgateError(err)) throw err;
        await declineRelease(client, release.releaseId);
        out.push({ ...base, outcome: 'declined', code: err.code, message: err.message });
        continue;
      }
      await approveRelease(client, release, verified, dek);
      out.push({ ...base, outcome: 'approved' });
    } finally {
      dek.fill(0);
    }
  }
  return out;
}
