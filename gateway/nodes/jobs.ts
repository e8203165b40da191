/**
 * Jobs as stored, with their two indexes: a node's active jobs (what it
 * holds now: capacity, control, the fault sweeper) and every job of a run or
 * inference (its attempts, for maxAttempts). Each helper returns batch ops so
 * that a job changes in the same batch as the run it belongs to.
 */
import type { BatchOp, Store } from '../store/index.js';
import { del, put } from '../store/index.js';
import { NodeError } from './errors.js';
import type { JobRecord, JobState } from './records.js';
import { JOBS_SUBLEVEL, NODE_JOBS_SUBLEVEL, RUN_JOBS_SUBLEVEL } from './records.js';

/** The ops that store a new, assigned job and index it. */
export function newJobOps(store: Store, job: JobRecord): BatchOp[] {
  const owner = job.inferenceId ?? job.auditId ?? job.runId;
  return [
    put(store.sublevel(JOBS_SUBLEVEL), job.id, job),
    put(store.sublevel(NODE_JOBS_SUBLEVEL), `${job.nodeId}/${job.id}`, job.id),
    put(store.sublevel(RUN_JOBS_SUBLEVEL), `${owner}/${job.id}`, job.id),
  ];
}

/** The ops that end `job` in `state` (done, failed, abandoned): it leaves the node's active set. */
export function endJobOps(
  store: Store,
  job: JobRecord,
  state: Exclude<JobState, 'assigned'>,
  at: string,
): BatchOp[] {
  return [
    put(store.sublevel(JOBS_SUBLEVEL), job.id, { ...job, state, updatedAt: at }),
    del(store.sublevel(NODE_JOBS_SUBLEVEL), `${job.nodeId}/${job.id}`),
  ];
}

/** The job `id`, or undefined. */
export function findJob(store: Store, id: string): Promise<JobRecord | undefined> {
  return store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), id);
}

/** The active jobs of `nodeId`, or of every node when absent. */
export async function activeJobs(store: Store, nodeId?: string): Promise<JobRecord[]> {
  const range = nodeId === undefined ? {} : { gt: `${nodeId}/`, lt: `${nodeId}/~` };
  const ids = (await store.sublevel(NODE_JOBS_SUBLEVEL).values(range).all()) as string[];
  const jobs = await Promise.all(ids.map((id) => findJob(store, id)));
  return jobs.filter((job): job is JobRecord => job !== undefined);
}

/** How many jobs a run (or an inference) has had. */
export async function attempts(store: Store, ownerId: string): Promise<number> {
  const keys = await store
    .sublevel(RUN_JOBS_SUBLEVEL)
    .keys({ gt: `${ownerId}/`, lt: `${ownerId}/~` })
    .all();
  return keys.length;
}

/** What a node asks about a job it holds, checked (docs/node-protocol.md section 4). */
export interface JobClaim {
  readonly jobId: string;
  readonly nodeId: string;
  /** The run id (train) or inference id (predict) in the path. */
  readonly ownerId: string;
}

/**
 * The job a node names in a report, if it is that node's, for that run or
 * inference, and still active. Codes: NODE_JOB_NOT_FOUND, NODE_JOB_NOT_YOURS
 * (another node's job: a node only sees its own), NODE_JOB_WRONG_RUN,
 * NODE_JOB_NOT_ACTIVE.
 */
export async function claimedJob(store: Store, claim: JobClaim): Promise<JobRecord> {
  const job = await findJob(store, claim.jobId);
  if (!job) throw new NodeError('NODE_JOB_NOT_FOUND', `no job ${claim.jobId}`);
  if (job.nodeId !== claim.nodeId) throw new NodeError('NODE_JOB_NOT_YOURS', 'the job is not this node’s');
  if ((job.inferenceId ?? job.auditId ?? job.runId) !== claim.ownerId) {
    throw new NodeError('NODE_JOB_WRONG_RUN', `the job is not for ${claim.ownerId}`);
  }
  if (job.state !== 'assigned') throw new NodeError('NODE_JOB_NOT_ACTIVE', `the job is ${job.state}`);
  return job;
}
