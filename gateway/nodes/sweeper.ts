/**
 * The fault sweeper (docs/node-protocol.md section 4, DESIGN.md 9 "a node
 * that never confirms the start triggers a full refund"): each sweep looks at
 * every active job and
 * - when its node's last heartbeat is older than nodeTimeoutSeconds, or its
 *   run is still placed/sealing startConfirmSeconds after the job was handed
 *   out, records a fault on the node, abandons the job and requeues the run
 *   (or inference) - or fails and refunds it once it has had maxAttempts jobs;
 * - when the buyer's cancel has waited nodeTimeoutSeconds for the node's
 *   confirmation, cancels the run;
 * - when its run already ended (cancelled before sealing, say), ends the job.
 * Each case is one batch under the store's lock. The clock is injected;
 * buildApp calls `sweep()` on a timer, tests call it directly.
 */
import { AUDITS_SUBLEVEL } from '../audit/record.js';
import type { InferenceRecord } from '../inference/record.js';
import { INFERENCES_SUBLEVEL } from '../inference/record.js';
import type { NormalizedOptions } from '../options.js';
import type { RunStateEvent } from '../runs/events.js';
import { isFinal } from '../runs/machine.js';
import type { RunRecord } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { clearControlOp, controlOf } from './control.js';
import { activeJobs, attempts, endJobOps } from './jobs.js';
import type { JobRecord, NodeFault, NodeRecord } from './records.js';
import { NODES_SUBLEVEL } from './records.js';
// penalties (docs/bonds-and-placement.md)
import { penaltyProposalOps } from '../bonds/records.js';

export interface SweeperDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly options: NormalizedOptions;
  /** Called with an inference id that went back to the queue. */
  readonly requeued: (id: string) => void;
}

/** What one sweep did, for tests and logs. */
export interface SweepResult {
  readonly requeued: string[];
  readonly failed: string[];
  readonly cancelled: string[];
  readonly ended: string[];
}

export class Sweeper {
  readonly #deps: SweeperDeps;

  constructor(deps: SweeperDeps) {
    this.#deps = deps;
  }

  /** One pass over every active job. */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { requeued: [], failed: [], cancelled: [], ended: [] };
    const { store, runs } = this.#deps;
    const published: [string, RunStateEvent][] = [];
    await store.exclusive(async () => {
      for (const job of await activeJobs(store)) {
        const event = await this.#sweepJob(job, result);
        if (event) published.push([job.runId, event]);
      }
    });
    for (const [runId, event] of published) runs.events.publish(runId, event);
    return result;
  }

  async #sweepJob(job: JobRecord, result: SweepResult): Promise<RunStateEvent | undefined> {
    const { store, runs, options } = this.#deps;
    const now = options.now();
    const at = now.toISOString();
    const node = await store.get<NodeRecord>(store.sublevel(NODES_SUBLEVEL), job.nodeId);
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), job.runId);
    if (!node || !run) return undefined;
    const age = (since: string | undefined): number => (since ? now.getTime() - Date.parse(since) : Infinity);
    const owner = job.inferenceId ?? job.auditId ?? job.runId;

    if (job.kind === 'train' && isFinal(run.state)) {
      await store.write(endJobOps(store, job, 'failed', at));
      result.ended.push(job.id);
      return undefined;
    }
    const cancel = job.kind === 'train' ? await controlOf(store, run.id) : undefined;
    if (cancel?.action === 'cancel' && age(cancel.at) >= options.nodeTimeoutSeconds * 1000) {
      const reason = {
        code: 'RUN_CANCELLED',
        message: 'cancelled by the buyer; the node did not confirm in time',
      };
      const done = await runs.transitionLocked(run.id, 'cancel', { reason }, () => [
        ...endJobOps(store, job, 'abandoned', at),
        clearControlOp(store, run.id),
      ]);
      result.cancelled.push(run.id);
      return done.published;
    }
    const offline = age(node.lastHeartbeat ?? job.createdAt) >= options.nodeTimeoutSeconds * 1000;
    const unconfirmed =
      job.kind === 'train' &&
      (run.state === 'placed' || run.state === 'sealing') &&
      age(job.createdAt) >= options.startConfirmSeconds * 1000;
    if (!offline && !unconfirmed) return undefined;

    const fault: NodeFault = { runId: owner, kind: offline ? 'offline' : 'unconfirmed', at };
    const faulted: NodeRecord = {
      ...node,
      faults: [...node.faults, fault],
      jobsAbandoned: (node.jobsAbandoned ?? 0) + 1,
    };
    const ops: BatchOp[] = [
      ...endJobOps(store, job, 'abandoned', at),
      put(store.sublevel(NODES_SUBLEVEL), node.id, faulted),
      // going offline during a run, or never confirming its start, proposes a penalty
      ...(await penaltyProposalOps(
        store,
        options.economics,
        {
          nodeId: node.id,
          cause: offline ? 'offline' : 'failed-run',
          runId: owner,
          jobId: job.id,
          buyer: run.buyer,
          code: fault.kind,
          ...(offline ? { offlineSince: node.lastHeartbeat ?? job.createdAt } : {}),
        },
        now,
      )),
    ];
    const exhausted = (await attempts(store, owner)) >= options.maxAttempts;
    if (job.inferenceId !== undefined) return this.#sweepInference(job.inferenceId, exhausted, ops, result);
    if (job.auditId !== undefined)
      return this.#sweepInference(job.auditId, exhausted, ops, result, AUDITS_SUBLEVEL, 'AUDIT_NODE_FAULT');
    if (exhausted) {
      const reason = {
        code: 'RUN_NODE_FAULT',
        message: `the node went ${fault.kind} and the run had ${options.maxAttempts} attempts`,
      };
      const failed = await runs.transitionLocked(run.id, 'fail', { reason }, () => [
        ...ops,
        clearControlOp(store, run.id),
      ]);
      result.failed.push(run.id);
      return failed.published;
    }
    const requeued = await runs.transitionLocked(run.id, 'requeue', {}, () => [
      ...ops,
      clearControlOp(store, run.id),
    ]);
    result.requeued.push(run.id);
    return requeued.published;
  }

  async #sweepInference(
    id: string,
    exhausted: boolean,
    ops: BatchOp[],
    result: SweepResult,
    sublevel = INFERENCES_SUBLEVEL,
    code = 'INFERENCE_NODE_FAULT',
  ): Promise<undefined> {
    const { store, options } = this.#deps;
    // An audit (gateway/audit) is swept like an inference: its record has the same state fields.
    const sub = store.sublevel(sublevel);
    const inference = await store.get<InferenceRecord>(sub, id);
    if (!inference) return undefined;
    const { node: holder, ...rest } = inference;
    void holder; // back in the queue (or failed): held by no node
    const next: InferenceRecord = exhausted
      ? {
          ...rest,
          state: 'failed',
          reason: { code, message: 'the node went offline' },
          updatedAt: options.now().toISOString(),
        }
      : { ...rest, state: 'queued', updatedAt: options.now().toISOString() };
    await store.write([...ops, put(sub, id, next)]);
    if (exhausted) result.failed.push(id);
    else {
      result.requeued.push(id);
      this.#deps.requeued(id);
    }
    return undefined;
  }
}
