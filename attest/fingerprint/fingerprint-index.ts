/**
 * A loaded fingerprint index: the header and the typed-array tables, viewed in
 * place over the serialised bytes (loading copies nothing but the header).
 */
import { decodeIndex } from './format.js';
import type { HmacSha256 } from './format.js';
import { FingerprintError } from './errors.js';
import { deriveSubKeys } from './keys.js';
import type { SubKeys } from './keys.js';
import type { MinHashParameters } from './minhash.js';
import { buildBandFilter } from './band-filter.js';
import type { BandFilter } from './band-filter.js';
import { buildAnchorFilter } from './tables.js';
import type { AnchorFilter } from './tables.js';
import type { ColumnClass, ColumnKind } from './types.js';

/** The index header: parameters, column classification and counts (no plaintext). */
export interface IndexHeader {
  readonly params: MinHashParameters & {
    /** Anchor length in normal-form characters (also the shortest pattern). */
    readonly anchor: number;
    /** The longest pattern, in normal-form characters: the scanner keeps this much tail. */
    readonly maxPattern: number;
    readonly bBits: number;
    /** Normal-form characters per near-match window (about a record). */
    readonly nearWindow: number;
    /** log2 of the buckets per LSH band. */
    readonly bucketBits: number;
    /** Low bits of a band entry holding the record id; the bits above are check bits of the band hash. */
    readonly idBits: number;
  };
  readonly columns: readonly ColumnClass[];
  readonly counts: {
    readonly records: number;
    readonly canaries: number;
    readonly patterns: number;
    readonly canaryPatterns: number;
  };
}

/** The tables, in serialisation order. */
export interface IndexTables {
  /** Token set of exact patterns ([lo, hi] slots). */
  readonly exact: Uint32Array;
  /** Token set of canary patterns. */
  readonly canary: Uint32Array;
  /** Anchor slots [tag, start, count]. */
  readonly anchorSlots: Uint32Array;
  /** Pattern lengths per anchor (PREFIX_FLAG marks a prefix anchor). */
  readonly anchorLengths: Uint16Array;
  /** b-bit MinHash signatures, hashFunctions/2 bytes per record. */
  readonly signatures: Uint8Array;
  /** The record token [lo, hi] per record (what a near finding names). */
  readonly recordTokens: Uint32Array;
  /** Per band: bucket start offsets (2^bucketBits + 1 each). */
  readonly bandOffsets: Uint32Array;
  /** Per band: entries in bucket order (records each): check bits of the band hash above the record id. */
  readonly bandIds: Uint32Array;
}

/** A fingerprint index ready to scan with. */
export class FingerprintIndex {
  /** A bitset of the anchor tags, derived from `tables.anchorSlots` (the scanner's prefilter). */
  readonly anchorFilter: AnchorFilter;
  /** A bitset of the LSH band entries, derived from `tables.bandOffsets` and `bandIds` (the near prefilter). */
  readonly bandFilter: BandFilter;

  constructor(
    readonly header: IndexHeader,
    readonly keys: SubKeys,
    readonly tables: IndexTables,
  ) {
    this.anchorFilter = buildAnchorFilter(tables.anchorSlots);
    const { lshBands, bucketBits, idBits } = header.params;
    this.bandFilter = buildBandFilter(tables.bandOffsets, tables.bandIds, {
      lshBands,
      bucketBits,
      idBits,
      records: header.counts.records,
    });
  }

  /** Total bytes of the tables. */
  get tableBytes(): number {
    let n = 0;
    for (const a of Object.values(this.tables) as ArrayBufferView[]) n += a.byteLength;
    return n;
  }
}

const KINDS: readonly ColumnKind[] = ['id', 'name', 'email', 'text', 'low'];
const int = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

