/**
 * One job on this node, in order (docs/node-protocol.md, docs/node-agent.md),
 * each step a named part: prepare (download the ciphertext, its digest checked
 * while written, while the image is made sure of and the container created
 * sealed: job-prepare.ts), start (attach, then start), the supervisor session
 * (hello, the key release, the run: session.ts), the outcome (outcome.ts) and
 * the report (`complete` with the signed usage receipt, the answers, or `fail`
 * with the mapped code: job-report.ts). On EVERY outcome the container is
 * removed and the job directory, with its ciphertext copy and sealed output,
 * is deleted before the report goes out.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerExit, ContainerStdio, SealedContainer } from '../docker/types.js';
import { AgentError } from './errors.js';
import type { PrepareContext } from './job-prepare.js';
import { prepareContainer } from './job-prepare.js';
import type { Report } from './job-report.js';
import { answersReport, completeReport, reportFailure } from './job-report.js';
import type { Job } from './job-schema.js';
import type { RunFailure } from './outcome.js';
import { JobFailed, abortFailure, errorFailure, exitFailure } from './outcome.js';
import type { SessionResult } from './session.js';
import { runSession } from './session.js';
import type { AbortReason, JobContext, JobEvent } from './types.js';

export type { JobContext } from './types.js';

/** A started container: its stdio, when it started, and its end. */
interface Started {
  readonly stdio: ContainerStdio;
  readonly startedAt: Date;
  readonly exited: Promise<ContainerExit>;
}

/** A job being run; `control` and `abort` come from the agent's heartbeat loop and shutdown. */
export class JobRunner {
  readonly #abort = new AbortController();
  #reason: AbortReason | undefined;
  #container: SealedContainer | undefined;
  #paused = false;
  #step = 'assigned';
  #assignedAt = new Date(0);

  constructor(
    private readonly ctx: JobContext,
    readonly job: Job,
  ) {}

