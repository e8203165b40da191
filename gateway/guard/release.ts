/**
 * The release of records held back for a partial match once their stream is
 * over (docs/guard.md, "Holding back a partial match"): no open match can
 * complete any more, so every held record is logged with the verdict of its
 * own flags and, unless they block it, released. A run's stream ends when
 * its job reports its end (`endEgress`); an owner that ends without that
 * (its job never reported) is flushed when its log closes, and the buyer's
 * stream has ended by then. The hold-back itself is in evaluate.ts.
 */
import type { EgressPolicy } from '../../policies/index.js';
import { claimedJob } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import type { RunEventRecord } from '../runs/events.js';
import type { Evaluation } from './evaluate.js';
import { evaluate } from './evaluate.js';
import { entryFlagOps, flagOwnerOf } from './flags.js';
import type { EgressState } from './records.js';
import { commitRunBatch } from './run-batch.js';
import type { GuardDeps } from './state.js';
import { guardedDataset, takesEgress } from './state.js';

/** The end of `state`'s stream: every record it holds, logged in seq order (no scanner: nothing new is read). */
export function endOfStream(
  state: EgressState,
  policy: EgressPolicy,
  declared: readonly string[],
): Evaluation {
  return evaluate([], state, { policy, declared, scanner: undefined, final: true });
}

/**
 * Release what run `runId` holds when its job `jobId` ended on `node`; the
 * run events to publish. A run that holds nothing, or is not running any
 * more, is left as it is; a wrong job, node or run is left to complete/fail
 * to refuse, with their own codes. Call with the store's lock held.
 */
export async function releaseAtJobEndLocked(
  deps: GuardDeps,
  node: NodeRecord,
  runId: string,
  jobId: string,
): Promise<RunEventRecord[]> {
  const state = await deps.log.state(runId);
  if (!state?.held?.length) return [];
  const job = await claimedJob(deps.store, { jobId, nodeId: node.id, ownerId: runId }).catch(() => undefined);
  const run = await deps.runs.get(runId).catch(() => undefined);
  if (!job || !run || !takesEgress(run)) return [];
  const dataset = await guardedDataset(deps.store, run.dataset);
  const result = endOfStream(state, dataset.policy.egress, job.model.metrics);
  return (await commitRunBatch(deps, job, dataset.id, result)).published;
}

/**
 * Release what an ending owner still holds (its job never reported its end):
 * the entries and the seller's flags are written; the state after them.
 * Call with the store's lock held.
 */
export async function releaseAtCloseLocked(deps: GuardDeps, state: EgressState): Promise<EgressState> {
  if (!state.held?.length) return state;
  const { store, log } = deps;
  const dataset = await guardedDataset(store, state.datasetId);
  const result = endOfStream(state, dataset.policy.egress, []);
  const at = deps.now().toISOString();
  await store.write([
    ...log.appendOps(result.state, result.entries, result.bodies),
    ...entryFlagOps(store, flagOwnerOf(state), result.entries, at),
  ]);
  await log.committed(state.owner, result.entries);
  return result.state;
}
