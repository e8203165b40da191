/**
 * The index builder (docs/egress-protocol.md section 1), run by the seller's
 * client over the plaintext: distinctive values and whole records as exact
 * patterns, planted canaries' values as canary patterns, and each record's
 * keyed MinHash signature in LSH band tables.
 */
import { classifyColumns, isDistinctive, MIN_PATTERN } from './classify.js';
import { FingerprintError } from './errors.js';
import { encodeIndex } from './format.js';
import type { HmacSha256 } from './format.js';
import { anchorHash, hashWindow, sipOut } from './hashing.js';
import type { IndexHeader } from './fingerprint-index.js';
import { deriveSubKeys } from './keys.js';
import type { SubKeys } from './keys.js';
import { MinHasher } from './minhash.js';
import { NormalBuffer } from './normal.js';
import { buildAnchorTable, buildTokenSet, PREFIX_FLAG } from './tables.js';
import type { ColumnClass, ScanParameters } from './types.js';

/** Rows sampled to classify the columns before any is indexed. */
export const CLASSIFY_SAMPLE = 1000;
/** Patterns longer than this (normal-form characters) are indexed by their first MAX_PATTERN. */
export const MAX_PATTERN = 512;
/** A record with no distinctive field is a pattern only from this length (normal form). */
export const MIN_RECORD_ALONE = 24;

