/**
 * One batch of egress records through the guard, pure but for the scanner's
 * state (docs/egress-protocol.md section 4 steps 1-4): schema and budget,
 * the scanner over each record's pieces, the strictest action, and the log
 * entry. A record that a still-open match could include is held back (not
 * logged, not released) until the match completes or fails (hold.ts;
 * docs/guard.md, "Holding back a partial match"); held records are logged in
 * seq order.
 * Evaluation stops at the first record whose verdict is `stop`: the records
 * held before it and that record are logged and nothing after it is looked
 * at (the run has ended).
 */
import { canonicalize, utf8 } from '../../attest/index.js';
import type { EgressPolicy } from '../../policies/index.js';
import { HoldQueue } from './hold.js';
import type { EgressBody, EgressEntry, EgressFlag, EgressState, EgressInput } from './records.js';
import { bodyOf } from './records.js';
import { checkRecord, findingFlag, piecesOf, verdictOf } from './rules.js';
import type { EgressScanner } from './scanner.js';

/** What evaluating a batch decided. */
export interface Evaluation {
  /** One entry per record logged, in seq order (held records are logged when they are resolved). */
  readonly entries: EgressEntry[];
  /** The bodies of the records released (pass or flag), by seq. */
  readonly bodies: Map<number, EgressBody>;
  /** The state after every entry, with the records still held. */
  readonly state: EgressState;
  /** The state before the stopping record (equal to `state` when none stopped). */
  readonly beforeStop: EgressState;
  /** The entry that stopped the run, if any (the last of `entries`). */
  readonly stop?: EgressEntry;
}

/** The inputs of {@link evaluate}. */
export interface EvaluateContext {
  readonly policy: EgressPolicy;
  readonly declared: readonly string[];
  readonly scanner: EgressScanner | undefined;
  /** The stream ends with this batch (an inference's answers, a job's end): nothing stays held. */
  readonly final?: boolean;
}

/** The UTF-8 length of a body's canonical JSON: what a record costs against the budget. */
export function recordBytes(body: EgressBody): number {
  return utf8(canonicalize(body)).length;
}

// Section 4 steps 1-3 for one record: schema and budget (held bytes count as if released), then
// the scanner's findings over its pieces; a finding's flag also goes on the held records it spans.
function recordFlags(
  seq: number,
  body: EgressBody,
  bytes: number,
  queue: HoldQueue,
  ctx: EvaluateContext,
): EgressFlag[] {
  const flags: EgressFlag[] = checkRecord(body, bytes, {
    policy: ctx.policy,
    declared: ctx.declared,
    released: queue.releasable,
  });
  if (!ctx.scanner) return flags;
  for (const piece of piecesOf(seq, body)) {
    for (const finding of ctx.scanner.push(piece)) {
      const flag = findingFlag(finding, ctx.policy);
      flags.push(flag);
      queue.flagHeld(finding.seqs, flag);
    }
  }
  return flags;
}

/** Evaluate `records` (seqs already checked to follow `state` and its held records) against the policy. */
export function evaluate(
  records: readonly EgressInput[],
  state: EgressState,
  ctx: EvaluateContext,
): Evaluation {
  const queue = new HoldQueue(state);
  const { entries, bodies } = queue;
  for (const record of records) {
    const body = bodyOf(record);
    const bytes = recordBytes(body);
    const flags = recordFlags(record.seq, body, bytes, queue, ctx);
    queue.hold({ seq: record.seq, body, bytes, flags });
    if (verdictOf(flags) === 'stop') {
      queue.logAllButNewest();
      const beforeStop = queue.logged;
      const stop = queue.logOldest();
      return { entries, bodies, state: queue.logged, beforeStop, stop };
    }
    queue.resolve(ctx.scanner?.pending?.());
  }
  if (ctx.final) queue.logAll();
  const after = queue.state();
  return { entries, bodies, state: after, beforeStop: after };
}
