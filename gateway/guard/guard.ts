/**
 * The egress guard at the gateway (docs/egress-protocol.md sections 3 and 4):
 * every egress record of a run, posted by its node in seq order, and every
 * answer of a sealed inference, passes schema, budget and the scanner; each
 * is logged; released metrics and log lines reach the buyer's event stream;
 * flags reach the seller; a `stop` moves the run to `flagged` (its refund in
 * the same batch, gateway/runs/machine.ts) and ends its job. When a run or an
 * inference ends its log gets a signed head.
 *
 * Bad input from a node (seq gaps or repeats, another node's job, a run not
 * running) is refused with a code before anything changes.
 */
import type { EgressPolicy } from '../../policies/index.js';
import type { DatasetRecord } from '../datasets/record.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import { clearControlOp } from '../nodes/control.js';
import { claimedJob, endJobOps } from '../nodes/jobs.js';
import type { JobRecord, NodeRecord } from '../nodes/records.js';
import { RunError } from '../runs/errors.js';
import type { RunEventRecord } from '../runs/events.js';
import { isFinal } from '../runs/machine.js';
import type { RunService } from '../runs/service.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { GuardError } from './errors.js';
import type { Evaluation } from './evaluate.js';
import { evaluate } from './evaluate.js';
import type { EgressLog } from './log.js';
import type {
  DatasetFlag,
  GuardRule,
  EgressBody,
  EgressEntry,
  EgressInput,
  EgressState,
  SignedEgressHead,
} from './records.js';
import { DATASET_FLAGS_SUBLEVEL } from './records.js';
import type { EgressScanner, ScannerSource } from './scanner.js';

/** What the guard is built from. */
export interface GuardDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly log: EgressLog;
  readonly scanners: ScannerSource;
  readonly now: () => Date;
}

/** The guard's answer to a node's post. */
export interface EgressReply {
  /** True when the run was stopped: the node stops the container; the run has ended. */
  readonly stop: boolean;
}

/** A sealed inference's answers after the guard: a blocked answer is null. */
export interface GuardedAnswers {
  readonly answers: (number | null)[];
  readonly stopped: boolean;
  /** Ops to write with the inference's own change. */
  readonly ops: BatchOp[];
  readonly entries: EgressEntry[];
}

/** Checks that `records` continue the log at `size`, one seq after another. */
export function checkSeqs(records: readonly { seq: number }[], size: number): void {
  records.forEach((r, i) => {
    const expected = size + i;
    if (r.seq < expected)
      throw new GuardError('GUARD_SEQ_REPEAT', `seq ${r.seq} is already logged (next ${expected})`);
    if (r.seq > expected)
      throw new GuardError('GUARD_SEQ_GAP', `seq ${r.seq} leaves a gap (next ${expected})`);
  });
}

export class EgressGuard {
  /** The scanner of each open owner (its stream state lives in memory). */
  readonly #scanners = new Map<string, EgressScanner | undefined>();

  constructor(private readonly deps: GuardDeps) {
    // A run that ended (settled, failed, cancelled, flagged) gets its signed head.
    deps.runs.events.subscribeAll((runId, event) => {
      if (event.type === 'state' && isFinal(event.state)) void this.closeOwner(runId).catch(() => undefined);
    });
  }

  /** The log (for the report: entries, bodies, proofs, heads). */
  get log(): EgressLog {
    return this.deps.log;
  }

  /**
   * A node's egress records for `runId`'s job `jobId`, in order: guarded,
   * logged, released or not; `stop` when a record stopped the run.
   */
  async runEgress(
    node: NodeRecord,
    runId: string,
    jobId: string,
    records: readonly EgressInput[],
  ): Promise<EgressReply> {
    const { store, runs } = this.deps;
    const published: RunEventRecord[] = [];
    const stopped = await store.exclusive(async () => {
      const job = await claimedJob(store, { jobId, nodeId: node.id, ownerId: runId });
      const run = await runs.get(runId);
      if (run.state !== 'running' && run.state !== 'sealing-output') {
        throw new RunError('RUN_NOT_RUNNING', `a ${run.state} run takes no egress`);
      }
      const dataset = await this.#dataset(run.dataset);
      const state = await this.#state(runId, runId, dataset.id);
      checkSeqs(records, state.size + (state.held?.length ?? 0));
      const result = evaluate(records, state, {
        policy: dataset.policy.egress,
        declared: job.model.metrics,
        scanner: await this.#scanner(runId, dataset),
      });
      return this.#commitRun(job, dataset, result, published);
    });
    for (const event of published) runs.events.publish(runId, event);
    if (stopped) await this.closeOwner(runId);
    return { stop: stopped };
  }

