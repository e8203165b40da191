/**
 * The hold-back of partial matches (docs/guard.md, "Holding back a partial
 * match"): within one batch, the records a still-open match could include
 * are held (not logged, not released) and the others are logged in seq
 * order, each with the verdict of its flags; a finding's flag also goes on
 * the held records it spans, so a completed match releases none of its
 * parts. Past the bound the oldest held record is logged anyway, with a
 * `hold` near-miss when an anchored match was open over it. What is still
 * held at the batch's end is kept in the owner's state.
 */
import { jcsDigest } from './log.js';
import type { EgressBody, EgressEntry, EgressFlag, EgressState, HeldRecord } from './records.js';
import { released, verdictOf } from './rules.js';
import type { PendingMatch } from './scanner.js';

/** At most this many records are held back at once; past it the oldest is released (docs/guard.md). */
export const HOLD_MAX_RECORDS = 256;
/** At most this many bytes (the records' JCS length) are held back at once. */
export const HOLD_MAX_BYTES = 64 * 1024;

/** The near-miss flag of a record released at the hold bound while an anchored match was open over it. */
const HOLD_FLAG: EgressFlag = { rule: 'hold', action: 'flag' };

type Held = { seq: number; body: EgressBody; bytes: number; flags: EgressFlag[] };

/** An owner's log as one batch extends it: the records held back, and the entries logged behind them. */
export class HoldQueue {
  /** One entry per record logged, in seq order. */
  readonly entries: EgressEntry[] = [];
  /** The bodies of the records released (pass or flag), by seq. */
  readonly bodies = new Map<number, EgressBody>();
  readonly #held: Held[];
  #heldBytes: number;
  #logged: EgressState;

  /** Continue `state`'s log, with the records it holds. */
  constructor(state: EgressState) {
    this.#held = (state.held ?? []).map((h) => ({ ...h, flags: [...h.flags] }));
    this.#heldBytes = this.#held.reduce((n, h) => n + h.bytes, 0);
    const { held: _stored, ...logged } = state;
    void _stored;
    this.#logged = logged;
  }

  /** The totals of the entries logged so far, without the held records. */
  get logged(): EgressState {
    return this.#logged;
  }

  /** Bytes released and held: held bytes count against the budget as if released (they may be). */
  get releasable(): number {
    return this.#logged.released + this.#heldBytes;
  }

  /** The totals with the records still held: the owner's state to store. */
  state(): EgressState {
    const held = this.#held;
    return held.length === 0
      ? this.#logged
      : { ...this.#logged, held: held.map((h): HeldRecord => ({ ...h })) };
  }

  /** A finding spanning `seqs` flags the held records among them too. */
  flagHeld(seqs: readonly number[], flag: EgressFlag): void {
    for (const h of this.#held) if (seqs.includes(h.seq)) h.flags.push(flag);
  }

  /** Hold a record after those already held. */
  hold(record: Held): void {
    this.#held.push(record);
    this.#heldBytes += record.bytes;
  }

  /** Log every held record but the newest (the one a `stop` ends on). */
  logAllButNewest(): void {
    while (this.#held.length > 1) this.logOldest();
  }

  /** Log every held record (the stream is over). */
  logAll(): void {
    while (this.#held.length > 0) this.logOldest();
  }

  /** Log what no open match can include any more, then enforce the bound (oldest first). */
  resolve(pending: PendingMatch | undefined): void {
    const held = this.#held;
    const from = pending?.from ?? Infinity;
    while (held.length > 0 && held[0].seq < from) this.logOldest();
    while (held.length > HOLD_MAX_RECORDS || (held.length > 0 && this.#heldBytes > HOLD_MAX_BYTES)) {
      const anchored = pending?.anchoredFrom;
      if (anchored !== undefined && anchored <= held[0].seq) held[0].flags.push(HOLD_FLAG);
      this.logOldest();
    }
  }

  /** Log the oldest held record with the verdict of its flags; its entry. */
  logOldest(): EgressEntry {
    const h = this.#held.shift()!;
    this.#heldBytes -= h.bytes;
    const verdict = verdictOf(h.flags);
    const entry: EgressEntry = {
      seq: h.seq,
      channel: h.body.channel,
      bytes: h.bytes,
      bodyDigest: jcsDigest(h.body),
      verdict,
      flags: h.flags,
    };
    this.entries.push(entry);
    if (released(verdict)) this.bodies.set(h.seq, h.body);
    const now = this.#logged;
    this.#logged = {
      ...now,
      size: now.size + 1,
      bytes: now.bytes + h.bytes,
      released: now.released + (released(verdict) ? h.bytes : 0),
      flagged: now.flagged + (h.flags.length > 0 ? 1 : 0),
    };
    return entry;
  }
}
