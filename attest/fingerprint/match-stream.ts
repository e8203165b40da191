/**
 * One normal-form stream of the scanner (the plain text, or what one decoder
 * produced): a tail of at least the longest pattern, so that a pattern split
 * across pieces is found, with each character's token boundary and seq.
 * At every boundary the stream looks up the keyed tag of the last `anchor`
 * characters (and, for the reversed decoder, of the same characters read
 * backwards), and for each pattern length under that tag whose start is also
 * a boundary, the keyed token of the whole window (docs/fingerprint.md).
 */
import type { FingerprintIndex } from './fingerprint-index.js';
import { anchorHash, hashWindow, sipOut, tokenHex } from './hashing.js';
import { findAnchor, hasToken, mayHaveAnchor, PREFIX_FLAG } from './tables.js';
import type { Finding } from './types.js';

/** The earliest seq a stream's open (pending) matches span, and how strong the evidence is. */
export interface StreamPending {
  /** The seq of the earliest start of a pattern that later pieces could still complete. */
  readonly from: number;
  /** The seq of the earliest start whose first `anchor` characters hit a pattern's anchor. */
  readonly anchoredFrom: number | undefined;
}

/** Entries of the anchor memo (a power of two). */
const MEMO_SIZE = 4096;

export class MatchStream {
  private buf: Uint16Array;
  private bnd: Uint8Array;
  private seqs: Float64Array;
  private len = 0;
  private readonly keep: number;
  // The absolute stream offset of buf[0] (the tail slides; open candidates keep absolute offsets).
  private base = 0;
  // Open candidates, [absolute start, absolute end of the longest pattern under its anchor, seq] each.
  private open: number[] = [];
  // A direct-mapped memo of anchor lookups (docs/fingerprint.md, "Scan cost"): the window's units
  // packed two a word (memoKeys, 3 words each) -> its anchor slot, or -1 (memoSlots; -2 empty).
  private readonly memoKeys = new Uint32Array(3 * MEMO_SIZE);
  private readonly memoSlots = new Int32Array(MEMO_SIZE).fill(-2);

  constructor(
    private readonly index: FingerprintIndex,
    private readonly decoder: Finding['decoder'],
    private readonly reversed: boolean,
  ) {
    this.keep = index.header.params.maxPattern;
    const cap = Math.max(4096, 4 * this.keep);
    this.buf = new Uint16Array(cap);
    this.bnd = new Uint8Array(cap);
    this.seqs = new Float64Array(cap);
  }

  /** Forget the tail (the digit stream does this on a non-integer value). */
  reset(): void {
    this.len = 0;
    this.base = 0;
    this.open.length = 0;
  }

  /** Give up every open match (they stay matchable while the tail holds them; only pending() forgets them). */
  forgetOpen(): void {
    this.open.length = 0;
  }

  /** Append one piece's normal form (`units[0..n)`) and report the patterns that end in it. */
  append(units: Uint16Array, bounds: Uint8Array, n: number, seq: number, out: Finding[]): void {
    if (n === 0) return;
    this.makeRoom(n);
    const from = this.len;
    this.buf.set(units.subarray(0, n), from);
    this.bnd.set(bounds.subarray(0, n), from);
    this.seqs.fill(seq, from, from + n);
    this.bnd[from] = 1;
    this.len = from + n;
    const a = this.index.header.params.anchor;
    for (let e = Math.max(from + 1, a); e <= this.len; e++) {
      const ends = e === this.len || this.bnd[e] === 1;
      const starts = this.bnd[e - a] === 1;
      if (!ends && !starts) continue;
      const slot = a === 6 ? this.anchorSlot6(e - a) : this.anchorSlot(e - a, a);
      if (slot < 0) continue;
      if (starts) this.opened(e - a, slot);
      if (ends) {
        this.lookup(e, slot, false, out);
        if (this.reversed) this.lookup(e, slot, true, out);
      }
    }
  }

  private anchorSlot(s: number, a: number): number {
    const tag = anchorHash(this.index.keys.anchor, this.buf, s, a);
    if (!mayHaveAnchor(this.index.anchorFilter, tag)) return -1;
    return findAnchor(this.index.tables.anchorSlots, tag);
  }

  // The anchor slot of the 6 units at `s`, through the memo: honest streams repeat their windows
  // (metric names, separators, small numbers), and a hit saves the SipHash and the table's cache
  // miss. The memo holds what the stream's own tail holds, and a collision only recomputes.
  private anchorSlot6(s: number): number {
    const buf = this.buf;
    const w0 = buf[s] | (buf[s + 1] << 16);
    const w1 = buf[s + 2] | (buf[s + 3] << 16);
    const w2 = buf[s + 4] | (buf[s + 5] << 16);
    let h = Math.imul(w0 ^ Math.imul(w1, 0x9e3779b1) ^ Math.imul(w2, 0x85ebca77), 0xc2b2ae3d);
    h = (h ^ (h >>> 15)) & (MEMO_SIZE - 1);
    const keys = this.memoKeys;
    if (
      this.memoSlots[h] !== -2 &&
      keys[3 * h] === w0 >>> 0 &&
      keys[3 * h + 1] === w1 >>> 0 &&
      keys[3 * h + 2] === w2 >>> 0
    )
      return this.memoSlots[h];
    const slot = this.anchorSlot(s, 6);
    keys[3 * h] = w0;
    keys[3 * h + 1] = w1;
    keys[3 * h + 2] = w2;
    this.memoSlots[h] = slot;
    return slot;
  }

