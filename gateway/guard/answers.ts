/**
 * A sealed inference's answers through the guard (docs/egress-protocol.md
 * section 3, "Predict answers"): channel `answers`, seq = index, evaluated as
 * one final batch (the buyer sees the answers only after the whole batch, so
 * nothing is held past its end). The batch is the inference's whole stream:
 * its scanner ends with it, as a run's does when its log closes (close.ts),
 * and its tail's findings go to the seller. The ops that log them and tell
 * the seller are written by the inference with its own change.
 */
import type { BatchOp } from '../store/index.js';
import { GuardError } from './errors.js';
import type { Evaluation } from './evaluate.js';
import { evaluate } from './evaluate.js';
import { entryFlagOps, tailFlagOps } from './flags.js';
import type { EgressBody, EgressEntry, EgressInput } from './records.js';
import type { GuardDeps, OwnerScanners } from './state.js';
import { guardedDataset, ownerState } from './state.js';

/** A sealed inference's answers after the guard: a blocked answer is null. */
export interface GuardedAnswers {
  readonly answers: (number | null)[];
  readonly stopped: boolean;
  /** Ops to write with the inference's own change. */
  readonly ops: BatchOp[];
  readonly entries: EgressEntry[];
}

/** The answers as egress records; GUARD_RECORD_MALFORMED for one that is not a number or null. */
export function answerRecords(answers: readonly unknown[]): EgressInput[] {
  return answers.map((value, index) => {
    if (value !== null && typeof value !== 'number') {
      throw new GuardError('GUARD_RECORD_MALFORMED', `answer ${index} is not a number or null`);
    }
    return { seq: index, channel: 'answers', index, value };
  });
}

/** What the buyer sees of each answer: its released value, or null (all null when one stopped). */
export function shownAnswers(answers: readonly unknown[], result: Evaluation): (number | null)[] {
  return answers.map((_, i) => {
    const body = result.bodies.get(i) as Extract<EgressBody, { channel: 'answers' }> | undefined;
    return result.stop ? null : (body?.value ?? null);
  });
}

/**
 * Inference `inferenceId`'s answers through the guard; GUARD_SEQ_REPEAT when
 * they are logged already. Call with the store's lock held.
 */
export async function guardAnswersLocked(
  deps: GuardDeps,
  scanners: OwnerScanners,
  owner: { inferenceId: string; runId: string; datasetId: string },
  answers: readonly unknown[],
): Promise<GuardedAnswers> {
  const { inferenceId, runId } = owner;
  const dataset = await guardedDataset(deps.store, owner.datasetId);
  const state = await ownerState(deps.log, inferenceId, runId, dataset.id);
  if (state.size > 0) throw new GuardError('GUARD_SEQ_REPEAT', 'the answers of this inference are logged');
  const records = answerRecords(answers);
  const scanner = await scanners.of(inferenceId, dataset);
  const result = evaluate(records, state, {
    policy: dataset.policy.egress,
    declared: [],
    scanner,
    final: true,
  });
  // The answers are the inference's whole stream: its scanner ends here and is not kept in memory.
  const tail = scanners.end(inferenceId);
  const at = deps.now().toISOString();
  const flagOwner = { datasetId: dataset.id, runId, inferenceId };
  const ops = [
    ...deps.log.appendOps(result.state, result.entries, result.bodies),
    ...entryFlagOps(deps.store, flagOwner, result.entries, at),
    ...tailFlagOps(deps.store, flagOwner, tail, at),
  ];
  const shown = shownAnswers(answers, result);
  return { answers: shown, stopped: result.stop !== undefined, ops, entries: result.entries };
}