// A growable typed array.
class Grow<T extends Uint32Array | Uint8Array | Float64Array> {
  length = 0;
  constructor(public data: T) {}
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return;
    const next = new (this.data.constructor as new (n: number) => T)(
      Math.max(2 * this.data.length, this.length + n),
    );
    next.set(this.data);
    this.data = next;
  }
  push(v: number): void {
    this.reserve(1);
    this.data[this.length++] = v;
  }
  view(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** Builds a fingerprint index from a dataset's rows and its planted canaries. */
export class IndexBuilder {
  private readonly keys: SubKeys;
  private readonly hasher: MinHasher;
  private readonly columns: readonly string[];
  private classes: ColumnClass[] | undefined;
  private pending: { fields: readonly string[]; canary: boolean }[] = [];
  private readonly tokens = {
    exact: [new Grow(new Uint32Array(1024)), new Grow(new Uint32Array(1024))],
    canary: [new Grow(new Uint32Array(64)), new Grow(new Uint32Array(64))],
  };
  private readonly anchors = new Grow(new Float64Array(1024));
  private readonly signatures = new Grow(new Uint8Array(1024));
  private readonly recordTokens = new Grow(new Uint32Array(1024));
  // One array of band hashes per band, so that finish() sorts each band reading it in order.
  private readonly bandHashes: Grow<Uint32Array>[];
  private records = 0;
  private canaries = 0;
  private recordChars = 0;
  private maxPattern = MIN_PATTERN;
  private finished = false;
  private readonly field = new NormalBuffer();
  private readonly record = new NormalBuffer();
  // The last token hashed by pattern() (anchor hashes overwrite sipOut after it).
  private readonly token = new Uint32Array(2);

  /**
   * @param opts.hmacSha256 - MACs the finished index (default: noble's, in
   *   JavaScript; a Node client passes Node's `createHmac`, several times faster)
   */
  constructor(
    key: Uint8Array,
    columns: readonly string[],
    scan: Pick<ScanParameters, 'shingleUnit' | 'shingleSize' | 'hashFunctions' | 'lshBands'>,
    private readonly opts: { readonly hmacSha256?: HmacSha256 } = {},
  ) {
    if (scan.hashFunctions % scan.lshBands !== 0 || scan.hashFunctions % 2 !== 0) {
      throw new FingerprintError(
        'FINGERPRINT_BAD_PARAMETERS',
        'lshBands must divide hashFunctions, which must be even',
      );
    }
    this.keys = deriveSubKeys(key);
    this.columns = [...columns];
    this.hasher = new MinHasher(this.keys.minhash, {
      shingleUnit: scan.shingleUnit,
      shingleSize: scan.shingleSize,
      hashFunctions: scan.hashFunctions,
      lshBands: scan.lshBands,
    });
    this.bandHashes = Array.from({ length: scan.lshBands }, () => new Grow(new Uint32Array(1024)));
  }

  /** Add a dataset row (as many fields as columns). */
  addRecord(fields: readonly string[]): void {
    this.add(fields, false);
  }

  /** Add a planted canary row: its distinctive values become canary patterns. */
  addCanary(fields: readonly string[]): void {
    this.add(fields, true);
  }

  /** The column classification (decided after the first CLASSIFY_SAMPLE rows, or at finish). */
  get classification(): readonly ColumnClass[] | undefined {
    return this.classes;
  }

  private add(fields: readonly string[], canary: boolean): void {
    if (this.finished) throw new TypeError('the index is finished');
    if (fields.length !== this.columns.length) throw new TypeError(`a row has ${this.columns.length} fields`);
    if (this.classes) return this.index(fields, canary);
    this.pending.push({ fields: [...fields], canary });
    if (this.pending.filter((r) => !r.canary).length >= CLASSIFY_SAMPLE) this.classify();
  }

  private classify(): void {
    const sample = this.pending.filter((r) => !r.canary).map((r) => r.fields);
    this.classes = classifyColumns(
      this.columns,
      sample.length > 0 ? sample : this.pending.map((r) => r.fields),
    );
    const pending = this.pending;
    this.pending = [];
    for (const r of pending) this.index(r.fields, r.canary);
  }

  private index(fields: readonly string[], canary: boolean): void {
    let distinctive = false;
    for (let c = 0; c < fields.length; c++) {
      const nf = this.field.set(fields[c]);
      if (isDistinctive(this.classes![c].kind, nf.length)) {
        distinctive = true;
        this.pattern(nf.units, nf.length, canary);
      }
    }
    const record = this.record.set(fields.join(','));
    const length = record.length;
    const whole = length >= MIN_PATTERN && (distinctive || length >= MIN_RECORD_ALONE);
    // The record's token is hashed once: as its pattern's token when it is one (left in sipOut).
    if (whole) this.pattern(record.units, length, canary);
    if (canary) {
      this.canaries++;
      return;
    }
    if (!whole) {
      hashWindow(this.keys.token, record.units, 0, Math.min(length, MAX_PATTERN), false);
      this.token[0] = sipOut[0];
      this.token[1] = sipOut[1];
    }
    this.recordTokens.push(this.token[0]);
    this.recordTokens.push(this.token[1]);
    this.recordChars += length;
    const k = this.hasher.params.hashFunctions;
    const bands = this.hasher.params.lshBands;
    const mins =
      this.hasher.minima(record.units, record.bounds, 0, length) ?? new Uint32Array(k).fill(0xffffffff);
    this.signatures.reserve(k / 2);
    this.hasher.packSignature(mins, this.signatures.data, this.signatures.length);
    this.signatures.length += k / 2;
    for (let b = 0; b < bands; b++) this.bandHashes[b].push(this.hasher.bandHash(mins, b));
    this.records++;
  }

  // A pattern: its token (cut at MAX_PATTERN) and its prefix and suffix anchors, hashed from the units in place.
  private pattern(units: Uint16Array, full: number, canary: boolean): void {
    const length = Math.min(full, MAX_PATTERN);
    hashWindow(this.keys.token, units, 0, length, false);
    const [los, his] = canary ? this.tokens.canary : this.tokens.exact;
    los.push(sipOut[0]);
    his.push(sipOut[1]);
    this.token[0] = sipOut[0];
    this.token[1] = sipOut[1];
    const a = MIN_PATTERN;
    const prefix = anchorHash(this.keys.anchor, units, 0, a);
    const suffix = anchorHash(this.keys.anchor, units, length - a, a);
    this.anchors.push(prefix * 65536 + (length | PREFIX_FLAG));
    this.anchors.push(suffix * 65536 + length);
    this.maxPattern = Math.max(this.maxPattern, length);
  }

  /** Serialise the index; the builder cannot be used afterwards. */
  finish(): Uint8Array {
    if (!this.classes) this.classify();
    this.finished = true;
    const p = this.hasher.params;
    const n = this.records;
    const bucketBits = Math.max(0, Math.ceil(Math.log2(Math.max(1, n / 4))));
    const buckets = 2 ** bucketBits;
    // Each band entry: the record id in the low idBits, check bits of its band hash above (near.ts).
    const idBits = Math.max(1, Math.ceil(Math.log2(Math.max(1, n))));
    const checkMask = 0xffffffff >>> idBits;
    // Counting sort of each band's records by bucket (the top bucketBits of the band hash).
    const bandOffsets = new Uint32Array(p.lshBands * (buckets + 1));
    const bandIds = new Uint32Array(p.lshBands * n);
    const shift = 32 - bucketBits;
    const bucketOf = (h: number): number => (bucketBits === 0 ? 0 : h >>> shift);
    for (let b = 0; b < p.lshBands; b++) {
      const off = b * (buckets + 1);
      const hashes = this.bandHashes[b].view();
      for (let r = 0; r < n; r++) bandOffsets[off + bucketOf(hashes[r]) + 1]++;
      for (let i = 1; i <= buckets; i++) bandOffsets[off + i] += bandOffsets[off + i - 1];
      const fill = bandOffsets.slice(off, off + buckets);
      for (let r = 0; r < n; r++) {
        const h = hashes[r];
        bandIds[b * n + fill[bucketOf(h)]++] = (((h & checkMask) << idBits) | r) >>> 0;
      }
    }
    const anchors = this.anchors.view().sort();
    let m = 0;
    for (let i = 0; i < anchors.length; i++)
      if (i === 0 || anchors[i] !== anchors[m - 1]) anchors[m++] = anchors[i]!;
    const anchorTable = buildAnchorTable(anchors.subarray(0, m));
    const [el, eh] = this.tokens.exact;
    const [cl, ch] = this.tokens.canary;
    const header: IndexHeader = {
      params: {
        ...p,
        anchor: MIN_PATTERN,
        maxPattern: this.maxPattern,
        bBits: 4,
        nearWindow: Math.max(MIN_PATTERN, Math.round(n > 0 ? this.recordChars / n : 64)),
        bucketBits,
        idBits,
      },
      columns: this.classes!,
      counts: { records: n, canaries: this.canaries, patterns: el.length, canaryPatterns: cl.length },
    };
    return encodeIndex(
      this.keys,
      header,
      [
        buildTokenSet(el.data, eh.data, el.length),
        buildTokenSet(cl.data, ch.data, cl.length),
        anchorTable.slots,
        anchorTable.lengths,
        this.signatures.view(),
        this.recordTokens.view(),
        bandOffsets,
        bandIds,
      ],
      this.opts.hmacSha256,
    );
  }
}
