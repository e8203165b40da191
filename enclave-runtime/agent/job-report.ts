/**
 * A job's last part: what the node tells the gateway (docs/node-protocol.md
 * §4). A train run is `complete` with its sealed output and the signed usage
 * receipt; predict and audit jobs post their answers; a failed job goes to the
 * `fail` route of its kind. The success reports are built before cleanup and
 * sent after it, so nothing of the job is left on disk when they go out.
 */
import { signUsageReceipt } from '../../attest/index.js';
import type { ContainerExit } from '../docker/types.js';
import type { NodeApi } from './api.js';
import { AgentError } from './errors.js';
import type { Job } from './job-schema.js';
import type { RunFailure } from './outcome.js';
import type { SessionResult } from './session.js';

/** What the reports need from the agent. */
export interface ReportContext {
  readonly api: NodeApi;
  readonly nodeId: string;
  readonly nodeSecretKey: Uint8Array;
  readonly gpuDeviceIds: readonly string[];
}

/** A report to send once the job is cleaned up. */
export type Report = () => Promise<void>;

/** The container's run, by the agent's clock. */
export interface RunSpan {
  readonly exit: ContainerExit;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

/** A train run's `complete`: the sealed output and the usage receipt signed with the node key. */
export function completeReport(ctx: ReportContext, job: Job, session: SessionResult, span: RunSpan): Report {
  const output = session.output;
  if (output === undefined)
    throw new AgentError('AGENT_SUPERVISOR_PROTOCOL', 'the supervisor sent no sealed output');
  const durationSeconds = Math.max(0, span.endedAt.getTime() - span.startedAt.getTime()) / 1000;
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
      exitCode: span.exit.exitCode,
      deployment: {
        timestamp: span.endedAt.toISOString(),
        nodeAddress: ctx.nodeId,
        imageId: job.image.digest,
      },
    },
    ctx.nodeSecretKey,
  );
  return () => ctx.api.complete(job.runId, { jobId: job.jobId, output, receipt });
}

/** A predict (or audit) job's answers, in query order; a query without an answer is `null`. */
export function answersReport(api: NodeApi, job: Job, session: SessionResult): Report {
  const answers = Array.from(session.answers, (a) => a ?? null);
  if (job.kind === 'audit') return () => api.auditAnswers(job.auditId ?? '', { jobId: job.jobId, answers });
  return () => api.answers(job.inferenceId ?? '', { jobId: job.jobId, answers });
}

/** Reports `failure` on the route of the job's kind: the inference, the audit or the run. */
export async function reportFailure(api: NodeApi, job: Job, failure: RunFailure): Promise<void> {
  const body = { jobId: job.jobId, ...failure };
  if (job.kind === 'predict' && job.inferenceId !== undefined) await api.failInference(job.inferenceId, body);
  else if (job.kind === 'audit' && job.auditId !== undefined) await api.failAudit(job.auditId, body);
  else await api.fail(job.runId, body);
}
