/**
 * A job's key release (docs/node-protocol.md §3, docs/sealing-figures.md): a
 * nonce (the job's own while it is fresh, else one asked for), the evidence
 * signed over the started container's inspect document and the supervisor's
 * hello key, and, under seller custody, the wait until the seller decides.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeApi, ReleaseReply } from './api.js';
import { AgentError } from './errors.js';
import { signEvidence } from './evidence.js';
import type { Job } from './job-schema.js';
import type { Clock } from './types.js';

/** What the key release needs from the agent. */
export interface ReleaseContext {
  readonly api: NodeApi;
  readonly nodeId: string;
  readonly nodeSecretKey: Uint8Array;
  readonly supervisorDigest: string;
  readonly runtimeVersion: string;
  readonly clock: Clock;
  readonly releasePollMs: number;
  readonly signal: AbortSignal;
  /** When the job arrived, by `clock`: the job's own nonce is used while it is fresh. */
  readonly assignedAt: Date;
  /** Which step is running, for failure mapping. */
  step(name: string): void;
}

/** A key the broker (or the seller) released. */
export type Released = Extract<ReleaseReply, { status: 'released' }>;

/**
 * The job's own nonce (docs/node-protocol.md §3.1) while at most half its TTL
 * has passed since the job arrived, by the agent's clock (so no clock of the
 * gateway's is compared): the other half is for the evidence to arrive.
 * Undefined when the job has none or it is too old: the agent asks for one.
 */
export function freshJobNonce(
  ctx: Pick<ReleaseContext, 'clock' | 'assignedAt'>,
  job: Pick<Job, 'nonce'>,
): string | undefined {
  if (job.nonce === undefined) return undefined;
  const elapsedMs = ctx.clock.now().getTime() - ctx.assignedAt.getTime();
  return elapsedMs >= 0 && elapsedMs < (job.nonce.ttlSeconds * 1000) / 2 ? job.nonce.value : undefined;
}

// The evidence (docs/node-protocol.md §3.2), sent over a nonce; the job's own nonce, should the
// gateway find it expired after all (a slow start, a clock step), is replaced once by a fresh one.
async function sendEvidence(
  ctx: ReleaseContext,
  job: Job,
  helloPublicKey: string,
  inspecting: Promise<unknown>,
): Promise<ReleaseReply> {
  ctx.step('nonce');
  const jobNonce = freshJobNonce(ctx, job);
  const [nonce, inspect] = await Promise.all([jobNonce ?? ctx.api.nonce(job.runId, job.jobId), inspecting]);
  ctx.step('evidence');
  const send = (value: string) => {
    const evidence = signEvidence(
      inspect,
      {
        nodeId: ctx.nodeId,
        runId: job.runId,
        nonce: value,
        ephemeralPublicKey: helloPublicKey,
        supervisorDigest: ctx.supervisorDigest,
        runtimeVersion: ctx.runtimeVersion,
        time: Math.floor(ctx.clock.now().getTime() / 1000),
      },
      ctx.nodeSecretKey,
    );
    return ctx.api.evidence(job.runId, { jobId: job.jobId, evidence, inspect });
  };
  try {
    return await send(nonce);
  } catch (err) {
    if (jobNonce === undefined || !(err instanceof AgentError) || err.gatewayCode !== 'NONCE_EXPIRED')
      throw err;
    ctx.step('nonce');
    const fresh = await ctx.api.nonce(job.runId, job.jobId);
    ctx.step('evidence');
    return send(fresh);
  }
}

/**
 * Releases the job's key to the supervisor's hello key: evidence over the
 * container's inspect document (`inspecting`, read while the supervisor
 * booted), then polls a pending (seller custody) release every
 * `releasePollMs` until it is released; a refusal throws (AGENT_GATEWAY).
 */
export async function releaseKey(
  ctx: ReleaseContext,
  job: Job,
  helloPublicKey: string,
  inspecting: Promise<unknown>,
): Promise<Released> {
  let release = await sendEvidence(ctx, job, helloPublicKey, inspecting);
  ctx.step('release');
  while (release.status === 'pending') {
    await sleep(ctx.releasePollMs, undefined, { signal: ctx.signal });
    release = (await ctx.api.release(release.releaseId, ctx.signal)) ?? release;
  }
  return release;
}
