import t from 'tap';
import { bandBit, buildBandFilter } from '../../../attest/fingerprint/band-filter.js';
import type { BandFilter } from '../../../attest/fingerprint/band-filter.js';
import type { FingerprintIndex } from '../../../attest/index.js';
import { indexOf, rows } from './helpers.js';

// The near prefilter (docs/fingerprint.md, "Scan cost"): every band entry's bit is set, so the
// filter never hides a candidate the bucket walk would find. Rows: the seeded synthetic generator.
const isSet = (f: BandFilter, bit: number): boolean => (f.bits[bit >>> 5] & (1 << (bit & 31))) !== 0;

// The band entries of `index` whose bit is clear (must be none), and how many entries there are.
function unset(index: FingerprintIndex): { missing: number; entries: number } {
  const { lshBands, bucketBits, idBits } = index.header.params;
  const n = index.header.counts.records;
  const { bandOffsets, bandIds } = index.tables;
  const buckets = 2 ** bucketBits;
  let missing = 0;
  let entries = 0;
  for (let b = 0; b < lshBands; b++) {
    for (let k = 0; k < buckets; k++) {
      const off = b * (buckets + 1) + k;
      for (let j = bandOffsets[off]; j < bandOffsets[off + 1]; j++) {
        // A band hash with this entry's bucket and check bits (the bits below the check bits are free).
        const h = (bucketBits === 0 ? 0 : k * 2 ** (32 - bucketBits)) + (bandIds[b * n + j] >>> idBits);
        entries++;
        if (!isSet(index.bandFilter, bandBit(index.bandFilter, b, k, h >>> 0))) missing++;
      }
    }
  }
  return { missing, entries };
}

t.test('every band entry of an index has its bit', (t) => {
  t.same(unset(indexOf(rows(3000))), { missing: 0, entries: 32 * 3000 });
  t.same(unset(indexOf(rows(3), false)), { missing: 0, entries: 32 * 3 });
  t.end();
});

t.test('the filter is sparse: most bits are clear', (t) => {
  const index = indexOf(rows(3000));
  let set = 0;
  for (const w of index.bandFilter.bits) for (let x = w; x !== 0; x &= x - 1) set++;
  t.ok(set <= (32 * index.bandFilter.bits.length) / 8, `${set} of ${32 * index.bandFilter.bits.length}`);
  t.end();
});

t.test('bucket bits past the filter size are dropped, not lost', (t) => {
  // A hand-made band table: 1 band of 2^12 buckets, 16 records, one in every 256th bucket.
  const bucketBits = 12;
  const idBits = 4;
  const offsets = new Uint32Array(2 ** bucketBits + 1);
  const ids = new Uint32Array(16);
  for (let k = 0; k < 2 ** bucketBits; k++) offsets[k + 1] = offsets[k] + (k % 256 === 0 ? 1 : 0);
  for (let j = 0; j < 16; j++) ids[j] = ((((j * 2654435761) >>> 0) << idBits) | j) >>> 0;
  const f = buildBandFilter(offsets, ids, { lshBands: 1, bucketBits, idBits, records: 16 });
  t.same([f.log, f.checkBits, f.drop], [7, 0, 5]);
  for (let j = 0; j < 16; j++) t.ok(isSet(f, bandBit(f, 0, j * 256, ids[j] >>> idBits)), `record ${j}`);
  t.notOk(isSet(f, bandBit(f, 0, 128, 0)), 'an empty bucket range');
  t.end();
});
