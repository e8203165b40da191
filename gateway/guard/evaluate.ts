/**
 * One batch of egress records through the guard, pure but for the scanner's
 * state (docs/egress-protocol.md section 4 steps 1-4): schema and budget,
 * the scanner over each record's pieces, the strictest action, and the log
 * entry. Evaluation stops at the first record whose verdict is `stop`: that
 * record is logged and nothing after it is looked at (the run has ended).
 */
import { canonicalize, utf8 } from '../../attest/index.js';
import type { EgressPolicy } from '../../policies/index.js';
import { jcsDigest } from './log.js';
import type { EgressBody, EgressEntry, EgressFlag, EgressState, EgressInput } from './records.js';
import { bodyOf } from './records.js';
import { checkRecord, findingFlag, piecesOf, released, verdictOf } from './rules.js';
import type { EgressScanner } from './scanner.js';

/** What evaluating a batch decided. */
export interface Evaluation {
  /** One entry per record looked at, in seq order. */
  readonly entries: EgressEntry[];
  /** The bodies of the records released (pass or flag), by seq. */
  readonly bodies: Map<number, EgressBody>;
  /** The state after every entry. */
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
}

/** The UTF-8 length of a body's canonical JSON: what a record costs against the budget. */
export function recordBytes(body: EgressBody): number {
  return utf8(canonicalize(body)).length;
}

/** Evaluate `records` (seqs already checked to follow `state`) against the policy. */
export function evaluate(
  records: readonly EgressInput[],
  state: EgressState,
  ctx: EvaluateContext,
): Evaluation {
  const entries: EgressEntry[] = [];
  const bodies = new Map<number, EgressBody>();
  let now = state;
  for (const record of records) {
    const body = bodyOf(record);
    const bytes = recordBytes(body);
    const flags: EgressFlag[] = checkRecord(body, bytes, {
      policy: ctx.policy,
      declared: ctx.declared,
      released: now.released,
    });
    if (ctx.scanner) {
      for (const piece of piecesOf(record.seq, body)) {
        for (const finding of ctx.scanner.push(piece)) flags.push(findingFlag(finding, ctx.policy));
      }
    }
    const verdict = verdictOf(flags);
    const entry: EgressEntry = {
      seq: record.seq,
      channel: body.channel,
      bytes,
      bodyDigest: jcsDigest(body),
      verdict,
      flags,
    };
    entries.push(entry);
    if (released(verdict)) bodies.set(record.seq, body);
    const before = now;
    now = {
      ...now,
      size: now.size + 1,
      bytes: now.bytes + bytes,
      released: now.released + (released(verdict) ? bytes : 0),
      flagged: now.flagged + (flags.length > 0 ? 1 : 0),
    };
    if (verdict === 'stop') return { entries, bodies, state: now, beforeStop: before, stop: entry };
  }
  return { entries, bodies, state: now, beforeStop: now };
}
