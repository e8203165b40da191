/**
 * What a buyer asked of a run a node holds (docs/node-protocol.md section 2):
 * cancel, pause or resume, kept per run (sublevel `run-control`) and handed to
 * the node in every heartbeat reply's `control` until the run ends. The
 * latest request wins; a cancel is never replaced by a pause or a resume.
 */
import type { BatchOp, Store } from '../store/index.js';
import { del, put } from '../store/index.js';

export const RUN_CONTROL_SUBLEVEL = 'run-control';

export type ControlAction = 'cancel' | 'pause' | 'resume';

/** A request waiting for the node. */
export interface ControlRecord {
  readonly runId: string;
  readonly action: ControlAction;
  readonly at: string;
}

/** The run's pending request, if any. */
export function controlOf(store: Store, runId: string): Promise<ControlRecord | undefined> {
  return store.get<ControlRecord>(store.sublevel(RUN_CONTROL_SUBLEVEL), runId);
}

/** Record `action` for `runId` (inside the store's lock); a pending cancel stays. */
export async function requestControl(
  store: Store,
  runId: string,
  action: ControlAction,
  now: Date,
): Promise<ControlRecord> {
  const current = await controlOf(store, runId);
  if (current?.action === 'cancel') return current;
  const record: ControlRecord = { runId, action, at: now.toISOString() };
  await store.write([put(store.sublevel(RUN_CONTROL_SUBLEVEL), runId, record)]);
  return record;
}

/** The op that forgets the run's request (when the run ends or is requeued). */
export function clearControlOp(store: Store, runId: string): BatchOp {
  return del(store.sublevel(RUN_CONTROL_SUBLEVEL), runId);
}

/** Every pending cancel (for the sweeper's cancel timeout). */
export async function pendingCancels(store: Store): Promise<ControlRecord[]> {
  const all = (await store.sublevel(RUN_CONTROL_SUBLEVEL).values().all()) as ControlRecord[];
  return all.filter((c) => c.action === 'cancel');
}
