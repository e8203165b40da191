import t from 'tap';
import {
  classifyValues,
  DEFAULT_SCAN,
  IndexBuilder,
  loadIndex,
  normalForm,
  Scanner,
} from '../../../attest/index.js';
import { KEY, rows } from './helpers.js';

// Column classification, and that low-entropy fields never become patterns.
const many = (f: (i: number) => string, n = 200): string[] => Array.from({ length: n }, (_, i) => f(i));

t.test('kinds from the data', (t) => {
  t.equal(classifyValues(many((i) => String(1_000_000 + i * 7919))), 'id');
  t.equal(classifyValues(many((i) => `user${i}@example.com`)), 'email');
  t.equal(
    classifyValues(
      many(
        (i) => `Name${String.fromCharCode(97 + (i % 26))} Sur${String.fromCharCode(97 + Math.floor(i / 26))}`,
      ),
    ),
    'name',
  );
  t.equal(classifyValues(many((i) => `a long free text note number ${i} about a visit`)), 'text');
  t.equal(classifyValues(many((i) => String(18 + (i % 70)))), 'low', 'an age');
  t.equal(classifyValues(many((i) => (i % 2 ? 'yes' : 'no'))), 'low', 'a yes/no');
  t.equal(classifyValues(many((i) => String(1000 + i))), 'low', 'four digits');
  t.equal(classifyValues(many((i) => (170 + i / 10).toFixed(1))), 'low', 'a measurement');
  t.equal(classifyValues(many((i) => ['New York', 'San Jose', 'Los Angeles'][i % 3])), 'low', 'a category');
  t.equal(classifyValues([]), 'low');
  t.equal(classifyValues(['', ' ']), 'low');
  t.end();
});

t.test('normal form', (t) => {
  t.equal(normalForm('John  SMITH, 12-34'), 'johnsmith1234');
  t.equal(normalForm('Ｆｕｌｌ　ｗｉｄｔｈ'), 'fullwidth');
  t.equal(normalForm('Émile Zoë 𝟗'), 'émilezoë9');
  t.end();
});

t.test('low-entropy fields never become patterns', (t) => {
  const data = rows(300);
  const b = new IndexBuilder(KEY, ['age', 'smoker', 'label', 'bp'], DEFAULT_SCAN);
  for (const r of data) b.addRecord([r[3], r[9], r[10], r[6]]);
  const index = loadIndex(b.finish(), KEY);
  t.ok(index.header.columns.every((c) => c.kind === 'low'));
  t.equal(index.header.counts.patterns, 0, 'no field and no short record is a pattern');
  const s = new Scanner(index, DEFAULT_SCAN);
  const f = data
    .slice(0, 50)
    .flatMap((r, i) => s.push({ seq: i, kind: 'text', text: `${r[3]},${r[9]},${r[10]},${r[6]}` }));
  t.same(
    f.filter((x) => x.rule !== 'near'),
    [],
  );
  t.end();
});

t.test('classification waits for a sample, then indexes what it held', (t) => {
  const data = rows(1200);
  const b = new IndexBuilder(KEY, ['name', 'id'], DEFAULT_SCAN);
  t.equal(b.classification, undefined);
  for (const r of data) b.addRecord([r[0], r[1]]);
  t.same(
    b.classification?.map((c) => c.kind),
    ['name', 'id'],
  );
  const index = loadIndex(b.finish(), KEY);
  t.equal(index.header.counts.records, 1200);
  t.end();
});
