/**
 * One job on this node, in order (docs/node-protocol.md, docs/node-agent.md):
 * download the ciphertext (digest checked while written), make sure the image
 * is there, create the container sealed, attach, start, then the supervisor
 * session (session.ts), and at the end report `complete` (with the signed
 * usage receipt) or the answers — or `fail` with the mapped code. On EVERY
 * outcome the container is removed and the job directory, with its
 * ciphertext copy and sealed output, is deleted before the report goes out.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { signUsageReceipt } from '../../attest/index.js';
import type { ContainerExit, ContainerRuntime, SealedContainer } from '../docker/types.js';
import type { NodeApi } from './api.js';
import { downloadTo } from './blob-files.js';
import { AgentError } from './errors.js';
import type { Job } from './job-schema.js';
import type { RunFailure } from './outcome.js';
import { JobFailed, abortFailure, errorFailure, exitFailure } from './outcome.js';
import type { SessionResult } from './session.js';
import { runSession } from './session.js';
import type { AbortReason, Clock, JobEvent } from './types.js';

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
    let done: (() => Promise<void>) | undefined;
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
    try {
      if (this.#reason === 'flagged') {
        // the gateway ended the run when its guard said stop: there is nothing to report
      } else if (failure === undefined) await done?.();
      else if (job.kind === 'predict' && job.inferenceId !== undefined) {
        await ctx.api.failInference(job.inferenceId, { jobId: job.jobId, ...failure });
      } else if (job.kind === 'audit' && job.auditId !== undefined) {
        await ctx.api.failAudit(job.auditId, { jobId: job.jobId, ...failure });
      } else await ctx.api.fail(job.runId, { jobId: job.jobId, ...failure });
    } catch (err) {
      ctx.logger.error(
        { jobId: job.jobId, runId: job.runId, err: (err as Error).message },
        'report not accepted',
      );
    }
    const outcome = failure?.code ?? 'ok';
    this.#emit('finished', outcome);
    return outcome;
  }

  #emit(kind: JobEvent['kind'], outcome?: string): void {
    const event = { kind, jobId: this.job.jobId, runId: this.job.runId, at: this.ctx.clock.now() };
    this.ctx.onJobEvent?.(outcome === undefined ? event : { ...event, outcome });
  }

  #checkAborted(): void {
    if (this.#reason !== undefined)
      throw new AgentError('AGENT_JOB_ABORTED', `job stopped (${this.#reason})`);
  }

  // The sealed sequence. Returns the success report to send after cleanup; throws on failure.
  async #steps(dir: string): Promise<() => Promise<void>> {
    const { job, ctx } = this;
    const signal = this.#abort.signal;
    const ciphertext = join(dir, 'ciphertext');
    // An audit job's second ciphertext: the sealed model, scored on the canary set above (docs/audit.md).
    const modelBlob = job.kind === 'audit' ? job.modelBlob : undefined;
    const modelCiphertext = modelBlob === undefined ? undefined : join(dir, 'model-ciphertext');
    // The ciphertext downloads while the image is checked and the container created and
    // inspected (docs/sealing-figures.md): Docker wants a bind's source to exist at create, so
    // each file is made empty first and the download fills that same file. The container is
    // started only once both are done and the digests checked.
    for (const file of [ciphertext, modelCiphertext]) {
      if (file !== undefined) await writeFile(file, '', { mode: 0o600, flag: 'wx' });
    }
    const download = async (): Promise<void> => {
      await downloadTo(
        await ctx.api.blob(job.data.digest, signal),
        ciphertext,
        job.data.digest,
        job.data.size,
      );
      if (modelBlob !== undefined && modelCiphertext !== undefined) {
        await downloadTo(
          await ctx.api.blob(modelBlob.digest, signal),
          modelCiphertext,
          modelBlob.digest,
          modelBlob.size,
        );
      }
    };
    let creating = 'image';
    const create = async (): Promise<void> => {
      const archive = job.image.archive;
      await ctx.runtime.ensureImage(
        job.image.digest,
        archive ? () => ctx.api.blob(archive, signal) : undefined,
      );
      this.#checkAborted();
      creating = 'create';
      this.#container = await ctx.runtime.createSealed({
        runId: job.runId,
        jobId: job.jobId,
        image: job.image.digest,
        binds: {
          ciphertext,
          supervisor: ctx.supervisor.path,
          ...(modelCiphertext === undefined ? {} : { modelCiphertext }),
        },
        limits: job.limits,
        ...(ctx.gpuDeviceIds.length > 0 ? { gpuDeviceIds: ctx.gpuDeviceIds } : {}),
      });
    };
    this.#step = 'download';
    // Both settle before anything goes on: a container created after a failed download is
    // still known here, so cleanup removes it. The download's failure is reported first.
    const [downloaded, created] = await Promise.allSettled([download(), create()]);
    if (downloaded.status === 'rejected') throw downloaded.reason;
    this.#checkAborted();
    this.#step = creating;
    if (created.status === 'rejected') throw created.reason;
    this.#checkAborted();
    const container = this.#container;
    if (container === undefined) throw new TypeError('the container was not created');
    const stdio = await container.attach();
    stdio.stderr.resume(); // diagnostic only: drained, never forwarded (protocol §5)
    this.#step = 'start';
    await container.start();
    const startedAt = ctx.clock.now();
    this.#emit('container-started');
    const exited = container.wait();
    exited.catch(() => undefined);

    let session: SessionResult;
    try {
      session = await runSession(
        {
          ...ctx,
          supervisorDigest: ctx.supervisor.digest,
          signal,
          assignedAt: this.#assignedAt,
          emit: (kind) => this.#emit(kind),
          step: (name) => (this.#step = name),
          warn: (message, err) => ctx.logger.warn({ jobId: job.jobId, err: (err as Error).message }, message),
          // issue 5: the guard ended the run; stop the container and clean up, report nothing
          egressStopped: () => void this.abort('flagged'),
        },
        job,
        container,
        stdio,
        dir,
      );
    } catch (err) {
      // The container's end explains a broken session better than the break itself (OOM, time limit).
      const exit = await this.#stopAndWait(container, exited);
      const byExit = exit && !exit.cancelled ? exitFailure(exit, undefined, undefined) : undefined;
      if (byExit && this.#reason === undefined) throw new JobFailed(byExit);
      throw err;
    }
    const exit = await exited;
    const endedAt = ctx.clock.now();
    this.#checkAborted();
    const failed = exitFailure(exit, session.exit, session.error);
    if (failed) throw new JobFailed(failed);
    if (session.exit === undefined)
      throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor ended without exit');
    // docs/node-protocol.md §5: the supervisor's own account of its wipe; the tmpfs goes with the container
    if (!session.exit.wiped)
      ctx.logger.warn({ jobId: job.jobId, runId: job.runId, wiped: false }, 'the supervisor did not wipe');
    return job.kind === 'train' ? this.#complete(session, exit, startedAt, endedAt) : this.#answers(session);
  }

  async #stopAndWait(
    container: SealedContainer,
    exited: Promise<ContainerExit>,
  ): Promise<ContainerExit | undefined> {
    await container.cancel().catch(() => undefined);
    return exited.catch(() => undefined);
  }

  #answers(session: SessionResult): () => Promise<void> {
    const { job, ctx } = this;
    const answers = Array.from(session.answers, (a) => a ?? null);
    if (job.kind === 'audit')
      return () => ctx.api.auditAnswers(job.auditId ?? '', { jobId: job.jobId, answers });
    return () => ctx.api.answers(job.inferenceId ?? '', { jobId: job.jobId, answers });
  }

  #complete(
    session: SessionResult,
    exit: ContainerExit,
    startedAt: Date,
    endedAt: Date,
  ): () => Promise<void> {
    const { job, ctx } = this;
    const output = session.output;
    if (output === undefined)
      throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor sent no sealed output');
    const durationSeconds = Math.max(0, endedAt.getTime() - startedAt.getTime()) / 1000;
    const receipt = signUsageReceipt(
      {
        version: 1,
        runId: job.runId,
        jobId: job.jobId,
        nodeId: ctx.nodeId,
        steps: session.exit?.steps ?? 0,
        cpuSeconds: session.exit?.cpuSeconds ?? 0,
        gpuSeconds: ctx.gpuDeviceIds.length * durationSeconds,
        durationSeconds,
        exitCode: exit.exitCode,
        deployment: { timestamp: endedAt.toISOString(), nodeAddress: ctx.nodeId, imageId: job.image.digest },
      },
      ctx.nodeSecretKey,
    );
    return () => ctx.api.complete(job.runId, { jobId: job.jobId, output, receipt });
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
