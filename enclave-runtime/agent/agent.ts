/**
 * The node agent (DESIGN.md §5 steps 4–8): sweeps what a crash left, then runs
 * two loops until stopped — heartbeats with capacity, applying the gateway's
 * `control` to matching jobs, and a job long-poll while there is room. On
 * stop, running jobs are cancelled and reported `RUN_NODE_STOPPED`, their
 * containers and directories removed (docs/node-agent.md "Stopping").
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ContainerRuntime } from '../docker/types.js';
import { NodeApi } from './api.js';
import type { NodeHttpClient } from './http.js';
import type { NodeIdentity } from './identity.js';
import { JobRunner } from './job.js';
import type { Job } from './job-schema.js';
import type { Clock, JobEvent, SupervisorBundle } from './types.js';
import { systemClock } from './types.js';
import { silentLogger } from './logger.js';

/** Options of {@link NodeAgent}; collaborators come in here (STYLE.md "Wiring"). */
export interface NodeAgentOptions {
  readonly identity: Pick<NodeIdentity, 'nodeId' | 'keyPair'>;
  readonly http: NodeHttpClient;
  readonly runtime: ContainerRuntime;
  readonly supervisor: SupervisorBundle;
  /** DATA: job directories go to DATA/jobs/<jobId>. */
  readonly dataDir: string;
  /** The evidence's and heartbeat's runtime version (the package version). */
  readonly runtimeVersion: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Jobs run at once (default 1). */
  readonly maxJobs?: number;
  /** The long-poll's waitSeconds (default 25). */
  readonly waitSeconds?: number;
  /** Pause after a failed request before trying again (default 2000 ms). */
  readonly retryMs?: number;
  /** Seller-custody release polling interval (default 1000 ms). */
  readonly releasePollMs?: number;
  /** Largest sealed output accepted (default 4 GiB). */
  readonly maxOutputBytes?: number;
  onJobEvent?(event: JobEvent): void;
}

/** The agent. `start()` resolves once the first heartbeat was accepted; `stop()` ends it cleanly. */
export class NodeAgent {
  readonly api: NodeApi;
  readonly #jobs = new Map<string, { runner: JobRunner; done: Promise<string>; gpus: string[] }>();
  readonly #stopping = new AbortController();
  #loops: Promise<void>[] = [];
  #heartbeatSeconds = 10;
  #slotFreed: (() => void) | undefined;
  readonly #logger: Logger;

  constructor(private readonly options: NodeAgentOptions) {
    this.api = new NodeApi(options.http);
    this.#logger = options.logger ?? silentLogger();
  }

  /** Run ids being worked on now. */
  get running(): string[] {
    return [...this.#jobs.values()].map((j) => j.runner.job.runId);
  }

  /** Sweep, send the first heartbeat (errors propagate: a refused node should not start), start the loops. */
  async start(): Promise<void> {
    const swept = await this.options.runtime.sweep();
    if (swept > 0) this.#logger.warn({ swept }, 'removed containers left by an earlier run');
    // A crash (or SIGKILL) skips a job's cleanup: its ciphertext copy and sealed output stay on disk.
    const jobs = join(this.options.dataDir, 'jobs');
    const leftovers = await readdir(jobs).catch(() => []);
    for (const name of leftovers) await rm(join(jobs, name), { recursive: true, force: true });
    if (leftovers.length > 0)
      this.#logger.warn({ jobs: leftovers.length }, 'removed job files left by an earlier run');
    await this.#heartbeat();
    this.#loops = [this.#heartbeatLoop(), this.#jobLoop()];
  }

  /** Cancel running jobs (reported RUN_NODE_STOPPED), wait for their cleanup, end the loops. */
  async stop(): Promise<void> {
    if (this.#stopping.signal.aborted) return;
    this.#stopping.abort();
    this.#slotFreed?.();
    await Promise.all([...this.#jobs.values()].map((j) => j.runner.abort('stop')));
    await Promise.all([...this.#jobs.values()].map((j) => j.done));
    await Promise.all(this.#loops);
    this.options.http.close();
  }

  async #heartbeat(): Promise<void> {
    const { runtime } = this.options;
    const reply = await this.api.heartbeat({
      runtimeVersion: this.options.runtimeVersion,
      capacity: { cpus: cpus().length, memoryBytes: totalmem(), gpus: await runtime.gpus() },
      runs: this.running,
    });
    this.#heartbeatSeconds = reply.heartbeatSeconds;
    for (const { runId, action } of reply.control) {
      for (const { runner } of this.#jobs.values()) {
        if (runner.job.runId !== runId) continue;
        this.#logger.info({ runId, action }, 'control');
        await runner
          .control(action)
          .catch((err: unknown) =>
            this.#logger.warn({ runId, action, err: (err as Error).message }, 'control failed'),
          );
      }
    }
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }

  async #heartbeatLoop(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      await this.#pause(this.#heartbeatSeconds * 1000);
      if (this.#stopping.signal.aborted) return;
      await this.#heartbeat().catch((err: unknown) =>
        this.#logger.warn({ err: (err as Error).message }, 'heartbeat failed'),
      );
    }
  }

  async #jobLoop(): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      if (this.#jobs.size >= (this.options.maxJobs ?? 1)) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        continue;
      }
      try {
        const job = await this.api.nextJob(this.options.waitSeconds ?? 25, signal);
        if (job !== undefined && !signal.aborted) await this.#launch(job);
      } catch (err) {
        if (signal.aborted) return;
        this.#logger.warn({ err: (err as Error).message }, 'job poll failed');
        await this.#pause(this.options.retryMs ?? 2000);
      }
    }
  }

  async #launch(job: Job): Promise<void> {
    const o = this.options;
    const busy = new Set([...this.#jobs.values()].flatMap((j) => j.gpus));
    const gpus =
      job.limits.gpus === 0
        ? []
        : (await o.runtime.gpus())
            .map((g) => g.uuid)
            .filter((u) => !busy.has(u))
            .slice(0, job.limits.gpus);
    const runner = new JobRunner(
      {
        api: this.api,
        runtime: o.runtime,
        nodeId: o.identity.nodeId,
        nodeSecretKey: o.identity.keyPair.secretKey,
        supervisor: o.supervisor,
        runtimeVersion: o.runtimeVersion,
        dataDir: o.dataDir,
        clock: o.clock ?? systemClock,
        logger: this.#logger,
        releasePollMs: o.releasePollMs ?? 1000,
        maxOutputBytes: o.maxOutputBytes ?? 4 * 1024 ** 3,
        gpuDeviceIds: gpus,
        onJobEvent: (event) => o.onJobEvent?.(event),
      },
      job,
    );
    this.#logger.info({ jobId: job.jobId, runId: job.runId, kind: job.kind }, 'job assigned');
    const done = runner.run().finally(() => {
      this.#jobs.delete(job.jobId);
      this.#slotFreed?.();
      this.#slotFreed = undefined;
    });
    this.#jobs.set(job.jobId, { runner, done, gpus });
    void done.then((outcome) =>
      this.#logger.info({ jobId: job.jobId, runId: job.runId, outcome }, 'job ended'),
    );
  }
}
