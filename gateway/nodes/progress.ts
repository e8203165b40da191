/**
 * What a node reports about a train job (docs/node-protocol.md section 4):
 * completion (the sealed output
 * uploaded, the usage receipt verified, then seal-output and settle) and
 * failure (the run fails and the buyer is refunded). Every report names a
 * job that must be the calling node's, for the run in the path, and active.
 */
import type { UsageReceipt } from '../../attest/index.js';
import { base64ToBytes, verifyUsageReceipt } from '../../attest/index.js';
import type { BlobStore } from '../blobs/index.js';
import type { RunStateEvent } from '../runs/events.js';
import type { RunRecord } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
import type { BatchOp, Store } from '../store/index.js';
import type { ModelRecord } from '../models/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';
import type { PricingService } from '../pricing/service.js';
import { put } from '../store/index.js';
import { clearControlOp, controlOf } from './control.js';
import { NodeError } from './errors.js';
import { claimedJob, endJobOps } from './jobs.js';
import type { NodeRecord } from './records.js';
import { DEPLOYMENTS_SUBLEVEL, NODES_SUBLEVEL, RECEIPTS_SUBLEVEL } from './records.js';
// penalties and debt (docs/bonds-and-placement.md)
import type { EconomicsParameters } from '../../policies/index.js';
import { penaltyProposalOps } from '../bonds/records.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';

/** Failure codes that are the node's fault (the agent's own, not the model's): they propose a penalty. */
export const NODE_FAULT_CODES: readonly string[] = [
  'RUN_NODE_ERROR',
  'RUN_NODE_STOPPED',
  'RUN_SANDBOX_REFUSED',
];

/** A completion report. */
export interface Completion {
  readonly jobId: string;
  readonly output: NonNullable<RunRecord['output']>;
  readonly receipt: { readonly body: UsageReceipt; readonly signature: string };
}

export interface ProgressDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly blobs: BlobStore;
  readonly now: () => Date;
  /** Penalties for node-fault failures, and debt repaid from settlements. */
  readonly economics?: EconomicsParameters;
  readonly bonds?: { collectFromSettlementLocked(runId: string, nodeId: string): Promise<void> };
  /** Measured speeds for unit costs (issue 6): each completion's steps and duration. */
  readonly pricing?: Pick<PricingService, 'observeLocked'>;
}

// Signed by this node's key (attest/receipt.ts), and about this run, job and node.
function checkReceipt(node: NodeRecord, runId: string, jobId: string, receipt: Completion['receipt']): void {
  const publicKey = base64ToBytes(node.publicKey);
  if (!publicKey || !verifyUsageReceipt(receipt, publicKey)) {
    throw new NodeError('NODE_RECEIPT_INVALID', 'the usage receipt is not signed by this node');
  }
  const b = receipt.body;
  if (
    b.runId !== runId ||
    b.jobId !== jobId ||
    b.nodeId !== node.id ||
    b.deployment.nodeAddress !== node.id
  ) {
    throw new NodeError('NODE_RECEIPT_MISMATCH', 'the usage receipt names another run, job or node');
  }
}

// The speed observation of a completion (gateway/pricing/service.ts), for the seal-output batch.
async function speedOp(
  deps: ProgressDeps,
  nodeId: string,
  runId: string,
  r: UsageReceipt,
): Promise<BatchOp[]> {
  const run = await deps.runs.get(runId);
  const model = await deps.store.get<ModelRecord>(deps.store.sublevel(MODELS_SUBLEVEL), run.model);
  if (!model || !deps.pricing) return [];
  return [await deps.pricing.observeLocked(nodeId, model, { steps: r.steps, seconds: r.durationSeconds })];
}

/**
 * Complete a train job: the receipt verified and the output blob present
 * before anything is written; then seal-output (with the output, the receipt,
 * the deployment record and the job done) and settle with the receipt's usage.
 */
export async function completeRun(
  deps: ProgressDeps,
  node: NodeRecord,
  runId: string,
  report: Completion,
): Promise<RunRecord> {
  const { store, runs } = deps;
  checkReceipt(node, runId, report.jobId, report.receipt);
  const stored = await deps.blobs.stat(report.output.digest);
  if (stored?.size !== report.output.size) {
    throw new NodeError('NODE_OUTPUT_MISSING', 'upload the output blob (PUT /v1/node/blobs/:digest) first');
  }
  const published: RunStateEvent[] = [];
  const run = await store.exclusive(async () => {
    const job = await claimedJob(store, { jobId: report.jobId, nodeId: node.id, ownerId: runId });
    const at = deps.now().toISOString();
    const r = report.receipt.body;
    // issue 6: the receipt's steps over its duration update the node's speed on this model
    const speedOps = deps.pricing ? await speedOp(deps, node.id, runId, r) : [];
    const sealed = await runs.transitionLocked(runId, 'seal-output', { output: report.output }, () => [
      ...speedOps,
      put(store.sublevel(RECEIPTS_SUBLEVEL), runId, report.receipt),
      put(store.sublevel(DEPLOYMENTS_SUBLEVEL), runId, { ...r.deployment, runId }),
      ...endJobOps(store, job, 'done', at),
      put(store.sublevel(NODES_SUBLEVEL), node.id, { ...node, jobsDone: (node.jobsDone ?? 0) + 1 }),
      clearControlOp(store, runId),
    ]);
    if (sealed.published) published.push(sealed.published);
    const usage = {
      steps: r.steps,
      cpuSeconds: r.cpuSeconds,
      gpuSeconds: r.gpuSeconds,
      seconds: r.durationSeconds,
    };
    const settled = await runs.transitionLocked(runId, 'settle', { usage });
    if (settled.published) published.push(settled.published);
    await deps.bonds?.collectFromSettlementLocked(runId, node.id); // debt is repaid first
    return settled.run;
  });
  for (const event of published) runs.events.publish(runId, event);
  return run;
}

/**
 * A train job failed on the node: the run fails (or, when the buyer asked
 * to cancel and the node confirms with RUN_CANCELLED, is cancelled), the
 * buyer is refunded and the job is marked failed, in one batch.
 */
export async function failRun(
  deps: ProgressDeps,
  node: NodeRecord,
  runId: string,
  report: { readonly jobId: string; readonly code: string; readonly message: string },
): Promise<RunRecord> {
  const { store, runs } = deps;
  const { run, published } = await store.exclusive(async () => {
    const job = await claimedJob(store, { jobId: report.jobId, nodeId: node.id, ownerId: runId });
    const cancelled = report.code === 'RUN_CANCELLED' && (await controlOf(store, runId))?.action === 'cancel';
    const reason = { code: report.code, message: report.message };
    const now = deps.now();
    const at = now.toISOString();
    // a failure that is the node's fault proposes a penalty in the same batch
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), runId);
    const penalty =
      deps.economics && run && !cancelled && NODE_FAULT_CODES.includes(report.code)
        ? await penaltyProposalOps(
            store,
            deps.economics,
            {
              nodeId: node.id,
              cause: 'failed-run',
              runId,
              jobId: job.id,
              buyer: run.buyer,
              code: report.code,
            },
            now,
          )
        : [];
    return runs.transitionLocked(runId, cancelled ? 'cancel' : 'fail', { reason }, () => [
      ...endJobOps(store, job, 'failed', at),
      clearControlOp(store, runId),
      ...penalty,
    ]);
  });
  if (published) runs.events.publish(runId, published);
  return run;
}
