/**
 * What a node's key request is about, read from the stores other features
 * write (docs/node-protocol.md §2-3): the job it holds (gateway/nodes), the
 * node's enrolment record, the run, its dataset and, for a predict job, the
 * run's model. Only the node a job was given may ask, only while the job is
 * assigned, and only while the run waits for that key.
 */
import type { VerifiedNodeCertificate } from '../../attest/index.js';
import { bytesToBase64, constantTimeEqualText } from '../../attest/index.js';
import type { DatasetRecord } from '../datasets/record.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import { GatewayError } from '../errors.js';
import type { ModelRecord } from '../models/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';
import type { JobRecord, NodeRecord } from '../nodes/records.js';
import { JOBS_SUBLEVEL, NODES_SUBLEVEL } from '../nodes/records.js';
import type { RunRecord, RunState } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import type { Store } from '../store/index.js';
import { BrokerError } from './errors.js';
import type { ReleasePurpose } from './records.js';

/** The job, run and dataset a key request is about. */
export interface ReleaseSubject {
  readonly purpose: ReleasePurpose;
  readonly job: JobRecord;
  readonly run: RunRecord;
  readonly dataset: DatasetRecord;
  /** Predict: the run's model image, the only image that may open the sealed model. */
  readonly modelImage?: string;
}

// A data key waits while the run is placed or sealing; a sealed model, once the run settled with one.
function runWaits(purpose: ReleasePurpose, run: RunRecord): boolean {
  if (purpose !== 'data') return run.state === 'settled' && run.output !== undefined;
  // A release may find the run still placed: the job's own nonce spares the nonce request
  // that used to move it (broker.ts moves it to sealing then).
  const states: readonly RunState[] = ['placed', 'sealing'];
  return states.includes(run.state);
}

/**
 * Load and check the subject of `node`'s request about `jobId` of `runId`:
 * KEY_RELEASE_NO_JOB (no such assigned job of that run), KEY_RELEASE_NOT_YOUR_JOB
 * (another node's job), AUTH_NOT_NODE (the node is not enrolled, is revoked,
 * or its record holds another key), KEY_RELEASE_RUN_STATE (the run does not
 * wait for this key), KEY_RELEASE_KEY_UNAVAILABLE (its dataset or model is gone).
 */
export async function loadSubject(
  store: Store,
  node: VerifiedNodeCertificate,
  runId: string,
  jobId: string,
): Promise<ReleaseSubject> {
  const job = await store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), jobId);
  if (job === undefined || job.runId !== runId || job.state !== 'assigned') {
    throw new BrokerError('job', 'KEY_RELEASE_NO_JOB', `no assigned job ${jobId} of run ${runId}`);
  }
  if (!constantTimeEqualText(job.nodeId, node.nodeId)) {
    throw new BrokerError('job', 'KEY_RELEASE_NOT_YOUR_JOB', `job ${jobId} was given to another node`);
  }
  const record = await store.get<NodeRecord>(store.sublevel(NODES_SUBLEVEL), node.nodeId);
  if (
    record === undefined ||
    record.revoked !== undefined ||
    !constantTimeEqualText(record.publicKey, bytesToBase64(node.nodePublicKey))
  ) {
    throw new GatewayError('AUTH_NOT_NODE', 'rule node: the node is not enrolled, or it was revoked');
  }
  const purpose: ReleasePurpose = job.kind === 'predict' ? 'model' : job.kind === 'audit' ? 'audit' : 'data';
  const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), runId);
  if (run === undefined) throw new BrokerError('job', 'KEY_RELEASE_NO_JOB', `no run ${runId}`);
  if (!runWaits(purpose, run)) {
    const what = purpose === 'data' ? 'its data key' : 'a sealed model';
    throw new BrokerError(
      'run-state',
      'KEY_RELEASE_RUN_STATE',
      `the ${run.state} run does not wait for ${what}`,
    );
  }
  const dataset = await store.get<DatasetRecord>(store.sublevel(DATASETS_SUBLEVEL), run.dataset);
  if (dataset === undefined) {
    throw new BrokerError('key', 'KEY_RELEASE_KEY_UNAVAILABLE', `the run's dataset ${run.dataset} is gone`);
  }
  if (purpose === 'data') return { purpose, job, run, dataset };
  const model = await store.get<ModelRecord>(store.sublevel(MODELS_SUBLEVEL), run.model);
  if (model === undefined) {
    throw new BrokerError('key', 'KEY_RELEASE_KEY_UNAVAILABLE', `the run's model ${run.model} is gone`);
  }
  return { purpose, job, run, dataset, modelImage: model.image.digest };
}
