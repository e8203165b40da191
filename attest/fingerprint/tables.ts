/**
 * The index's lookup tables, as typed arrays that serialise as they are:
 * open addressing with linear probing (Knuth, TAOCP vol. 3, 6.4, algorithm L)
 * at a load of at most one half, keyed by values that are already keyed
 * hashes (uniform), so the low bits pick the slot.
 */

/** The smallest power of two at least twice `n` (and at least 2). */
export const slotsFor = (n: number): number => 2 ** Math.max(1, Math.ceil(Math.log2(Math.max(1, n) * 2)));

/** Build a set of 64-bit tokens ([lo, hi] pairs); an all-zero token is stored as lo = 1. */
export function buildTokenSet(lo: Uint32Array, hi: Uint32Array, count: number): Uint32Array {
  const slots = slotsFor(count);
  const table = new Uint32Array(slots * 2);
  const mask = slots - 1;
  for (let j = 0; j < count; j++) {
    const l = lo[j] || (hi[j] === 0 ? 1 : 0);
    const h = hi[j];
    let s = l & mask;
    for (;;) {
      const tl = table[2 * s];
      if (tl === 0 && table[2 * s + 1] === 0) {
        table[2 * s] = l;
        table[2 * s + 1] = h;
        break;
      }
      if (tl === l && table[2 * s + 1] === h) break;
      s = (s + 1) & mask;
    }
  }
  return table;
}

/** Whether the set holds the token [lo, hi]. */
export function hasToken(table: Uint32Array, lo: number, hi: number): boolean {
  const mask = (table.length >>> 1) - 1;
  const l = lo || (hi === 0 ? 1 : 0);
  let s = l & mask;
  for (;;) {
    const tl = table[2 * s];
    const th = table[2 * s + 1];
    if (tl === l && th === hi) return true;
    if (tl === 0 && th === 0) return false;
    s = (s + 1) & mask;
  }
}

/** The anchor table: tag -> a run of pattern lengths (bit 15 set: the anchor is the pattern's prefix). */
export interface AnchorTable {
  /** [tag, start, count] per slot; tag 0 is empty. */
  readonly slots: Uint32Array;
  readonly lengths: Uint16Array;
}

/** A length entry's flag: the anchor is the pattern's first characters (else its last). */
export const PREFIX_FLAG = 0x8000;

/** Build the anchor table from sorted, deduplicated `tag * 65536 + entry` keys. */
export function buildAnchorTable(keys: Float64Array): AnchorTable {
  let groups = 0;
  for (let i = 0; i < keys.length; i++) {
    if (i === 0 || Math.floor(keys[i] / 65536) !== Math.floor(keys[i - 1] / 65536)) groups++;
  }
  const size = slotsFor(groups);
  const mask = size - 1;
  const slots = new Uint32Array(size * 3);
  const lengths = new Uint16Array(keys.length);
  let i = 0;
  while (i < keys.length) {
    const tag = Math.floor(keys[i] / 65536) >>> 0;
    const start = i;
    while (i < keys.length && Math.floor(keys[i] / 65536) === tag) {
      lengths[i] = keys[i] % 65536;
      i++;
    }
    let s = tag & mask;
    while (slots[3 * s] !== 0) s = (s + 1) & mask;
    slots[3 * s] = tag;
    slots[3 * s + 1] = start;
    slots[3 * s + 2] = i - start;
  }
  return { slots, lengths };
}

/** The slot of `tag` in the anchor table, or -1. Tags are never 0 (callers map 0 to 1). */
export function findAnchor(slots: Uint32Array, tag: number): number {
  const mask = slots.length / 3 - 1;
  let s = tag & mask;
  for (;;) {
    const t = slots[3 * s];
    if (t === tag) return s;
    if (t === 0) return -1;
    s = (s + 1) & mask;
  }
}

/**
 * A bitset over the anchor tags, derived from the (keyed, MAC'd) anchor slots
 * at load: one bit per tag's top bits, at least 8 bits a tag, so about one
 * lookup in eight of an absent tag passes it. It fits in cache where the
 * anchor table does not, so most boundaries skip the table's cache miss
 * (docs/fingerprint.md, "Scan cost"). Holds nothing the slots do not.
 */
export interface AnchorFilter {
  readonly bits: Uint32Array;
  /** 32 - log2(bit count): a tag's bit is `tag >>> shift`. */
  readonly shift: number;
}

/** Build the anchor filter of an anchor table's slots. */
export function buildAnchorFilter(slots: Uint32Array): AnchorFilter {
  let tags = 0;
  for (let s = 0; s < slots.length; s += 3) if (slots[s] !== 0) tags++;
  const log = Math.min(28, Math.max(10, Math.ceil(Math.log2(8 * Math.max(1, tags)))));
  const bits = new Uint32Array(2 ** (log - 5));
  const shift = 32 - log;
  for (let s = 0; s < slots.length; s += 3) {
    const tag = slots[s];
    if (tag === 0) continue;
    const b = tag >>> shift;
    bits[b >>> 5] |= 1 << (b & 31);
  }
  return { bits, shift };
}

/** Whether the anchor table may hold `tag` (false: it surely does not). */
export function mayHaveAnchor(filter: AnchorFilter, tag: number): boolean {
  const b = tag >>> filter.shift;
  return (filter.bits[b >>> 5] & (1 << (b & 31))) !== 0;
}
