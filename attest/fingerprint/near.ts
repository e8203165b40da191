/**
 * Near-variant matching (docs/egress-protocol.md section 1): the stream's
 * normal form is cut into windows of about a record (a long piece is its own
 * windows; short pieces are joined until they reach a record's length), each
 * window's keyed MinHash is looked up in the LSH band tables, and candidates
 * are scored by their b-bit signature. A band entry carries check bits of its
 * band hash next to the record id, so a bucket is walked without touching the
 * signatures of records that only share the bucket (docs/fingerprint.md).
 */
import { bandBit } from './band-filter.js';
import type { FingerprintIndex } from './fingerprint-index.js';
import { tokenHex } from './hashing.js';
import { MinHasher } from './minhash.js';
import type { Finding } from './types.js';

export class NearWindow {
  private units = new Uint16Array(256);
  private bounds = new Uint8Array(256);
  private len = 0;
  private seqs: number[] = [];
  private readonly window: number;
  private readonly hasher: MinHasher;
  private readonly seen: number[] = [];
  private readonly at: Uint32Array;
  private readonly checks: Uint32Array;
  private readonly bands: Uint32Array;
  /** What the touch pass read (kept so that the reads are not optimised away). */
  touched = 0;

  constructor(
    private readonly index: FingerprintIndex,
    private readonly flagJaccard: number,
    private readonly decoder: Finding['decoder'],
  ) {
    this.window = index.header.params.nearWindow;
    this.hasher = new MinHasher(index.keys.minhash, index.header.params);
    this.at = new Uint32Array(2 * index.header.params.lshBands);
    this.checks = new Uint32Array(index.header.params.lshBands);
    this.bands = new Uint32Array(index.header.params.lshBands);
  }

  /** Add a piece's normal form (`units[0..n)`); windows that fill are scored. */
  append(units: Uint16Array, bounds: Uint8Array, n: number, seq: number, out: Finding[]): void {
    if (n === 0) return;
    if (n >= this.window) {
      // A piece of a record's length or more: score it alone, in windows of two records overlapping by one.
      this.flush(out);
      const step = this.window;
      for (let at = 0; ; at += step) {
        const end = Math.min(n, at + 2 * step);
        this.score(units, bounds, at, end, [seq], out);
        if (end === n) break;
      }
      return;
    }
    if (this.units.length < this.len + n) {
      const units2 = new Uint16Array(2 * (this.len + n));
      const bounds2 = new Uint8Array(2 * (this.len + n));
      units2.set(this.units.subarray(0, this.len));
      bounds2.set(this.bounds.subarray(0, this.len));
      this.units = units2;
      this.bounds = bounds2;
    }
    this.units.set(units.subarray(0, n), this.len);
    this.bounds.set(bounds.subarray(0, n), this.len);
    this.bounds[this.len] = 1;
    this.len += n;
    if (this.seqs[this.seqs.length - 1] !== seq) this.seqs.push(seq);
    if (this.len >= this.window) this.flush(out);
  }

  /** Score what is left (the end of the stream). */
  flush(out: Finding[]): void {
    if (this.len >= this.index.header.params.anchor) {
      this.score(this.units, this.bounds, 0, this.len, this.seqs, out);
    }
    this.len = 0;
    this.seqs = [];
  }

  private score(
    units: Uint16Array,
    bounds: Uint8Array,
    start: number,
    end: number,
    seqs: number[],
    out: Finding[],
  ): void {
    const { tables, header } = this.index;
    const n = header.counts.records;
    if (n === 0) return;
    const mins = this.hasher.minima(units, bounds, start, end);
    if (mins === undefined) return;
    const { hashFunctions, lshBands, bucketBits: bits, idBits } = header.params;
    const half = hashFunctions / 2;
    const buckets = 2 ** bits;
    const idMask = 0xffffffff >>> (32 - idBits);
    const checkMask = 0xffffffff >>> idBits;
    const { bandOffsets, bandIds, signatures } = tables;
    let best = -1;
    let bestJ = 0;
    const seen = this.seen;
    seen.length = 0;
    // In passes, so that the memory reads of different bands do not wait on each other (the tables
    // are far bigger than the caches): the band hashes and their filter bits; the filter (a smaller
    // table: a band whose bit is clear has no entry with the window's bucket and check bits, so it
    // is not walked); the bucket offsets of the bands left; their first entries; then the walk.
    const at = this.at;
    const checks = this.checks;
    const bands = this.bands;
    const filter = this.index.bandFilter;
    const filterBits = filter.bits;
    for (let b = 0; b < lshBands; b++) {
      const h = this.hasher.bandHash(mins, b);
      const bucket = bits === 0 ? 0 : h >>> (32 - bits);
      checks[b] = h & checkMask;
      at[2 * b] = b * (buckets + 1) + bucket;
      at[2 * b + 1] = bandBit(filter, b, bucket, h);
    }
    let walk = 0;
    for (let b = 0; b < lshBands; b++) {
      const bit = at[2 * b + 1];
      if ((filterBits[bit >>> 5] & (1 << (bit & 31))) === 0) continue;
      checks[walk] = checks[b];
      bands[walk] = b;
      at[2 * walk++] = at[2 * b];
    }
    for (let w = 0; w < walk; w++) {
      const b = bands[w];
      const off = at[2 * w];
      at[2 * w] = bandOffsets[off] + b * n;
      at[2 * w + 1] = bandOffsets[off + 1] + b * n;
    }
    // Touch each bucket's first entry before walking any (the reads overlap; the walk then hits the cache).
    let touch = 0;
    for (let w = 0; w < walk; w++) touch ^= bandIds[at[2 * w]] ?? 0;
    this.touched = touch;
    for (let w = 0; w < walk; w++) {
      const b = bands[w];
      const check = checks[w];
      for (let j = at[2 * w]; j < at[2 * w + 1]; j++) {
        const entry = bandIds[j];
        if (entry >>> idBits !== check) continue;
        const r = entry & idMask;
        if (seen.includes(r) || !this.hasher.bandAgrees(mins, signatures, r * half, b)) continue;
        seen.push(r);
        const jac = this.hasher.jaccard(mins, signatures, r * half);
        if (jac > bestJ) {
          bestJ = jac;
          best = r;
        }
      }
    }
    if (best < 0 || bestJ < this.flagJaccard) return;
    out.push({
      rule: 'near',
      seqs: [...seqs],
      token: tokenHex(tables.recordTokens[2 * best], tables.recordTokens[2 * best + 1]),
      decoder: this.decoder,
      jaccard: Math.round(bestJ * 1000) / 1000,
    });
  }
}