  /**
   * The earliest open match of the stream, or undefined: a start (a token
   * boundary) whose window up to the stream's end could still grow into a
   * pattern. With `shortTails`, a start fewer than `anchor` characters from
   * the end is open whatever follows (no anchor can be looked up yet); past
   * that, a start is open while its anchor tag is a pattern's first (or, with
   * the reversed decoder, last) characters and that pattern is longer than the
   * window (docs/guard.md, "Holding back a partial match").
   */
  pending(shortTails: boolean): StreamPending | undefined {
    this.prune();
    const anchoredFrom = this.open.length > 0 ? this.open[2] : undefined;
    let from = anchoredFrom;
    if (shortTails) {
      const a = this.index.header.params.anchor;
      for (let s = Math.max(0, this.len - a + 1); s < this.len; s++) {
        if (this.bnd[s] !== 1) continue;
        if (from === undefined || this.seqs[s] < from) from = this.seqs[s];
        break;
      }
    }
    return from === undefined ? undefined : { from, anchoredFrom };
  }

  // Drop the open matches the stream has gone past (their longest pattern would have ended by now).
  private prune(): void {
    const end = this.base + this.len;
    const open = this.open;
    let w = 0;
    for (let r = 0; r < open.length; r += 3) {
      if (open[r + 1] <= end) continue;
      open[w] = open[r];
      open[w + 1] = open[r + 1];
      open[w + 2] = open[r + 2];
      w += 3;
    }
    open.length = w;
  }

  // A boundary start at `s` whose anchor tag is in the table: open while a pattern under the tag,
  // read in a direction this stream matches, is longer than what has followed `s`.
  private opened(s: number, slot: number): void {
    const { anchorSlots, anchorLengths } = this.index.tables;
    const start = anchorSlots[3 * slot + 1];
    const count = anchorSlots[3 * slot + 2];
    let longest = 0;
    for (let j = start; j < start + count; j++) {
      const entry = anchorLengths[j];
      // A prefix anchor starts a forward match; a suffix anchor starts a reversed one.
      if ((entry & PREFIX_FLAG) === 0 && !this.reversed) continue;
      longest = Math.max(longest, entry & ~PREFIX_FLAG);
    }
    if (s + longest <= this.len) return;
    // A scanner nobody asks for pending() (a re-scan) must not grow the list without bound.
    if (this.open.length >= 3 * 64) this.prune();
    this.open.push(this.base + s, this.base + s + longest, this.seqs[s]);
  }

  private makeRoom(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const keep = Math.min(this.len, this.keep);
    const from = this.len - keep;
    if (keep + n <= this.buf.length) {
      // Slide the tail to the front in place (no allocation on the hot path).
      this.buf.copyWithin(0, from, this.len);
      this.bnd.copyWithin(0, from, this.len);
      this.seqs.copyWithin(0, from, this.len);
    } else {
      const cap = 2 * (keep + n);
      const grow = <T extends Uint16Array | Uint8Array | Float64Array>(a: T, fresh: T): T => {
        fresh.set(a.subarray(from, this.len));
        return fresh;
      };
      this.buf = grow(this.buf, new Uint16Array(cap));
      this.bnd = grow(this.bnd, new Uint8Array(cap));
      this.seqs = grow(this.seqs, new Float64Array(cap));
    }
    this.base += from;
    this.len = keep;
  }

  // One anchor tag per boundary serves both directions (hashing.ts anchorHash): a forward match is
  // found by its suffix anchor, a reversed one by its prefix anchor read backwards; the same tag at a
  // start boundary opens a pending match (pending()).
  private lookup(e: number, slot: number, reversed: boolean, out: Finding[]): void {
    const { keys, tables } = this.index;
    const start = tables.anchorSlots[3 * slot + 1];
    const count = tables.anchorSlots[3 * slot + 2];
    for (let j = start; j < start + count; j++) {
      const entry = tables.anchorLengths[j];
      if (((entry & PREFIX_FLAG) !== 0) !== reversed) continue;
      const length = entry & ~PREFIX_FLAG;
      const s = e - length;
      if (s < 0 || this.bnd[s] !== 1) continue;
      hashWindow(keys.token, this.buf, s, length, reversed);
      const lo = sipOut[0];
      const hi = sipOut[1];
      const rule = hasToken(tables.canary, lo, hi)
        ? 'canary'
        : hasToken(tables.exact, lo, hi)
          ? 'exact'
          : undefined;
      if (rule === undefined) continue;
      out.push({
        rule,
        seqs: this.seqsOf(s, e),
        token: tokenHex(lo, hi),
        decoder: reversed ? 'reversed' : this.decoder,
      });
    }
  }

  private seqsOf(s: number, e: number): number[] {
    const seqs: number[] = [];
    for (let i = s; i < e; i++) if (seqs[seqs.length - 1] !== this.seqs[i]) seqs.push(this.seqs[i]);
    return seqs;
  }
}
