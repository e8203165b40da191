/**
 * The evidence a node sends before a key is released (DESIGN §6.4): the
 * body it commits to, the wire document, and the parsed value the rules see.
 */

/** The evidence format version this code reads and writes. */
export const EVIDENCE_VERSION = 1;

/**
 * The trust classes of DESIGN §2, weakest first. A dataset names the minimum
 * it accepts; each evidence tier (verifier) belongs to one of them.
 */
export const TRUST_LEVELS = ['software', 'hardware'] as const;

/** `software` (a signed measurement) or `hardware` (a TEE report). */
export type TrustLevel = (typeof TRUST_LEVELS)[number];

/** The rank of a trust level: higher is stronger. */
export function trustLevelRank(level: TrustLevel): number {
  return TRUST_LEVELS.indexOf(level);
}

/** What the sealed container is, as the node measured it. Digests are `sha256:<64 lowercase hex>`. */
export interface Measurement {
  /** The model image the container runs (the OCI image id/digest). */
  readonly imageDigest: string;
  /** SHA-256 over the normalised security-relevant container config (policies' securityConfig). */
  readonly containerConfigDigest: string;
  /** SHA-256 over the seccomp profile the container was created with. */
  readonly seccompProfileDigest: string;
  /** SHA-256 of the supervisor binary/bundle mounted into the container. */
  readonly supervisorDigest: string;
  /** The node agent's (enclave-runtime's) version. */
  readonly runtimeVersion: string;
}

/** The body a node commits to: signed (software tier) or bound into a TEE report (hardware tiers). */
export interface EvidenceBody {
  readonly version: typeof EVIDENCE_VERSION;
  /** Which verifier judges the signature, e.g. `software` or (later) `sev-snp`. */
  readonly tier: string;
  /** The node's id, `node_…` (attest/keys.ts). */
  readonly nodeId: string;
  /** The run this evidence is for. */
  readonly runId: string;
  /** The gateway's single-use challenge for this run (unpadded base64url). */
  readonly nonce: string;
  readonly measurement: Measurement;
  /** The container's ephemeral X25519 public key, standard base64 (32 bytes). */
  readonly ephemeralPublicKey: string;
  /** When the node made the evidence, unix seconds. */
  readonly time: number;
}

/** Evidence on the wire: the body and its signature (base64; meaning depends on the tier). */
export interface EvidenceDocument {
  readonly body: EvidenceBody;
  readonly signature: string;
}

/** Evidence after parsing: the body, and the decoded signature and ephemeral key. */
export interface Evidence {
  readonly body: EvidenceBody;
  readonly signature: Uint8Array;
  readonly ephemeralPublicKey: Uint8Array;
}
