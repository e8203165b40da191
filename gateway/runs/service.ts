/**
 * RunService: the one place a run changes (issue 3). Each transition is
 * decided by the pure machine (machine.ts) and written in ONE batch with its
 * event and its ledger effect — settle: the used amount split and the rest
 * refunded (`settle:${runId}`); fail, cancel, flag: a full refund
 * (`refund:${runId}`). A repeated transition returns the run unchanged. The
 * node API (issue 4) and the egress guard (issue 5) call it through the
 * gateway context (`app.gateway.runs`).
 */
import type { Ledger, TransactionInput } from '../ledger/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import type { MetricInput, TransitionDetails } from './details.js';
import { checkDetails, checkMetric } from './details.js';
import { refundTransaction, settleTransaction } from './effects.js';
import { RunError } from './errors.js';
import type { RunEventRecord, RunMetricEvent, RunStateEvent } from './events.js';
import { RunEventLog } from './events.js';
import type { RunEvent } from './machine.js';
import { decide } from './machine.js';
import type { OrderDeps, QuoteRequest } from './orders.js';
import { RUN_PARTIES_SUBLEVEL, createQuote, partyKey, startRun } from './orders.js';
import type { QuoteRecord, RunRecord } from './record.js';
import { RUNS_SUBLEVEL } from './record.js';

/** What the service is built from (the event log is its own). */
export type RunServiceDeps = Omit<OrderDeps, 'events'>;

/** A page of runs. */
export interface RunPage {
  readonly items: RunRecord[];
  /** The cursor of the next page, or null at the end. */
  readonly next: string | null;
}

export class RunService {
  /** The runs' event log and its live subscribers. */
  readonly events: RunEventLog;
  readonly #deps: OrderDeps;
  readonly #store: Store;
  readonly #ledger: Ledger;

  constructor(deps: RunServiceDeps) {
    this.events = new RunEventLog(deps.store);
    this.#deps = { ...deps, events: this.events };
    this.#store = deps.store;
    this.#ledger = deps.ledger;
  }

