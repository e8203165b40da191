/**
 * The software-tier evidence body (DESIGN.md §6.4, docs/node-protocol.md §3),
 * measured from the container's own inspect document: what Docker says it
 * made, not what the agent asked for.
 */
import type { EvidenceBody, EvidenceDocument } from '../../attest/index.js';
import { EVIDENCE_VERSION, signSoftwareEvidence } from '../../attest/index.js';
import type { SeccompProfileJson } from '../../policies/index.js';
import { seccompProfileDigest, securityConfig, securityConfigDigest } from '../../policies/index.js';
import { AgentError } from './errors.js';

/** What the evidence binds besides the inspect document. */
export interface EvidenceInput {
  readonly nodeId: string;
  readonly runId: string;
  readonly nonce: string;
  /** The supervisor's ephemeral X25519 public key (its `hello`), standard base64. */
  readonly ephemeralPublicKey: string;
  readonly supervisorDigest: string;
  readonly runtimeVersion: string;
  /** Unix seconds. */
  readonly time: number;
}

/**
 * The digest of the seccomp profile actually in the inspect's `SecurityOpt`
 * (the last `seccomp=` entry, as dockerd reads it). Throws
 * AGENT_SECCOMP_UNMEASURABLE when the container runs Docker's default or no
 * filter: there is no profile to measure, and no sealed container looks so.
 */
export function measuredSeccompDigest(inspect: unknown): string {
  const seccomp = securityConfig(inspect).seccomp;
  if (seccomp.kind !== 'profile') {
    throw new AgentError(
      'AGENT_SECCOMP_UNMEASURABLE',
      `the container's seccomp setting is '${seccomp.kind}', not a profile`,
    );
  }
  return seccompProfileDigest(seccomp.profile as SeccompProfileJson);
}

/** Build the body from the inspect document: image id, config digest and seccomp digest all come from it. */
export function evidenceBody(inspect: unknown, input: EvidenceInput): EvidenceBody {
  const image = (inspect as { Image?: unknown } | null)?.Image;
  if (typeof image !== 'string')
    throw new AgentError('AGENT_SECCOMP_UNMEASURABLE', 'the inspect document names no image');
  return {
    version: EVIDENCE_VERSION,
    tier: 'software',
    nodeId: input.nodeId,
    runId: input.runId,
    nonce: input.nonce,
    measurement: {
      imageDigest: image,
      containerConfigDigest: securityConfigDigest(inspect),
      seccompProfileDigest: measuredSeccompDigest(inspect),
      supervisorDigest: input.supervisorDigest,
      runtimeVersion: input.runtimeVersion,
    },
    ephemeralPublicKey: input.ephemeralPublicKey,
    time: input.time,
  };
}

/** The signed evidence document (attest's software tier, the node key). */
export function signEvidence(
  inspect: unknown,
  input: EvidenceInput,
  nodeSecretKey: Uint8Array,
): EvidenceDocument {
  return signSoftwareEvidence(evidenceBody(inspect, input), nodeSecretKey);
}