  /** Apply a heartbeat `control` action (idempotent: repeated pause/resume are ignored). */
  async control(action: 'cancel' | 'pause' | 'resume'): Promise<void> {
    if (action === 'cancel') return this.abort('cancel');
    if (this.#container === undefined || (action === 'pause') === this.#paused) return;
    this.#paused = action === 'pause';
    await (action === 'pause' ? this.#container.pause() : this.#container.resume());
  }

  /** Stop the job from outside: the container is killed, and the run reported failed. */
  async abort(reason: AbortReason): Promise<void> {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#abort.abort();
    await this.#container?.cancel().catch(() => undefined);
  }

  /** Run the job to its end and report it; never throws. Resolves to the outcome code (`ok` or a fail code). */
  async run(): Promise<string> {
    const { job, ctx } = this;
    this.#assignedAt = ctx.clock.now();
    this.#emit('assigned');
    const dir = join(ctx.dataDir, 'jobs', job.jobId);
    let failure: RunFailure | undefined;
    let done: Report | undefined;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      done = await this.#steps(dir);
    } catch (err) {
      failure = this.#reason ? abortFailure(this.#reason) : errorFailure(err, this.#step);
      ctx.logger.warn(
        { jobId: job.jobId, runId: job.runId, step: this.#step, code: failure.code },
        'job failed',
      );
    }
    await this.#cleanup(dir);
    await this.#report(failure, done);
    const outcome = failure?.code ?? 'ok';
    this.#emit('finished', outcome);
    return outcome;
  }

  // After cleanup: the success report, or the failure on its kind's route (job-report.ts).
  async #report(failure: RunFailure | undefined, done: Report | undefined): Promise<void> {
    const { job, ctx } = this;
    // the gateway ended the run when its guard said stop: there is nothing to report
    if (this.#reason === 'flagged') return;
    try {
      if (failure === undefined) await done?.();
      else await reportFailure(ctx.api, job, failure);
    } catch (err) {
      ctx.logger.error(
        { jobId: job.jobId, runId: job.runId, err: (err as Error).message },
        'report not accepted',
      );
    }
  }

  #emit(kind: JobEvent['kind'], outcome?: string): void {
    const event = { kind, jobId: this.job.jobId, runId: this.job.runId, at: this.ctx.clock.now() };
    this.ctx.onJobEvent?.(outcome === undefined ? event : { ...event, outcome });
  }

  #checkAborted(): void {
    if (this.#reason !== undefined)
      throw new AgentError('AGENT_JOB_ABORTED', `job stopped (${this.#reason})`);
  }

  // The sealed sequence, in order; each part below is one step of it. Returns the success report
  // to send after cleanup; throws on failure.
  async #steps(dir: string): Promise<Report> {
    const container = await prepareContainer(this.#prepareContext(), this.job, dir);
    const started = await this.#start(container);
    const session = await this.#session(container, started, dir);
    return this.#outcome(session, started);
  }

  #prepareContext(): PrepareContext {
    return {
      ...this.ctx,
      signal: this.#abort.signal,
      step: (name) => (this.#step = name),
      checkAborted: () => this.#checkAborted(),
      created: (container) => (this.#container = container),
    };
  }

  // Attached before it starts (no line of the supervisor's is missed), started only now that the
  // digests are checked; stderr is diagnostic only: drained, never forwarded (protocol §5).
  async #start(container: SealedContainer): Promise<Started> {
    const stdio = await container.attach();
    stdio.stderr.resume();
    this.#step = 'start';
    await container.start();
    const startedAt = this.ctx.clock.now();
    this.#emit('container-started');
    const exited = container.wait();
    exited.catch(() => undefined);
    return { stdio, startedAt, exited };
  }

  // hello, the key release and the run (session.ts). When the session breaks, the container's
  // end explains it better than the break itself (OOM, time limit).
  async #session(container: SealedContainer, started: Started, dir: string): Promise<SessionResult> {
    const { job, ctx } = this;
    try {
      return await runSession(
        {
          ...ctx,
          supervisorDigest: ctx.supervisor.digest,
          signal: this.#abort.signal,
          assignedAt: this.#assignedAt,
          emit: (kind) => this.#emit(kind),
          step: (name) => (this.#step = name),
          warn: (message, err) => ctx.logger.warn({ jobId: job.jobId, err: (err as Error).message }, message),
          // issue 5: the guard ended the run; stop the container and clean up, report nothing
          egressStopped: () => void this.abort('flagged'),
        },
        job,
        container,
        started.stdio,
        dir,
      );
    } catch (err) {
      await container.cancel().catch(() => undefined);
      const exit = await started.exited.catch(() => undefined);
      const byExit = exit && !exit.cancelled ? exitFailure(exit, undefined, undefined) : undefined;
      if (byExit && this.#reason === undefined) throw new JobFailed(byExit);
      throw err;
    }
  }

  // The container's end and the supervisor's exit decide the outcome (outcome.ts).
  async #outcome(session: SessionResult, started: Started): Promise<Report> {
    const { job, ctx } = this;
    const exit = await started.exited;
    const endedAt = ctx.clock.now();
    this.#checkAborted();
    const failed = exitFailure(exit, session.exit, session.error);
    if (failed) throw new JobFailed(failed);
    if (session.exit === undefined)
      throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor ended without exit');
    // docs/node-protocol.md §5: the supervisor's own account of its wipe; the tmpfs goes with the container
    if (!session.exit.wiped)
      ctx.logger.warn({ jobId: job.jobId, runId: job.runId, wiped: false }, 'the supervisor did not wipe');
    return job.kind === 'train'
      ? completeReport(ctx, job, session, { exit, startedAt: started.startedAt, endedAt })
      : answersReport(ctx.api, job, session);
  }

  async #cleanup(dir: string): Promise<void> {
    const { job, ctx } = this;
    if (this.#container) {
      await this.#container
        .remove()
        .catch((err: unknown) =>
          ctx.logger.error({ jobId: job.jobId, err: (err as Error).message }, 'container not removed'),
        );
    }
    await rm(dir, { recursive: true, force: true }).catch((err: unknown) =>
      ctx.logger.error({ jobId: job.jobId, err: (err as Error).message }, 'job directory not removed'),
    );
  }
}