  // Writes a run's evaluated batch; with a stop, in two batches: the records before it with their
  // events and flags, then the stopping entry with the flag transition, its refund and the job's end.
  async #commitRun(
    job: JobRecord,
    dataset: DatasetRecord,
    result: Evaluation,
    published: RunEventRecord[],
  ): Promise<boolean> {
    const { store, runs, log } = this.deps;
    const runId = job.runId;
    const at = this.deps.now().toISOString();
    let seq = await runs.events.lastSeq(runId);
    const events: RunEventRecord[] = [];
    const before = result.stop ? result.entries.slice(0, -1) : result.entries;
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
    const ops = [
      ...log.appendOps(result.beforeStop, before, result.bodies),
      ...events.map((e) => runs.events.appendOp(runId, e)),
      ...this.#flagOps(dataset.id, runId, undefined, result.entries, at),
    ];
    await store.write(ops);
    await log.committed(runId, before);
    published.push(...events);
    if (!result.stop) return false;
    const stop = result.stop;
    const rules = [...new Set(stop.flags.filter((f) => f.action === 'stop').map((f) => f.rule))].join(', ');
    const reason = { code: 'GUARD_STOPPED', message: `egress record ${stop.seq} broke ${rules}` };
    const flagged = await runs.transitionLocked(runId, 'flag', { reason }, () => [
      ...log.appendOps(result.state, [stop], result.bodies),
      ...endJobOps(store, job, 'failed', at),
      clearControlOp(store, runId),
    ]);
    await log.committed(runId, [stop]);
    if (flagged.published) published.push(flagged.published);
    return true;
  }

  /**
   * A predict job's answers through the guard (channel `answers`, seq =
   * index): the ops that log them, and the answers the buyer may see. Call
   * with the store's lock held; write `ops` with the inference's change,
   * then {@link committedAnswers}.
   */
  async answersLocked(
    inferenceId: string,
    runId: string,
    datasetId: string,
    answers: readonly unknown[],
  ): Promise<GuardedAnswers> {
    const dataset = await this.#dataset(datasetId);
    const state = await this.#state(inferenceId, runId, dataset.id);
    if (state.size > 0) throw new GuardError('GUARD_SEQ_REPEAT', 'the answers of this inference are logged');
    const records: EgressInput[] = answers.map((value, index) => {
      if (value !== null && typeof value !== 'number') {
        throw new GuardError('GUARD_RECORD_MALFORMED', `answer ${index} is not a number or null`);
      }
      return { seq: index, channel: 'answers', index, value };
    });
    // The buyer sees the answers only after the whole batch: nothing needs holding past its end.
    const result = evaluate(records, state, {
      policy: dataset.policy.egress,
      declared: [],
      scanner: await this.#scanner(inferenceId, dataset),
      final: true,
    });
    const at = this.deps.now().toISOString();
    const ops = [
      ...this.deps.log.appendOps(result.state, result.entries, result.bodies),
      ...this.#flagOps(dataset.id, runId, inferenceId, result.entries, at),
    ];
    const shown = answers.map((_, i) => {
      const body = result.bodies.get(i) as Extract<EgressBody, { channel: 'answers' }> | undefined;
      return result.stop ? null : (body?.value ?? null);
    });
    return { answers: shown, stopped: result.stop !== undefined, ops, entries: result.entries };
  }

  /**
   * The job of `runId` ended on its node (it completes or fails next): the
   * egress stream is over, so no open match can complete and every record
   * still held is logged and, unless its own flags block it, released to the
   * buyer (docs/guard.md, "Holding back a partial match"). A run that is not
   * running any more, or holds nothing, is left as it is.
   */
  async endEgress(node: NodeRecord, runId: string, jobId: string): Promise<void> {
    const { store, runs } = this.deps;
    const published: RunEventRecord[] = [];
    await store.exclusive(async () => {
      const state = await this.deps.log.state(runId);
      if (!state?.held?.length) return;
      // A wrong job, node or run is left to complete/fail to refuse, with their own codes.
      const job = await claimedJob(store, { jobId, nodeId: node.id, ownerId: runId }).catch(() => undefined);
      const run = await runs.get(runId).catch(() => undefined);
      if (!job || !run || (run.state !== 'running' && run.state !== 'sealing-output')) return;
      const dataset = await this.#dataset(run.dataset);
      const result = evaluate([], state, {
        policy: dataset.policy.egress,
        declared: job.model.metrics,
        scanner: undefined,
        final: true,
      });
      await this.#commitRun(job, dataset, result, published);
    });
    for (const event of published) runs.events.publish(runId, event);
  }

  /** After the batch with {@link answersLocked}'s ops: extend the log's tree. */
  committedAnswers(inferenceId: string, entries: readonly EgressEntry[]): Promise<void> {
    return this.deps.log.committed(inferenceId, entries);
  }

  /** The signed head of an ended run or inference (signed now if it ended and has none yet). */
  async head(owner: string): Promise<SignedEgressHead> {
    const stored = await this.deps.log.head(owner);
    if (stored) return stored;
    if (owner.startsWith('run_')) {
      const run = await this.deps.runs.get(owner);
      if (!isFinal(run.state)) throw new GuardError('GUARD_LOG_OPEN', `${owner} has not ended`);
      return this.closeOwner(owner);
    }
    throw new GuardError('GUARD_LOG_NOT_FOUND', `no egress head for ${owner}`);
  }

  /** End an owner's log: its scanner's tail is flushed (findings go to the seller) and its head signed. */
  async closeOwner(owner: string): Promise<SignedEgressHead> {
    const scanner = this.#scanners.get(owner);
    this.#scanners.delete(owner);
    const tail = scanner?.end() ?? [];
    const { store, log } = this.deps;
    return store.exclusive(async () => {
      let state = await log.state(owner);
      if (state?.held?.length) {
        // Records still held when the owner ends (its job never reported its end): the stream is
        // over, so they are logged with their own verdicts; the buyer's stream has ended.
        const dataset = await this.#dataset(state.datasetId);
        const result = evaluate([], state, {
          policy: dataset.policy.egress,
          declared: [],
          scanner: undefined,
          final: true,
        });
        const at = this.deps.now().toISOString();
        await store.write([
          ...log.appendOps(result.state, result.entries, result.bodies),
          ...this.#flagOps(
            state.datasetId,
            state.runId,
            owner === state.runId ? undefined : owner,
            result.entries,
            at,
          ),
        ]);
        await log.committed(owner, result.entries);
        state = result.state;
      }
      if (state && tail.length > 0) {
        const dataset = await this.#dataset(state.datasetId);
        const at = this.deps.now().toISOString();
        const ruleOf = (f: (typeof tail)[number]): GuardRule => (f.rule === 'near' ? 'nearFlag' : f.rule);
        const flags = tail.map((f) => ({
          rule: ruleOf(f),
          seq: f.seqs[f.seqs.length - 1],
          token: f.token,
        }));
        await store.write(
          flags.map((f, i) =>
            put(store.sublevel(DATASET_FLAGS_SUBLEVEL), `${dataset.id}/${at}/${owner}/${f.seq}/t${i}`, {
              runId: state.runId,
              ...(owner === state.runId ? {} : { inferenceId: owner }),
              seq: f.seq,
              rule: f.rule,
              action: 'flag',
              token: f.token,
              at,
            } satisfies DatasetFlag),
          ),
        );
      }
      return log.closeLocked(owner, this.deps.now().toISOString());
    });
  }

  /** The flags of `datasetId`'s runs, oldest first. */
  async flags(datasetId: string, limit = 1000): Promise<DatasetFlag[]> {
    const sub = this.deps.store.sublevel(DATASET_FLAGS_SUBLEVEL);
    return (await sub.values({ gt: `${datasetId}/`, lt: `${datasetId}/~`, limit }).all()) as DatasetFlag[];
  }

  #flagOps(
    datasetId: string,
    runId: string,
    inferenceId: string | undefined,
    entries: readonly EgressEntry[],
    at: string,
  ): BatchOp[] {
    const sub = this.deps.store.sublevel(DATASET_FLAGS_SUBLEVEL);
    const owner = inferenceId ?? runId;
    return entries.flatMap((entry) =>
      entry.flags.map((f, i) =>
        put(sub, `${datasetId}/${at}/${owner}/${String(entry.seq).padStart(10, '0')}/${i}`, {
          runId,
          ...(inferenceId === undefined ? {} : { inferenceId }),
          seq: entry.seq,
          rule: f.rule,
          action: f.action,
          ...(f.token === undefined ? {} : { token: f.token }),
          at,
        } satisfies DatasetFlag),
      ),
    );
  }

  async #dataset(id: string): Promise<DatasetRecord & { policy: { egress: EgressPolicy } }> {
    const dataset = await this.deps.store.get<DatasetRecord>(this.deps.store.sublevel(DATASETS_SUBLEVEL), id);
    if (!dataset) throw new RunError('RUN_DATASET_NOT_FOUND', `no dataset ${id}`);
    return dataset;
  }

  async #state(owner: string, runId: string, datasetId: string): Promise<EgressState> {
    return (
      (await this.deps.log.state(owner)) ?? {
        owner,
        runId,
        datasetId,
        size: 0,
        bytes: 0,
        released: 0,
        flagged: 0,
      }
    );
  }

  async #scanner(owner: string, dataset: DatasetRecord): Promise<EgressScanner | undefined> {
    if (!this.#scanners.has(owner)) {
      try {
        this.#scanners.set(owner, await this.deps.scanners(dataset));
      } catch (cause) {
        throw new GuardError('GUARD_INDEX_UNAVAILABLE', 'the dataset’s fingerprint index does not load', {
          cause,
        });
      }
    }
    return this.#scanners.get(owner);
  }
}
