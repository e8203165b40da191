/**
 * One sealed container's conversation, from `hello` to `exit`
 * (docs/node-protocol.md §3–§5): key release over the container's own inspect
 * document, the `run` message, then egress records (metrics, logs, refused
 * notices: docs/egress-protocol.md section 3), answers and the sealed output
 * as they come. The job (job.ts) owns the directory, the container and cleanup.
 */
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { ContainerStdio, SealedContainer } from '../docker/types.js';
import type { NodeApi, ReleaseReply } from './api.js';
import { OutputFile } from './blob-files.js';
import { AgentError } from './errors.js';
import { signEvidence } from './evidence.js';
import type { Job } from './job-schema.js';
import type { SupervisorMessage } from '../supervisor/protocol.js';
import { jsonLines, runLine } from './messages.js';
import type { EgressRecord } from './metrics.js';
import { MetricBatcher } from './metrics.js';
import type { Clock, JobEvent } from './types.js';

/** What a session needs from the agent. */
export interface SessionContext {
  readonly api: NodeApi;
  readonly nodeId: string;
  readonly nodeSecretKey: Uint8Array;
  readonly supervisorDigest: string;
  readonly runtimeVersion: string;
  readonly clock: Clock;
  readonly releasePollMs: number;
  readonly maxOutputBytes: number;
  readonly signal: AbortSignal;
  /** When the job arrived, by `clock`: the job's own nonce is used while it is fresh. */
  readonly assignedAt: Date;
  emit(kind: JobEvent['kind']): void;
  /** Which step is running, for failure mapping. */
  step(name: string): void;
  warn(message: string, err: unknown): void;
  /** issue 5: the gateway's egress guard stopped the run (it has already ended there). */
  egressStopped?(): void;
}

/** What the supervisor said by the time its stdout ended. */
export interface SessionResult {
  exit?: Extract<SupervisorMessage, { t: 'exit' }>;
  error?: Extract<SupervisorMessage, { t: 'error' }>;
  output?: { digest: string; size: number; wrappedKey: string; keyId: string };
  answers: unknown[];
}

/**
 * The job's own nonce (docs/node-protocol.md §3.1) while at most half its TTL
 * has passed since the job arrived, by the agent's clock (so no clock of the
 * gateway's is compared): the other half is for the evidence to arrive.
 * Undefined when the job has none or it is too old: the agent asks for one.
 */
export function freshJobNonce(
  ctx: Pick<SessionContext, 'clock' | 'assignedAt'>,
  job: Pick<Job, 'nonce'>,
): string | undefined {
  if (job.nonce === undefined) return undefined;
  const elapsedMs = ctx.clock.now().getTime() - ctx.assignedAt.getTime();
  return elapsedMs >= 0 && elapsedMs < (job.nonce.ttlSeconds * 1000) / 2 ? job.nonce.value : undefined;
}

/** Drive the supervisor of a started container until its stdout ends. */
export async function runSession(
  ctx: SessionContext,
  job: Job,
  container: SealedContainer,
  stdio: ContainerStdio,
  dir: string,
): Promise<SessionResult> {
  const messages = jsonLines(stdio.stdout)[Symbol.asyncIterator]();
  // The started container's inspect document (the evidence's measurement) does not depend on
  // the supervisor: it is read while the supervisor boots.
  const inspecting = container.inspect();
  inspecting.catch(() => undefined); // awaited below; a failure there is the step's
  ctx.step('hello');
  const first = await messages.next();
  if (first.done || first.value.t !== 'hello') {
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor did not begin with hello');
  }
  const hello = first.value;
  ctx.emit('hello');

  ctx.step('nonce');
  const jobNonce = freshJobNonce(ctx, job);
  const [nonce, inspect] = await Promise.all([jobNonce ?? ctx.api.nonce(job.runId, job.jobId), inspecting]);
  ctx.step('evidence');
  const sign = (value: string) =>
    signEvidence(
      inspect,
      {
        nodeId: ctx.nodeId,
        runId: job.runId,
        nonce: value,
        ephemeralPublicKey: hello.publicKey,
        supervisorDigest: ctx.supervisorDigest,
        runtimeVersion: ctx.runtimeVersion,
        time: Math.floor(ctx.clock.now().getTime() / 1000),
      },
      ctx.nodeSecretKey,
    );
  let release: ReleaseReply;
  try {
    release = await ctx.api.evidence(job.runId, { jobId: job.jobId, evidence: sign(nonce), inspect });
  } catch (err) {
    // The job's nonce ran out after all (a slow start, a clock step): once more with a fresh one.
    if (jobNonce === undefined || !(err instanceof AgentError) || err.gatewayCode !== 'NONCE_EXPIRED')
      throw err;
    ctx.step('nonce');
    const fresh = await ctx.api.nonce(job.runId, job.jobId);
    ctx.step('evidence');
    release = await ctx.api.evidence(job.runId, { jobId: job.jobId, evidence: sign(fresh), inspect });
  }
  ctx.step('release');
  while (release.status === 'pending') {
    await sleep(ctx.releasePollMs, undefined, { signal: ctx.signal });
    release = (await ctx.api.release(release.releaseId, ctx.signal)) ?? release;
  }
  ctx.emit('key-released');

  ctx.step('run');
  if (job.kind === 'audit' && release.modelWrappedKey === undefined) {
    throw new AgentError('AGENT_GATEWAY', 'the audit release carries no model key');
  }
  const run = runLine(job, release);
  stdio.stdin.write(`${JSON.stringify(run)}\n`);

  // docs/egress-protocol.md section 3: every egress record in order, seq from 0 per job
  let seq = 0;
  const batcher = new MetricBatcher<EgressRecord>({
    send: (records) => ctx.api.egress(job.runId, { jobId: job.jobId, records }),
    onStop: () => ctx.egressStopped?.(),
    onError: (err) => ctx.warn('egress batch not accepted', err),
  });
  const output = new OutputFile(join(dir, 'output'), ctx.maxOutputBytes);
  const result: SessionResult = { answers: [] };
  try {
    for (;;) {
      const next = await messages.next();
      if (next.done) break;
      const m = next.value;
      switch (m.t) {
        case 'started':
          ctx.emit('started');
          break;
        case 'metric':
          batcher.add({ seq: seq++, channel: 'metrics', metric: m.metric, step: m.step, value: m.value });
          break;
        case 'log':
          batcher.add({ seq: seq++, channel: 'logs', text: m.text });
          break;
        case 'refused':
          batcher.add({ seq: seq++, channel: 'refused', reason: m.reason, bytes: m.bytes });
          break;
        case 'answer':
          result.answers[m.index] = m.value;
          break;
        case 'output':
          await output.append(m.chunk);
          break;
        case 'output-end':
          ctx.step('output');
          await output.finish(m.digest, m.size);
          await ctx.api.uploadBlob(m.digest, createReadStream(output.path), m.size);
          result.output = { digest: m.digest, size: m.size, wrappedKey: m.wrappedKey, keyId: m.keyId };
          ctx.step('run');
          break;
        case 'error':
          result.error = m;
          break;
        case 'exit':
          result.exit = m;
          break;
        case 'hello':
          throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor said hello twice');
      }
    }
  } finally {
    await batcher.close();
    await output.close();
  }
  return result;
}
