/**
 * Nodes and their jobs as stored (docs/node-protocol.md). gateway/nodes writes
 * them; the key broker reads a job to know what a node may be given.
 */
import type { ModelDescriptor } from '../../policies/index.js';
import { NODES_SUBLEVEL } from '../runs/nodes.js';

export { NODES_SUBLEVEL };
export const JOBS_SUBLEVEL = 'jobs';
export const ENROLL_TOKENS_SUBLEVEL = 'enroll-tokens';
/** Active jobs by node: `${nodeId}/${jobId}` -> jobId (deleted when the job ends). */
export const NODE_JOBS_SUBLEVEL = 'node-jobs';
/** Every job of a run or inference: `${runOrInferenceId}/${jobId}` -> jobId (its attempts). */
export const RUN_JOBS_SUBLEVEL = 'run-jobs';
/** Usage receipts of settled runs, keyed by run id (signed by the node). */
export const RECEIPTS_SUBLEVEL = 'receipts';
/** The seed's deployment records, keyed by run id: `{timestamp, nodeAddress, imageId, runId}`. */
export const DEPLOYMENTS_SUBLEVEL = 'deployments';

/** A node's capacity, from its latest heartbeat. */
export interface NodeCapacity {
  readonly cpus: number;
  readonly memoryBytes: number;
  readonly gpus: readonly {
    readonly index: number;
    readonly uuid: string;
    readonly name: string;
    readonly memoryBytes: number;
  }[];
}

/** Something that went wrong on a node and counts against it. */
export interface NodeFault {
  readonly runId: string;
  /** `unconfirmed`: placed, but not running within startConfirmSeconds (the seed's start confirmation). */
  readonly kind: 'offline' | 'unconfirmed' | 'failed' | 'forged-evidence';
  readonly at: string;
}

/** An enrolled node (sublevel `nodes`, keyed by node id). */
export interface NodeRecord {
  readonly id: string;
  /** The miner account paid for its work; never sent to the node. */
  readonly miner: string;
  /** Its Ed25519 public key (base64) and certificate serial (hex). */
  readonly publicKey: string;
  readonly serial: string;
  readonly enrolledAt: string;
  readonly lastHeartbeat?: string;
  readonly runtimeVersion?: string;
  readonly capacity?: NodeCapacity;
  /** Run ids the node said it runs, at its latest heartbeat. */
  readonly running: readonly string[];
  readonly faults: readonly NodeFault[];
  readonly revoked?: string;
  /** Jobs it finished (answered or settled) and jobs it abandoned (offline, unconfirmed). */
  readonly jobsDone?: number;
  readonly jobsAbandoned?: number;
}

/** The limits a job runs under (also in the job sent to the node). */
export interface JobLimits {
  readonly pids: number;
  readonly memoryBytes: number;
  readonly nanoCpus: number;
  readonly wallSeconds: number;
  readonly tmpfsBytes: number;
  readonly gpus: number;
}

export type JobKind = 'train' | 'predict' | 'audit';
export type JobState = 'assigned' | 'done' | 'failed' | 'abandoned';

/** One attempt at a run (or an inference) on one node (sublevel `jobs`, keyed by job id). */
/** What the supervisor may forward (docs/egress-protocol.md section 3). */
export interface JobEgress {
  readonly channels: readonly ('metrics' | 'logs')[];
  readonly maxRecordBytes: number;
}

export interface JobRecord {
  readonly id: string;
  readonly kind: JobKind;
  readonly runId: string;
  /** For predict jobs: the inference this job answers. */
  readonly inferenceId?: string;
  /** For audit jobs: the audit this job answers (docs/audit.md). */
  readonly auditId?: string;
  readonly nodeId: string;
  readonly image: { readonly digest: string; readonly archive?: string };
  readonly model: ModelDescriptor;
  /** The ciphertext to mount: the dataset (train) or the sealed model (predict). */
  readonly data: { readonly digest: string; readonly size: number };
  /** Audit jobs: the sealed model, bound beside the canary set (`data`). */
  readonly modelBlob?: { readonly digest: string; readonly size: number };
  readonly limits: JobLimits;
  readonly params: { readonly steps: number; readonly hyperparameters: Readonly<Record<string, unknown>> };
  /** Issue 5: the dataset's egress channels and record cap (docs/egress-protocol.md section 3). */
  readonly egress?: JobEgress;
  readonly state: JobState;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A one-time enrollment token (sublevel `enroll-tokens`, keyed by token id). */
export interface EnrollTokenRecord {
  readonly id: string;
  /** SHA-256 of the secret, hex: the secret itself is never stored. */
  readonly secretSha256: string;
  readonly miner: string;
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Set once, when a node enrolled with it. */
  readonly usedBy?: string;
}
