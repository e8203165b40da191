/**
 * One batch of egress records through the guard, pure but for the scanner's
 * state (docs/egress-protocol.md section 4 steps 1-4): schema and budget,
 * the scanner over each record's pieces, the strictest action, and the log
 * entry. A record that a still-open match could include is held back (not
 * logged, not released) until the match completes or fails (docs/guard.md,
 * "Holding back a partial match"); held records are logged in seq order.
 * Evaluation stops at the first record whose verdict is `stop`: the records
 * held before it and that record are logged and nothing after it is looked
 * at (the run has ended).
 */
import { canonicalize, utf8 } from '../../attest/index.js';
import type { EgressPolicy } from '../../policies/index.js';
import { jcsDigest } from './log.js';
import type { EgressBody, EgressEntry, EgressFlag, EgressState, EgressInput, HeldRecord } from './records.js';
import { bodyOf } from './records.js';
import { checkRecord, findingFlag, piecesOf, released, verdictOf } from './rules.js';
import type { EgressScanner, PendingMatch } from './scanner.js';

/** At most this many records are held back at once; past it the oldest is released (docs/guard.md). */
export const HOLD_MAX_RECORDS = 256;
/** At most this many bytes (the records' JCS length) are held back at once. */
export const HOLD_MAX_BYTES = 64 * 1024;

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

type Held = { seq: number; body: EgressBody; bytes: number; flags: EgressFlag[] };

/** The near-miss flag of a record released at the hold bound while an anchored match was open over it. */
const HOLD_FLAG: EgressFlag = { rule: 'hold', action: 'flag' };

/** Evaluate `records` (seqs already checked to follow `state` and its held records) against the policy. */
export function evaluate(
  records: readonly EgressInput[],
  state: EgressState,
  ctx: EvaluateContext,
): Evaluation {
  const entries: EgressEntry[] = [];
  const bodies = new Map<number, EgressBody>();
  const held: Held[] = (state.held ?? []).map((h) => ({ ...h, flags: [...h.flags] }));
  let heldBytes = held.reduce((n, h) => n + h.bytes, 0);
  const { held: _stored, ...logged } = state;
  void _stored;
  let now: EgressState = logged;

  // Log the oldest held record with the verdict of its flags.
  const logOldest = (): EgressEntry => {
    const h = held.shift()!;
    heldBytes -= h.bytes;
    const verdict = verdictOf(h.flags);
    const entry: EgressEntry = {
      seq: h.seq,
      channel: h.body.channel,
      bytes: h.bytes,
      bodyDigest: jcsDigest(h.body),
      verdict,
      flags: h.flags,
    };
    entries.push(entry);
    if (released(verdict)) bodies.set(h.seq, h.body);
    now = {
      ...now,
      size: now.size + 1,
      bytes: now.bytes + h.bytes,
      released: now.released + (released(verdict) ? h.bytes : 0),
      flagged: now.flagged + (h.flags.length > 0 ? 1 : 0),
    };
    return entry;
  };
  const withHeld = (s: EgressState): EgressState =>
    held.length === 0 ? s : { ...s, held: held.map((h): HeldRecord => ({ ...h })) };

  for (const record of records) {
    const body = bodyOf(record);
    const bytes = recordBytes(body);
    // Held bytes count against the budget as if released: they may be.
    const flags: EgressFlag[] = checkRecord(body, bytes, {
      policy: ctx.policy,
      declared: ctx.declared,
      released: now.released + heldBytes,
    });
    if (ctx.scanner) {
      for (const piece of piecesOf(record.seq, body)) {
        for (const finding of ctx.scanner.push(piece)) {
          const flag = findingFlag(finding, ctx.policy);
          flags.push(flag);
          // The held records the match spans carry it too: a completed match releases none of its parts.
          for (const h of held) if (finding.seqs.includes(h.seq)) h.flags.push(flag);
        }
      }
    }
    held.push({ seq: record.seq, body, bytes, flags });
    heldBytes += bytes;
    if (verdictOf(flags) === 'stop') {
      while (held.length > 1) logOldest();
      const beforeStop = now;
      const stop = logOldest();
      return { entries, bodies, state: now, beforeStop, stop };
    }
    resolve(ctx.scanner?.pending?.());
  }
  if (ctx.final) while (held.length > 0) logOldest();
  const after = withHeld(now);
  return { entries, bodies, state: after, beforeStop: after };

  // Log what no open match can include any more, then enforce the bound (oldest first).
  function resolve(pending: PendingMatch | undefined): void {
    const from = pending?.from ?? Infinity;
    while (held.length > 0 && held[0].seq < from) logOldest();
    while (held.length > HOLD_MAX_RECORDS || (held.length > 0 && heldBytes > HOLD_MAX_BYTES)) {
      const anchored = pending?.anchoredFrom;
      if (anchored !== undefined && anchored <= held[0].seq) held[0].flags.push(HOLD_FLAG);
      logOldest();
    }
  }
}
