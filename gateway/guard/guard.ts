/**
 * The egress guard at the gateway (docs/egress-protocol.md sections 3 and 4):
 * every egress record of a run, posted by its node in seq order, and every
 * answer of a sealed inference, passes schema, budget and the scanner; each
 * is logged; released metrics and log lines reach the buyer's event stream;
 * flags reach the seller; a `stop` moves the run to `flagged` and ends its
 * job. When a run or an inference ends its log gets a signed head.
 *
 * This file takes a node's posts in under the store's lock and wires the
 * parts: the per-owner state (state.ts), one batch (evaluate.ts), a run's
 * batch written (run-batch.ts), the answers (answers.ts), the release of
 * held records (release.ts), the log's end and head (close.ts) and the
 * seller's flags (flags.ts). Bad input from a node (seq gaps or repeats,
 * another node's job, a run not running) is refused with a code before
 * anything changes.
 */
import { claimedJob } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import { RunError } from '../runs/errors.js';
import type { RunEventRecord } from '../runs/events.js';
import { isFinal } from '../runs/machine.js';
import type { GuardedAnswers } from './answers.js';
import { guardAnswersLocked } from './answers.js';
import { closeOwnerLog, signedHead } from './close.js';
import { evaluate } from './evaluate.js';
import { datasetFlags } from './flags.js';
import type { EgressLog } from './log.js';
import type { DatasetFlag, EgressEntry, EgressInput, SignedEgressHead } from './records.js';
import { releaseAtJobEndLocked } from './release.js';
import type { RunBatch } from './run-batch.js';
import { commitRunBatch } from './run-batch.js';
import type { GuardDeps } from './state.js';
import { OwnerScanners, checkSeqs, guardedDataset, nextSeq, ownerState, takesEgress } from './state.js';

/** The guard's answer to a node's post. */
export interface EgressReply {
  /** True when the run was stopped: the node stops the container; the run has ended. */
  readonly stop: boolean;
}

/** The egress guard of every run and inference, over the gateway's store and egress log. */
export class EgressGuard {
  readonly #scanners: OwnerScanners;

  constructor(private readonly deps: GuardDeps) {
    this.#scanners = new OwnerScanners(deps.scanners);
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
    const { stopped, published } = await this.deps.store.exclusive(() =>
      this.#runEgressLocked(node, runId, jobId, records),
    );
    this.#publish(runId, published);
    if (stopped) await this.closeOwner(runId);
    return { stop: stopped };
  }

  /**
   * A predict job's answers through the guard (channel `answers`, seq =
   * index): the ops that log them, and the answers the buyer may see. Call
   * with the store's lock held; write `ops` with the inference's change,
   * then {@link committedAnswers}.
   */
  answersLocked(
    inferenceId: string,
    runId: string,
    datasetId: string,
    answers: readonly unknown[],
  ): Promise<GuardedAnswers> {
    return guardAnswersLocked(this.deps, this.#scanners, { inferenceId, runId, datasetId }, answers);
  }

  /** After the batch with {@link answersLocked}'s ops: extend the log's tree. */
  committedAnswers(inferenceId: string, entries: readonly EgressEntry[]): Promise<void> {
    return this.deps.log.committed(inferenceId, entries);
  }

  /**
   * The job of `runId` ended on its node (it completes or fails next): the
   * egress stream is over, so every record still held is logged and, unless
   * its own flags block it, released to the buyer (docs/guard.md, "Holding
   * back a partial match"). A run that is not running any more, or holds
   * nothing, is left as it is.
   */
  async endEgress(node: NodeRecord, runId: string, jobId: string): Promise<void> {
    const published = await this.deps.store.exclusive(() =>
      releaseAtJobEndLocked(this.deps, node, runId, jobId),
    );
    this.#publish(runId, published);
  }

  /** The signed head of an ended run or inference (signed now if it ended and has none yet). */
  head(owner: string): Promise<SignedEgressHead> {
    return signedHead(this.deps, owner, (o) => this.closeOwner(o));
  }

  /** End an owner's log: its scanner's tail is flushed (findings go to the seller) and its head signed. */
  async closeOwner(owner: string): Promise<SignedEgressHead> {
    return closeOwnerLog(this.deps, owner, this.#scanners.end(owner));
  }

  /** The flags of `datasetId`'s runs, oldest first. */
  flags(datasetId: string, limit = 1000): Promise<DatasetFlag[]> {
    return datasetFlags(this.deps.store, datasetId, limit);
  }

  // Section 4: the job is the node's and active, the run takes egress, the seqs continue the log;
  // then the batch is evaluated and written.
  async #runEgressLocked(
    node: NodeRecord,
    runId: string,
    jobId: string,
    records: readonly EgressInput[],
  ): Promise<RunBatch> {
    const { store, runs, log } = this.deps;
    const job = await claimedJob(store, { jobId, nodeId: node.id, ownerId: runId });
    const run = await runs.get(runId);
    if (!takesEgress(run)) throw new RunError('RUN_NOT_RUNNING', `a ${run.state} run takes no egress`);
    const dataset = await guardedDataset(store, run.dataset);
    const state = await ownerState(log, runId, runId, dataset.id);
    checkSeqs(records, nextSeq(state));
    const result = evaluate(records, state, {
      policy: dataset.policy.egress,
      declared: job.model.metrics,
      scanner: await this.#scanners.of(runId, dataset),
    });
    return commitRunBatch(this.deps, job, dataset.id, result);
  }

  #publish(runId: string, events: readonly RunEventRecord[]): void {
    for (const event of events) this.deps.runs.events.publish(runId, event);
  }
}