  /** Price a run for `buyer` (see orders.ts). */
  quote(buyer: string, request: QuoteRequest): Promise<QuoteRecord> {
    return createQuote(this.#deps, buyer, request);
  }

  /** Start a run from `buyer`'s quote, escrowing its price (see orders.ts). */
  async start(buyer: string, quoteId: string): Promise<RunRecord> {
    const run = await startRun(this.#deps, buyer, quoteId);
    // issue 4: the scheduler's waiting nodes hear of the new queued run (its first event, seq 1)
    this.events.publish(run.id, { seq: 1, type: 'state', state: 'queued', at: run.createdAt });
    return run;
  }

  /** The run `id`, or RUN_NOT_FOUND. */
  async get(id: string): Promise<RunRecord> {
    const run = await this.#store.get<RunRecord>(this.#store.sublevel(RUNS_SUBLEVEL), id);
    if (!run) throw new RunError('RUN_NOT_FOUND', `no run ${id}`);
    return run;
  }

  /**
   * Apply `event` to run `runId` with its ledger effect, atomically. A run
   * already in the event's target state is returned unchanged (a retried
   * request); a transition the machine refuses throws its code. `extraOps(next)`
   * go into the same batch (the deployment record of a `start`).
   */
  async transition(
    runId: string,
    event: RunEvent,
    details: TransitionDetails = {},
    extraOps?: (next: RunRecord) => BatchOp[],
  ): Promise<RunRecord> {
    const { run, published } = await this.#store.exclusive(() =>
      this.transitionLocked(runId, event, details, extraOps),
    );
    if (published) this.events.publish(runId, published);
    return run;
  }

  /**
   * {@link transition} for a caller that already holds the store's lock
   * (issue 4: the scheduler places a run and writes its job in one batch).
   * `extraOps(next)` are written in the same batch as the run; the caller
   * publishes `published` (if any) once the lock is released.
   */
  async transitionLocked(
    runId: string,
    event: RunEvent,
    details: TransitionDetails = {},
    extraOps: (next: RunRecord) => BatchOp[] = () => [],
  ): Promise<{ run: RunRecord; published?: RunStateEvent }> {
    const run = await this.get(runId);
    const decision = decide(run.state, event);
    if (decision.kind === 'repeat') return { run };
    const fields = checkDetails(event, details);
    const at = this.#deps.now().toISOString();
    let next: RunRecord = {
      ...run,
      ...fields,
      state: decision.to,
      history: [...run.history, { state: decision.to, at }],
      updatedAt: at,
    };
    if (event === 'requeue') {
      // issue 4: back in the queue, held by no node
      const { node, miner, ...rest } = next;
      void [node, miner];
      next = rest;
    }
    let tx: TransactionInput | undefined;
    if (event === 'settle') {
      // place always precedes settle, so the run has its node; the node's miner is paid (issue 4),
      // or, for runs placed before nodes existed, the account named as the node (docs/runs.md)
      // issue 6: the whole receipt and the output's size, for runs priced by use
      const used = next.usage ? { ...next.usage, outputBytes: run.output?.size ?? 0 } : 0;
      const settled = settleTransaction(run, run.miner ?? (run.node as string), used);
      tx = settled.tx;
      next = { ...next, settlement: settled.settlement };
    } else if (decision.to === 'failed' || decision.to === 'cancelled' || decision.to === 'flagged') {
      tx = refundTransaction(run, decision.to);
    }
    const stateEvent: RunStateEvent = {
      seq: (await this.events.lastSeq(runId)) + 1,
      type: 'state',
      state: decision.to,
      at,
      ...(next.reason && decision.to !== 'settled' ? { reason: next.reason } : {}),
    };
    const ops = [
      put(this.#store.sublevel(RUNS_SUBLEVEL), runId, next),
      this.events.appendOp(runId, stateEvent),
      ...extraOps(next),
    ];
    const committed = tx ? await this.#ledger.commitLocked([tx], ops) : undefined;
    // the effect was already on the ledger (it cannot be, as both are one batch): record the state anyway
    if (!tx || committed?.applied === false) await this.#store.write(ops);
    return { run: next, published: stateEvent };
  }

  /**
   * Store a metric record of a running run (after the egress guard let it
   * through) and tell the run's followers. RUN_NOT_RUNNING outside
   * running / sealing-output.
   */
  async appendMetric(runId: string, input: MetricInput): Promise<RunMetricEvent> {
    const metric = checkMetric(input);
    const event = await this.#store.exclusive(async () => {
      const run = await this.get(runId);
      if (run.state !== 'running' && run.state !== 'sealing-output') {
        throw new RunError('RUN_NOT_RUNNING', `a ${run.state} run takes no metrics`);
      }
      const event: RunMetricEvent = {
        seq: (await this.events.lastSeq(runId)) + 1,
        type: 'metric',
        ...metric,
        at: this.#deps.now().toISOString(),
      };
      await this.#store.write([this.events.appendOp(runId, event)]);
      return event;
    });
    this.events.publish(runId, event);
    return event;
  }

  /** The run's events after seq `after`. */
  history(runId: string, after = 0): Promise<RunEventRecord[]> {
    return this.events.read(runId, after);
  }

  /**
   * `account`'s runs as buyer or seller, newest first, up to `limit` strictly
   * older than `cursor` (a run id); `next` is the cursor of the following
   * page, or null when no further run exists (as the catalog's pages).
   */
  async list(account: string, side: 'buyer' | 'seller', limit: number, cursor?: string): Promise<RunPage> {
    const parties = this.#store.sublevel(RUN_PARTIES_SUBLEVEL);
    const prefix = partyKey(side, account, '');
    const lt = cursor === undefined ? `${prefix}~` : partyKey(side, account, cursor);
    const ids = (await parties.values({ gt: prefix, lt, reverse: true, limit: limit + 1 }).all()) as string[];
    const more = ids.length > limit;
    const items = await Promise.all(ids.slice(0, limit).map((id) => this.get(id)));
    return { items, next: more ? items[items.length - 1].id : null };
  }
}
