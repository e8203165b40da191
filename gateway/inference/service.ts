/**
 * Sealed inference (DESIGN.md 5 step 12, docs/node-protocol.md section 4):
 * the buyer of a settled run queues queries for its sealed model; a node
 * takes them as a predict job (the scheduler), runs them in a sealed
 * container that gets the model key only after attestation, and posts the
 * answers or a failure. The buyer reads the answers; never the model.
 */
import { utf8 } from '../../attest/index.js';
import { newId } from '../ids.js';
import { claimedJob, endJobOps } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import type { Scheduler } from '../nodes/scheduler.js';
import { loadModel } from '../runs/policy.js';
import type { RunRecord } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import type { Store } from '../store/index.js';
import type { EgressEntry, EgressGuard } from '../guard/index.js';
import type { BatchOp } from '../store/index.js';
import { put } from '../store/index.js';
import { InferenceError } from './errors.js';
import type { InferenceRecord } from './record.js';
import { INFERENCES_SUBLEVEL } from './record.js';

export interface InferenceDeps {
  readonly store: Store;
  /** Issue 5: the answers pass the egress guard before the buyer sees them. */
  readonly guard?: EgressGuard;
  readonly scheduler: Scheduler;
  readonly now: () => Date;
  readonly maxBytes: number;
}

/** Queue `inputs` (JSONL) for the sealed model of `run` (its buyer checked by the caller). */
export async function createInference(
  deps: InferenceDeps,
  run: RunRecord,
  inputs: string,
): Promise<InferenceRecord> {
  const { store } = deps;
  if (utf8(inputs).length > deps.maxBytes) {
    throw new InferenceError('INFERENCE_INPUT_TOO_LARGE', `inputs are limited to ${deps.maxBytes} bytes`);
  }
  if (run.state !== 'settled' || !run.output) {
    throw new InferenceError(
      'INFERENCE_RUN_NOT_SETTLED',
      'only a settled run with a sealed model answers queries',
    );
  }
  const model = await loadModel(store, run.model);
  if (!model.descriptor.entrypoints.predict) {
    throw new InferenceError('INFERENCE_NO_PREDICT', 'the model declares no predict entrypoint');
  }
  const at = deps.now();
  const record: InferenceRecord = {
    id: newId('inf', at),
    runId: run.id,
    buyer: run.buyer,
    state: 'queued',
    inputs,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
  await store.exclusive(() => store.write([put(store.sublevel(INFERENCES_SUBLEVEL), record.id, record)]));
  deps.scheduler.enqueue(record.id);
  return record;
}

/** The inference `id` if `account` is its buyer, else INFERENCE_NOT_FOUND (ids do not leak). */
export async function inferenceFor(store: Store, id: string, account: string): Promise<InferenceRecord> {
  const found = await store.get<InferenceRecord>(store.sublevel(INFERENCES_SUBLEVEL), id);
  if (found?.buyer !== account) throw new InferenceError('INFERENCE_NOT_FOUND', `no inference ${id}`);
  return found;
}

/** What a node reports at the end of a predict job. */
export type InferenceReport =
  | { readonly kind: 'answers'; readonly answers: readonly unknown[] }
  | { readonly kind: 'fail'; readonly code: string; readonly message: string };

/**
 * Record node `node`'s answers to (or failure of) inference `id`, with its job
 * ended, in one batch. The answers pass the egress guard first (channel
 * `answers`): a blocked answer is null; a `stop` fails the inference
 * (INFERENCE_FLAGGED) and the buyer gets no answer. Its log's head is signed.
 */
export async function finishInference(
  deps: InferenceDeps,
  node: NodeRecord,
  id: string,
  jobId: string,
  report: InferenceReport,
): Promise<InferenceRecord> {
  const { store } = deps;
  return store.exclusive(async () => {
    const job = await claimedJob(store, { jobId, nodeId: node.id, ownerId: id });
    const sub = store.sublevel(INFERENCES_SUBLEVEL);
    const inference = await store.get<InferenceRecord>(sub, id);
    if (inference?.state !== 'running')
      throw new InferenceError('INFERENCE_NOT_RUNNING', `${id} is not running`);
    const at = deps.now().toISOString();
    const { node: holder, ...rest } = inference;
    void holder; // a finished inference is held by no node
    let effective: InferenceReport = report;
    let guardOps: BatchOp[] = [];
    let logged: EgressEntry[] = [];
    if (report.kind === 'answers' && deps.guard) {
      const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), inference.runId);
      const guarded = await deps.guard.answersLocked(id, inference.runId, run?.dataset ?? '', report.answers);
      guardOps = guarded.ops;
      logged = guarded.entries;
      effective = guarded.stopped
        ? { kind: 'fail', code: 'INFERENCE_FLAGGED', message: 'the egress guard stopped the answers' }
        : { kind: 'answers', answers: guarded.answers };
    }
    const next: InferenceRecord =
      effective.kind === 'answers'
        ? { ...rest, state: 'answered', answers: [...effective.answers], updatedAt: at }
        : {
            ...rest,
            state: 'failed',
            reason: { code: effective.code, message: effective.message },
            updatedAt: at,
          };
    const ops = [
      put(sub, id, next),
      ...endJobOps(store, job, report.kind === 'answers' ? 'done' : 'failed', at),
    ];
    if (report.kind === 'answers') {
      ops.push(put(store.sublevel(NODES_SUBLEVEL), node.id, { ...node, jobsDone: (node.jobsDone ?? 0) + 1 }));
    }
    await store.write([...ops, ...guardOps]);
    if (deps.guard) {
      await deps.guard.committedAnswers(id, logged);
      await deps.guard.log.closeLocked(id, at);
    }
    return next;
  });
}