function parseHeader(raw: unknown): IndexHeader {
  const bad = (what: string): never => {
    throw new FingerprintError('FINGERPRINT_BAD_HEADER', `index header: bad ${what}`);
  };
  const h = raw as IndexHeader;
  if (typeof h !== 'object' || h === null || typeof h.params !== 'object' || h.params === null) bad('shape');
  const p = h.params;
  if (p.shingleUnit !== 'char' && p.shingleUnit !== 'token') bad('shingleUnit');
  if (!int(p.shingleSize, 1, 64) || !int(p.hashFunctions, 2, 1024) || !int(p.lshBands, 1, 1024))
    bad('minhash');
  if (p.hashFunctions % p.lshBands !== 0 || p.hashFunctions % 2 !== 0) bad('bands');
  if (!int(p.anchor, 1, 64) || !int(p.maxPattern, p.anchor, 4095) || p.bBits !== 4) bad('anchor');
  if (!int(p.nearWindow, 1, 1 << 20) || !int(p.bucketBits, 0, 30) || !int(p.idBits, 1, 31)) bad('near');
  if (
    !Array.isArray(h.columns) ||
    !(h.columns as readonly unknown[]).every((c) => {
      const col = c as Partial<ColumnClass> | null;
      return typeof col?.name === 'string' && KINDS.includes(col.kind as ColumnKind);
    })
  ) {
    bad('columns');
  }
  const c = h.counts;
  if (
    typeof c !== 'object' ||
    c === null ||
    ![c.records, c.canaries, c.patterns, c.canaryPatterns].every((n) => int(n, 0, 2 ** 32))
  ) {
    bad('counts');
  }
  return h;
}

const u32 = (b: Uint8Array): Uint32Array => new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);

/**
 * Load a serialised index under its fingerprint key.
 *
 * `opts.hmacSha256` checks the index's MAC (default: noble's, in JavaScript;
 * the gateway passes Node's, several times faster over a large index).
 *
 * @throws FingerprintError FINGERPRINT_TRUNCATED, _BAD_MAGIC, _BAD_VERSION, _WRONG_KEY, _TAMPERED, _BAD_HEADER
 * @example
 * const index = loadIndex(bytes, key);
 * const scanner = new Scanner(index, policy.scan);
 */
export function loadIndex(
  bytes: Uint8Array,
  key: Uint8Array,
  opts: { readonly hmacSha256?: HmacSha256 } = {},
): FingerprintIndex {
  const keys = deriveSubKeys(key);
  const { header, sections } = decodeIndex(bytes, keys, opts.hmacSha256);
  const h = parseHeader(header);
  if (sections.length !== 8)
    throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'index has the wrong sections');
  const [exact, canary, anchorSlots, anchorLengths, signatures, recordTokens, bandOffsets, bandIds] =
    sections as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
  const n = h.counts.records;
  const p = h.params;
  const tables: IndexTables = {
    exact: u32(exact),
    canary: u32(canary),
    anchorSlots: u32(anchorSlots),
    anchorLengths: new Uint16Array(
      anchorLengths.buffer,
      anchorLengths.byteOffset,
      anchorLengths.byteLength >>> 1,
    ),
    signatures,
    recordTokens: u32(recordTokens),
    bandOffsets: u32(bandOffsets),
    bandIds: u32(bandIds),
  };
  const pow2 = (x: number): boolean => x >= 2 && (x & (x - 1)) === 0;
  if (
    !pow2(tables.exact.length / 2) ||
    !pow2(tables.canary.length / 2) ||
    !pow2(tables.anchorSlots.length / 3) ||
    signatures.length !== (n * p.hashFunctions) / 2 ||
    tables.recordTokens.length !== 2 * n ||
    tables.bandOffsets.length !== p.lshBands * (2 ** p.bucketBits + 1) ||
    tables.bandIds.length !== p.lshBands * n ||
    n > 2 ** p.idBits
  ) {
    throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'index tables do not match the header');
  }
  return new FingerprintIndex(h, keys, tables);
}
