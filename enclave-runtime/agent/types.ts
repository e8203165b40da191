/** Small types the agent's parts share: the clock, the supervisor bundle and job events. */

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
