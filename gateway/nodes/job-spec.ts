/**
 * What a job asks of a node, pure: its limits from model.json's resources
 * (capped by the gateway's options), whether it fits what a node has left,
 * and the job as the node sees it (docs/node-protocol.md section 2) - a run
 * id, digests and limits, never an account.
 */
import type { ModelDescriptor } from '../../policies/index.js';
import type { JobLimitCaps } from '../options.js';
import type { JobLimits, JobRecord, NodeCapacity } from './records.js';

const MIB = 1024 * 1024;

/** The limits of a job of `model`, each capped by `caps`. */
export function limitsFor(model: ModelDescriptor, caps: JobLimitCaps): JobLimits {
  const r = model.resources;
  return {
    pids: Math.min(r.pids, caps.pids),
    memoryBytes: Math.min(r.memoryMiB, caps.memoryMiB) * MIB,
    nanoCpus: Math.round(Math.min(r.cpus, caps.cpus) * 1e9),
    wallSeconds: Math.min(r.maxSeconds, caps.maxSeconds),
    tmpfsBytes: Math.min(r.tmpfsMiB, caps.tmpfsMiB) * MIB,
    gpus: Math.min(r.gpus, caps.gpus),
  };
}

/** True when a job with `limits` fits `capacity` minus the limits of the node's `active` jobs. */
export function fits(
  capacity: NodeCapacity | undefined,
  active: readonly JobLimits[],
  limits: JobLimits,
): boolean {
  if (!capacity) return false;
  const used = active.reduce(
    (sum, l) => ({
      nanoCpus: sum.nanoCpus + l.nanoCpus,
      memoryBytes: sum.memoryBytes + l.memoryBytes,
      gpus: sum.gpus + l.gpus,
    }),
    { nanoCpus: 0, memoryBytes: 0, gpus: 0 },
  );
  return (
    used.nanoCpus + limits.nanoCpus <= Math.round(capacity.cpus * 1e9) &&
    used.memoryBytes + limits.memoryBytes <= capacity.memoryBytes &&
    used.gpus + limits.gpus <= capacity.gpus.length
  );
}

/** The job as sent to the node. */
export interface WireJob {
  readonly kind: JobRecord['kind'];
  readonly jobId: string;
  readonly runId: string;
  readonly inferenceId?: string;
  readonly auditId?: string;
  readonly modelBlob?: JobRecord['modelBlob'];
  readonly image: JobRecord['image'];
  readonly model: ModelDescriptor;
  readonly data: JobRecord['data'];
  readonly limits: JobLimits;
  readonly params: JobRecord['params'];
  readonly brokerPublicKey: string;
  readonly inputs?: string;
  readonly egress?: JobRecord['egress'];
}

/** The wire form of `job`: the fields the protocol names and nothing else (no account, no node). */
export function wireJob(job: JobRecord, brokerPublicKey: string, inputs?: string): WireJob {
  return {
    kind: job.kind,
    jobId: job.id,
    runId: job.runId,
    ...(job.inferenceId === undefined ? {} : { inferenceId: job.inferenceId }),
    ...(job.auditId === undefined ? {} : { auditId: job.auditId }),
    ...(job.modelBlob === undefined ? {} : { modelBlob: job.modelBlob }),
    image: job.image,
    model: job.model,
    data: job.data,
    limits: job.limits,
    params: job.params,
    brokerPublicKey,
    ...(inputs === undefined ? {} : { inputs }),
    ...(job.egress === undefined ? {} : { egress: job.egress }),
  };
}
