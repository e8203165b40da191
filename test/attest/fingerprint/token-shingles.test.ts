import t from 'tap';
import { DEFAULT_SCAN, IndexBuilder, loadIndex, Scanner } from '../../../attest/index.js';
import type { Finding } from '../../../attest/index.js';
import { SYNTHETIC_COLUMNS } from '../../../client/index.js';
import { KEY, rows } from './helpers.js';

// Token shingles (scan.shingleUnit 'token'): near-variants by shingles of whole
// tokens, over 300 synthetic rows (client/sdk/synthetic.ts, seed 11).
const scan = { ...DEFAULT_SCAN, shingleUnit: 'token' as const, shingleSize: 2 };
const data = rows(300);
const b = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, scan);
for (const r of data) b.addRecord(r);
const index = loadIndex(b.finish(), KEY);
const scanText = (text: string): Finding[] => {
  const s = new Scanner(index, scan);
  return [...s.push({ seq: 0, kind: 'text', text }), ...s.end()];
};

t.test('the index records token shingling and the scanner must match it', (t) => {
  t.equal(index.header.params.shingleUnit, 'token');
  t.throws(() => new Scanner(index, DEFAULT_SCAN), { code: 'FINGERPRINT_BAD_PARAMETERS' });
  t.end();
});

t.test('a record with its age changed is a near finding under token shingles', (t) => {
  const r = [...data[21]];
  r[3] = String(((Number(r[3]) + 29) % 70) + 18);
  const f = scanText(r.join(','));
  const near = f.find((x) => x.rule === 'near');
  t.ok(near, 'near finding');
  t.ok(near!.jaccard! >= scan.flagJaccard && near!.jaccard! < 1, `jaccard ${near?.jaccard}`);
  const exact = scanText(data[21].join(','));
  t.ok(exact.some((x) => x.rule === 'near' && x.token === near!.token && x.jaccard === 1));
  t.end();
});

t.test('honest text with few tokens gives no near finding', (t) => {
  t.same(
    scanText('step 10 loss 0.25 accuracy 0.5').filter((x) => x.rule === 'near'),
    [],
  );
  t.same(scanText('epoch'), []);
  t.end();
});
