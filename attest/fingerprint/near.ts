/**
 * Near-variant matching (docs/egress-protocol.md section 1): the stream's
 * normal form is cut into windows of about a record (a long piece is its own
 * windows; short pieces are joined until they reach a record's length), each
 * window's keyed MinHash is looked up in the LSH band tables, and candidates
 * are scored by their b-bit signature.
 */
import type { FingerprintIndex } from './fingerprint-index.js';
import { tokenHex } from './hashing.js';
import { MinHasher } from './minhash.js';
import type { Normalised } from './normal.js';
import type { Finding } from './types.js';

export class NearWindow {
  private text = '';
  private bounds: number[] = [];
  private seqs: number[] = [];
  private readonly window: number;
  private readonly hasher: MinHasher;

  constructor(
    private readonly index: FingerprintIndex,
    private readonly flagJaccard: number,
    private readonly decoder: Finding['decoder'],
  ) {
    this.window = index.header.params.nearWindow;
    this.hasher = new MinHasher(index.keys.minhash, index.header.params);
  }

  /** Add a piece's normal form; windows that fill are scored. */
  append(piece: Normalised, seq: number, out: Finding[]): void {
    const n = piece.text.length;
    if (n === 0) return;
    if (n >= this.window) {
      // A piece of a record's length or more: score it alone, in windows of two records overlapping by one.
      this.flush(out);
      const step = this.window;
      for (let at = 0; ; at += step) {
        const end = Math.min(n, at + 2 * step);
        this.score(piece.text.slice(at, end), piece.bounds.subarray(at, end), [seq], out);
        if (end === n) break;
      }
      return;
    }
    this.text += piece.text;
    for (let i = 0; i < n; i++) this.bounds.push(i === 0 ? 1 : piece.bounds[i]);
    if (this.seqs[this.seqs.length - 1] !== seq) this.seqs.push(seq);
    if (this.text.length >= this.window) this.flush(out);
  }

  /** Score what is left (the end of the stream). */
  flush(out: Finding[]): void {
    if (this.text.length >= this.index.header.params.anchor) {
      this.score(this.text, Uint8Array.from(this.bounds), this.seqs, out);
    }
    this.text = '';
    this.bounds = [];
    this.seqs = [];
  }

  private score(text: string, bounds: Uint8Array, seqs: number[], out: Finding[]): void {
    const mins = this.hasher.minima(text, bounds);
    const { tables, header } = this.index;
    const n = header.counts.records;
    if (mins === undefined || n === 0) return;
    const half = header.params.hashFunctions / 2;
    const bits = header.params.bucketBits;
    const buckets = 2 ** bits;
    let best = -1;
    let bestJ = 0;
    const seen: number[] = [];
    for (let b = 0; b < header.params.lshBands; b++) {
      const h = this.hasher.bandHash(mins, b);
      const bucket = bits === 0 ? 0 : h >>> (32 - bits);
      const off = b * (buckets + 1);
      for (let j = tables.bandOffsets[off + bucket]; j < tables.bandOffsets[off + bucket + 1]; j++) {
        const r = tables.bandIds[b * n + j];
        if (seen.includes(r) || !this.hasher.bandAgrees(mins, tables.signatures, r * half, b)) continue;
        seen.push(r);
        const jac = this.hasher.jaccard(mins, tables.signatures, r * half);
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
