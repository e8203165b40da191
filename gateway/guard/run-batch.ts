/**
 * What a run's evaluated batch does (docs/egress-protocol.md section 4 steps
 * 4 and 5): its entries are logged, its released metrics and log lines and
 * every flag become run events for the buyer, its flags reach the seller,
 * and a `stop` moves the run to `flagged` with its refund and ends its job
 * (docs/guard.md, "Stop atomicity"). Call with the store's lock held; the
 * caller publishes the events once the lock is released.
 */
import { clearControlOp } from '../nodes/control.js';
import { endJobOps } from '../nodes/jobs.js';
import type { JobRecord } from '../nodes/records.js';
import type { RunEventRecord } from '../runs/events.js';
import type { Evaluation } from './evaluate.js';
import { entryFlagOps } from './flags.js';
import type { EgressEntry } from './records.js';
import type { GuardDeps } from './state.js';

/** What committing a run's batch did. */
export interface RunBatch {
  /** True when a record stopped the run: it is `flagged` and its job ended. */
  readonly stopped: boolean;
  /** The run events written, to publish to the buyer's stream. */
  readonly published: RunEventRecord[];
}

/** The buyer's events of `result`'s entries, numbered after `lastSeq`: released bodies and every flag. */
export function runEvents(result: Evaluation, lastSeq: number, at: string): RunEventRecord[] {
  let seq = lastSeq;
  const events: RunEventRecord[] = [];
  for (const entry of result.entries) {
    const body = result.bodies.get(entry.seq);
    if (body?.channel === 'metrics') {
      events.push({
        seq: ++seq,
        type: 'metric',
        metric: body.metric,
        step: body.step,
        value: body.value,
        at,
      });
    } else if (body?.channel === 'logs') {
      events.push({ seq: ++seq, type: 'log', text: body.text, at });
    }
    for (const f of entry.flags) {
      events.push({
        seq: ++seq,
        type: 'flag',
        egressSeq: entry.seq,
        rule: f.rule,
        action: f.action,
        ...(f.token === undefined ? {} : { token: f.token }),
        at,
      });
    }
  }
  return events;
}

/** The reason a run is flagged with: the stopping record and the rules whose action is `stop`. */
export function stopReason(stop: EgressEntry): { code: string; message: string } {
  const rules = [...new Set(stop.flags.filter((f) => f.action === 'stop').map((f) => f.rule))].join(', ');
  return { code: 'GUARD_STOPPED', message: `egress record ${stop.seq} broke ${rules}` };
}

/**
 * Write `job`'s evaluated batch; with a stop, in two batches: the records
 * before it with their events and flags, then the stopping entry with the
 * flag transition, its refund and the job's end (the run's event seq is read
 * from the store, so the state event has to follow the record events).
 */
export async function commitRunBatch(
  deps: GuardDeps,
  job: JobRecord,
  datasetId: string,
  result: Evaluation,
): Promise<RunBatch> {
  const { store, runs, log } = deps;
  const runId = job.runId;
  const at = deps.now().toISOString();
  const events = runEvents(result, await runs.events.lastSeq(runId), at);
  const before = result.stop ? result.entries.slice(0, -1) : result.entries;
  await store.write([
    ...log.appendOps(result.beforeStop, before, result.bodies),
    ...events.map((e) => runs.events.appendOp(runId, e)),
    ...entryFlagOps(store, { datasetId, runId }, result.entries, at),
  ]);
  await log.committed(runId, before);
  const published = [...events];
  const stop = result.stop;
  if (!stop) return { stopped: false, published };
  const flagged = await runs.transitionLocked(runId, 'flag', { reason: stopReason(stop) }, () => [
    ...log.appendOps(result.state, [stop], result.bodies),
    ...endJobOps(store, job, 'failed', at),
    clearControlOp(store, runId),
  ]);
  await log.committed(runId, [stop]);
  if (flagged.published) published.push(flagged.published);
  return { stopped: true, published };
}
