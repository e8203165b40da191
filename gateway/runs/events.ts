/**
 * A run's event log: every state it entered and every metric it emitted, in
 * one order (sublevel `run-events`, key `${runId}/${seq}`), so a follower that
 * reconnects with the last id it saw resumes exactly (the SSE `Last-Event-ID`
 * of the HTML Living Standard, "Server-sent events"). Appends are batch ops
 * written with the change they belong to; subscribers hear of an event only
 * after its batch is durable.
 */
import type { BatchOp, Store, Sublevel } from '../store/index.js';
import { put } from '../store/index.js';
import type { RunState } from './record.js';

export const RUN_EVENTS_SUBLEVEL = 'run-events';

/** A state the run entered. */
export interface RunStateEvent {
  readonly seq: number;
  readonly type: 'state';
  readonly state: RunState;
  readonly at: string;
  readonly reason?: { readonly code: string; readonly message: string };
}

/** A metric the model emitted (DESIGN.md 6.5), after the egress guard let it through. */
export interface RunMetricEvent {
  readonly seq: number;
  readonly type: 'metric';
  readonly metric: string;
  readonly step: number;
  readonly value: number;
  readonly at: string;
}

// issue 5: released log lines and the guard's flags (docs/egress-protocol.md section 4)
/** A log line the model wrote, released by the egress guard (only when the policy allows logs). */
export interface RunLogEvent {
  readonly seq: number;
  readonly type: 'log';
  readonly text: string;
  readonly at: string;
}

/** An egress record the guard flagged: by keyed hash, never plaintext. */
export interface RunFlagEvent {
  readonly seq: number;
  readonly type: 'flag';
  /** The egress record's seq (in the job's egress log). */
  readonly egressSeq: number;
  readonly rule: string;
  readonly action: string;
  readonly token?: string;
  readonly at: string;
}

export type RunEventRecord = RunStateEvent | RunMetricEvent | RunLogEvent | RunFlagEvent;

/** A subscriber: called with each event after it is stored. */
export type RunEventListener = (event: RunEventRecord) => void;

// Ten digits keep keys in numeric order for any run's lifetime.
function eventKey(runId: string, seq: number): string {
  return `${runId}/${String(seq).padStart(10, '0')}`;
}

/** The event log of every run, and its live subscribers. */
export class RunEventLog {
  readonly #sub: Sublevel;
  readonly #listeners = new Map<string, Set<RunEventListener>>();
  readonly #everyRun = new Set<(runId: string, event: RunEventRecord) => void>();

  constructor(store: Store) {
    this.#sub = store.sublevel(RUN_EVENTS_SUBLEVEL);
  }

  /** The seq of the run's last event (0 when none); read it with the store's lock held. */
  async lastSeq(runId: string): Promise<number> {
    for await (const value of this.#sub.values({
      gt: `${runId}/`,
      lt: `${runId}/~`,
      reverse: true,
      limit: 1,
    }))
      return (value as RunEventRecord).seq;
    return 0;
  }

  /** The batch op that appends `event`. */
  appendOp(runId: string, event: RunEventRecord): BatchOp {
    return put(this.#sub, eventKey(runId, event.seq), event);
  }

  /** The run's stored events with seq > `after`, in order. */
  async read(runId: string, after = 0): Promise<RunEventRecord[]> {
    const events: RunEventRecord[] = [];
    const gt = eventKey(runId, Math.max(0, Math.floor(after)));
    for await (const value of this.#sub.values({ gt, lt: `${runId}/~` }))
      events.push(value as RunEventRecord);
    return events;
  }

  /** Listen to the run's new events; returns the unsubscribe function. */
  subscribe(runId: string, listener: RunEventListener): () => void {
    let set = this.#listeners.get(runId);
    if (!set) this.#listeners.set(runId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(runId);
    };
  }

  /** Listen to every run's new events (the scheduler wakes on `queued`); returns the unsubscribe function. */
  subscribeAll(listener: (runId: string, event: RunEventRecord) => void): () => void {
    this.#everyRun.add(listener);
    return () => this.#everyRun.delete(listener);
  }

  /** Tell the run's subscribers about `event` (after its batch is written). */
  publish(runId: string, event: RunEventRecord): void {
    for (const listener of [...(this.#listeners.get(runId) ?? [])]) listener(event);
    for (const listener of [...this.#everyRun]) listener(runId, event);
  }

  /** How many subscribers the run has (for tests and metrics). */
  subscribers(runId: string): number {
    return this.#listeners.get(runId)?.size ?? 0;
  }
}
