/**
 * Keyed MinHash (Broder, "On the resemblance and containment of documents",
 * 1997), by one permutation hashing, with b-bit signatures (Li and König, "b-Bit Minwise Hashing", WWW
 * 2010) and LSH banding (Leskovec, Rajaraman and Ullman, Mining of Massive
 * Datasets, section 3.4). Each shingle gets one keyed 32-bit hash, which
 * picks its bin and gives its value. The index keeps only the low B_BITS of
 * each minimum (a record costs hashFunctions/2 bytes) and the band tables;
 * without the minhash sub-key nothing in it can be recomputed.
 */

/** Bits kept per minimum. */
export const B_BITS = 4;
const B_MASK = (1 << B_BITS) - 1;

/** The parameters that shape a signature. */
export interface MinHashParameters {
  readonly shingleUnit: 'char' | 'token';
  readonly shingleSize: number;
  readonly hashFunctions: number;
  readonly lshBands: number;
}

// MurmurHash3's 32-bit finaliser (Appleby, smhasher), a bijection on 32 bits.
const fmix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

// The same finaliser as a signed 32-bit value (the same bits; no heap number above 2^31).
const fmix32 = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
};

/** Probes per bin for densification before falling back to a scan. */
const PROBES = 16;

/**
 * A keyed MinHash by one permutation hashing with optimal densification
 * (Shrivastava, "Optimal Densification for Fast and Accurate Minwise
 * Hashing", ICML 2017): each shingle is hashed once, its hash picks a bin and
 * gives a value, each bin keeps its minimum, and an empty bin copies the
 * first non-empty bin of its own keyed probe sequence. One hash per shingle
 * instead of one per shingle and function: the scanner's hot path.
 */
export class MinHasher {
  readonly params: MinHashParameters;
  private readonly probes: Uint16Array;
  private readonly base: number;
  private readonly salt: number;
  private readonly binSeed: number;
  private readonly valueSeed: number;
  private readonly mins: Uint32Array;
  private readonly biased: Int32Array;
  private readonly filled: Uint8Array;
  private readonly rows: number;
  private scratch = new Uint32Array(1024);

  constructor(subKey: Uint8Array, params: MinHashParameters) {
    this.params = params;
    const k = params.hashFunctions;
    this.rows = k / params.lshBands;
    const dv = new DataView(subKey.buffer, subKey.byteOffset, subKey.byteLength);
    // Expand the 32-byte sub-key with fmix over a counter: only keyed values, never exposed.
    let state = dv.getUint32(0, true) ^ dv.getUint32(16, true);
    let counter = 0;
    const next = (): number => {
      state = fmix((state + 0x9e3779b9 + dv.getUint32((counter++ & 7) << 2, true)) >>> 0);
      return state;
    };
    this.base = next() | 1;
    this.salt = next();
    this.binSeed = next();
    this.valueSeed = next();
    this.probes = new Uint16Array(k * PROBES);
    for (let i = 0; i < this.probes.length; i++) this.probes[i] = next() % k;
    this.mins = new Uint32Array(k);
    this.biased = new Int32Array(k);
    this.filled = new Uint8Array(k);
  }

  /**
   * The minima of the normal-form units `units[start..end)` (`bounds` as
   * normalise() gives them, for token shingles); undefined when it has no shingle.
   */
  minima(units: Uint16Array, bounds: Uint8Array, start: number, end: number): Uint32Array | undefined {
    const count = this.shingles(units, bounds, start, end);
    if (count === 0) return undefined;
    const k = this.params.hashFunctions;
    // The minima are kept biased (x ^ 2^31, as int32) so that a signed comparison orders them as
    // unsigned: the loop stays on small integers instead of heap numbers above 2^31.
    const biased = this.biased.fill(0x7fffffff);
    const filled = this.filled.fill(0);
    const shingles = this.scratch;
    const binSeed = this.binSeed;
    const valueSeed = this.valueSeed;
    // floor(h / 2^32 * k), by a shift when k is a power of two (the same value, exactly).
    const shift = (k & (k - 1)) === 0 ? 32 - Math.log2(k) : -1;
    for (let j = 0; j < count; j++) {
      const x = shingles[j];
      const hb = fmix32(x ^ binSeed);
      const bin = shift >= 0 ? (shift === 32 ? 0 : hb >>> shift) : Math.floor(((hb >>> 0) / 4294967296) * k);
      const v = fmix32(x ^ valueSeed) ^ 0x80000000;
      filled[bin] = 1;
      if (v < biased[bin]) biased[bin] = v;
    }
    const mins = this.mins;
    const probes = this.probes;
    for (let i = 0; i < k; i++) {
      if (filled[i] === 1) {
        mins[i] = biased[i] ^ 0x80000000;
        continue;
      }
      let from = -1;
      for (let t = 0; t < PROBES; t++) {
        const j = probes[i * PROBES + t];
        if (filled[j] === 1) {
          from = j;
          break;
        }
      }
      // A very sparse set: the first filled bin after i (still a function of the set alone).
      for (let t = 1; from < 0; t++) if (filled[(i + t) % k] === 1) from = (i + t) % k;
      mins[i] = biased[from] ^ 0x80000000;
    }
    return mins;
  }

