/** Small types the agent's parts share: the clock, the supervisor bundle, job events and a job's context. */
import type { Logger } from 'pino';
import type { ContainerRuntime } from '../docker/types.js';
import type { NodeApi } from './api.js';

/** The agent's clock (injectable: tests freeze it, the bench records with it). */
export interface Clock {
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

/** The staged supervisor (`stageSupervisor(dir)`): mounted read-only and measured. */
export interface SupervisorBundle {
  /** Host directory bound read-only at /sealed/supervisor. */
  readonly path: string;
  /** Its tree digest, `sha256:…`: the evidence's supervisorDigest. */
  readonly digest: string;
  /** The container's entrypoint (given to the Docker driver, not used by the agent itself). */
  readonly entrypoint: readonly string[];
}

/**
 * Moments of one job, stamped with the agent's clock (the sealing overhead
 * figure of issue 4 is measured from them): `assigned` (the job arrived),
 * `container-started`, `hello` (the supervisor's first message arrived),
 * `key-released`, `started` (the supervisor spawned the
 * model), and `finished` with the outcome code (`ok` or the fail code).
 */
export interface JobEvent {
  readonly kind: 'assigned' | 'container-started' | 'hello' | 'key-released' | 'started' | 'finished';
  readonly jobId: string;
  readonly runId: string;
  readonly at: Date;
  /** `finished` only. */
  readonly outcome?: string;
}

/**
 * Why a job was stopped from outside: the gateway's `cancel`, the node
 * shutting down, or (issue 5) the egress guard's `stop: true` — the run has
 * already ended at the gateway, so nothing is reported.
 */
export type AbortReason = 'cancel' | 'stop' | 'flagged';

/** What a job needs from the agent. */
export interface JobContext {
  readonly api: NodeApi;
  readonly runtime: ContainerRuntime;
  readonly nodeId: string;
  readonly nodeSecretKey: Uint8Array;
  readonly supervisor: { readonly path: string; readonly digest: string };
  readonly runtimeVersion: string;
  readonly dataDir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly releasePollMs: number;
  readonly maxOutputBytes: number;
  readonly gpuDeviceIds: readonly string[];
  onJobEvent?(event: JobEvent): void;
}
