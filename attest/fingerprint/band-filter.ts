/**
 * A bitset over the LSH band entries, derived at load from the keyed, MAC'd
 * band tables (docs/fingerprint.md, "Scan cost"): per band, one bit per value
 * of the band hash bits an entry records (its bucket, the top `bucketBits`,
 * then the low bits of its check bits). A window's band is walked only when
 * its bit is set, so most bands skip the two cache misses of the walk (the
 * bucket offset, then the bucket) for one read in a table about 8 bits an
 * entry. A band whose bucket holds an entry with the window's check bits has
 * that entry's bit set, so the filter drops no candidate the walk would have
 * confirmed: the findings are unchanged. Holds nothing the band tables do not.
 */

/** The band filter of an index, and how a band hash picks its bit. */
export interface BandFilter {
  readonly bits: Uint32Array;
  /** log2 of the bits per band. */
  readonly log: number;
  /** Low check bits of the band hash appended below the bucket bits. */
  readonly checkBits: number;
  /** Bits dropped off the bottom of (bucket, check bits) to fit `log`. */
  readonly drop: number;
  /** 2^log, 2^checkBits and the check bits' mask, precomputed for the scanner's hot path. */
  readonly stride: number;
  readonly checkScale: number;
  readonly checkMask: number;
}

/** The shape of the band tables (the index header's parameters). */
export interface BandShape {
  readonly lshBands: number;
  readonly bucketBits: number;
  readonly idBits: number;
  readonly records: number;
}

/** Bits a band entry gets in the filter (about 1 in 8 absent band hashes passes). */
const BITS_PER_ENTRY = 8;
/** The largest filter: 2^28 bits (32 MiB), reached by 32 bands at a million records. */
const MAX_TOTAL_LOG = 28;

/** Derive the band filter from the band tables. */
export function buildBandFilter(
  bandOffsets: Uint32Array,
  bandIds: Uint32Array,
  shape: BandShape,
): BandFilter {
  const { lshBands, bucketBits, idBits, records: n } = shape;
  const log = Math.min(
    MAX_TOTAL_LOG - Math.ceil(Math.log2(lshBands)),
    Math.max(5, Math.ceil(Math.log2(Math.max(1, n) * BITS_PER_ENTRY))),
  );
  const checkBits = Math.max(0, Math.min(32 - idBits, log - bucketBits));
  const drop = Math.max(0, bucketBits + checkBits - log);
  const bits = new Uint32Array((lshBands * 2 ** log) / 32);
  const buckets = 2 ** bucketBits;
  const checkMask = checkBits === 0 ? 0 : (0xffffffff >>> (32 - checkBits)) | 0;
  // Small integers throughout (the total is at most 2^28 bits): this runs over every band entry.
  for (let b = 0; b < lshBands; b++) {
    const base = b * (buckets + 1);
    const ids = b * n;
    const band = b << log;
    for (let k = 0; k < buckets; k++) {
      const key = k << checkBits;
      const last = bandOffsets[base + k + 1];
      for (let j = bandOffsets[base + k]; j < last; j++) {
        const bit = band + ((key | ((bandIds[ids + j] >>> idBits) & checkMask)) >>> drop);
        bits[bit >>> 5] |= 1 << (bit & 31);
      }
    }
  }
  return { bits, log, checkBits, drop, stride: 2 ** log, checkScale: 2 ** checkBits, checkMask };
}

/**
 * The filter bit of band hash `h` in band `b` (`bucket`: the top `bucketBits`
 * of `h`); the band may hold an entry for `h` only when the bit is set.
 */
export function bandBit(filter: BandFilter, b: number, bucket: number, h: number): number {
  const check = h & filter.checkMask;
  return b * filter.stride + ((bucket * filter.checkScale + check) >>> filter.drop);
}