  // One keyed 32-bit hash per shingle (a polynomial rolling hash under a keyed base, finalised), into `scratch`.
  private shingles(units: Uint16Array, bounds: Uint8Array, start: number, end: number): number {
    const size = this.params.shingleSize;
    const len = end - start;
    if (len <= 0) return 0;
    if (this.scratch.length < len) this.scratch = new Uint32Array(2 * len);
    const out = this.scratch;
    let count = 0;
    if (this.params.shingleUnit === 'char') {
      const n = Math.max(1, len - size + 1);
      const w = Math.min(size, len);
      // Rolling (Karp and Rabin 1987): h(s) = salt*B^w + sum units[s+i]*B^(w-1-i) mod 2^32, so
      // h(s+1) = (h(s) - salt*B^w - units[s]*B^(w-1))*B + salt*B^w + units[s+w]: the same values as
      // hashing each shingle from scratch (arithmetic mod 2^32 is exact), one step a position.
      const b = this.base;
      let top = 1; // B^(w-1)
      for (let i = 1; i < w; i++) top = Math.imul(top, b);
      const saltTop = Math.imul(Math.imul(this.salt, top), b); // salt*B^w
      let g = 0;
      for (let i = start; i < start + w; i++) g = (Math.imul(g, b) + units[i]) | 0;
      out[count++] = fmix32((saltTop + g) ^ this.salt);
      for (let s = start + 1; s < start + n; s++) {
        g = (Math.imul((g - Math.imul(units[s - 1], top)) | 0, b) + units[s + w - 1]) | 0;
        out[count++] = fmix32(((saltTop + g) | 0) ^ this.salt);
      }
      return count;
    }
    // Token shingles: hash each token (boundary to boundary), then shingle the token hashes in place.
    let tokens = 0;
    let h = 0;
    for (let i = start; i < end; i++) {
      if (bounds[i] === 1 && i > start) {
        out[tokens++] = fmix(h);
        h = 0;
      }
      h = (Math.imul(h, this.base) + units[i]) | 0;
    }
    out[tokens++] = fmix(h);
    const n = Math.max(1, tokens - size + 1);
    const w = Math.min(size, tokens);
    for (let s = 0; s < n; s++) {
      let g = this.salt;
      for (let i = s; i < s + w; i++) g = (Math.imul(g, this.base) + out[i]) | 0;
      out[count++] = fmix(g ^ this.salt);
    }
    return count;
  }

  /** Write the b-bit signature of `mins` into `out` at `offset` (two minima a byte). */
  packSignature(mins: Uint32Array, out: Uint8Array, offset: number): void {
    for (let i = 0; i < mins.length; i += 2) {
      out[offset + (i >> 1)] = (mins[i] & B_MASK) | ((mins[i + 1] & B_MASK) << B_BITS);
    }
  }

  /** The hash of band `b` of `mins`. */
  bandHash(mins: Uint32Array, b: number): number {
    let h = 0x811c9dc5 ^ b;
    for (let i = b * this.rows; i < (b + 1) * this.rows; i++) h = fmix32(h ^ mins[i]);
    return h >>> 0;
  }

  /** Whether a packed signature agrees with `mins` on the low bits of band `b` (a cheap candidate check). */
  bandAgrees(mins: Uint32Array, sigs: Uint8Array, offset: number, b: number): boolean {
    for (let i = b * this.rows; i < (b + 1) * this.rows; i++) {
      const packed = sigs[offset + (i >> 1)];
      const low = i & 1 ? packed >>> B_BITS : packed & B_MASK;
      if (low !== (mins[i] & B_MASK)) return false;
    }
    return true;
  }

  /**
   * The estimated Jaccard similarity of `mins` and a packed signature: the
   * share of agreeing b-bit minima, corrected for chance agreement (Li and
   * König, theorem 1, with the chance term 2^-b).
   */
  jaccard(mins: Uint32Array, sigs: Uint8Array, offset: number): number {
    let same = 0;
    for (let i = 0; i < mins.length; i++) {
      const packed = sigs[offset + (i >> 1)];
      const low = i & 1 ? packed >>> B_BITS : packed & B_MASK;
      if (low === (mins[i] & B_MASK)) same++;
    }
    const chance = 1 / (1 << B_BITS);
    return Math.max(0, Math.min(1, (same / mins.length - chance) / (1 - chance)));
  }
}
