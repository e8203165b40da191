import t from 'tap';
import { classifyValues, DEFAULT_SCAN, IndexBuilder, loadIndex, Scanner } from '../../../attest/index.js';
import { SYNTHETIC_COLUMNS } from '../../../client/index.js';
import { KEY, rows } from './helpers.js';

// Small listings (50 rows or fewer) are classified by value shape (docs/fingerprint.md): a 20-row
// synthetic dataset (client/sdk/synthetic.ts, seed 11) gets name, ID and e-mail patterns; low-entropy
// columns never become patterns.
const n20 = (f: (i: number) => string): string[] => Array.from({ length: 20 }, (_, i) => f(i));

t.test('shapes in a 20-value sample', (t) => {
  t.equal(classifyValues(n20((i) => String(40_000_000 + i * 7919))), 'id', 'fixed-length digits');
  t.equal(classifyValues(n20((i) => `${100 + i}-${2000 + i * 3}`)), 'id', 'digits with separators');
  t.equal(classifyValues(n20((i) => `user${i}@example.com`)), 'email');
  t.equal(
    classifyValues(n20((i) => `Name${String.fromCharCode(97 + i)} Surname${String.fromCharCode(98 + i)}`)),
    'name',
  );
  t.equal(classifyValues(n20((i) => `a long free text note number ${i} about a visit`)), 'text');
  t.equal(classifyValues(n20((i) => (i % 3 ? 'yes' : 'no'))), 'low', 'a yes/no');
  t.equal(classifyValues(n20((i) => String(i % 2))), 'low', 'a label');
  t.equal(classifyValues(n20((i) => String(18 + i))), 'low', 'distinct small integers');
  t.equal(classifyValues(n20((i) => String(1000 + i))), 'low', 'four digits');
  t.equal(classifyValues(n20((i) => (170 + i / 10).toFixed(1))), 'low', 'a measurement');
  t.equal(
    classifyValues(n20((i) => ['New York', 'San Jose', 'Los Angeles'][i % 3])),
    'low',
    'a repeated capitalised category',
  );
  t.equal(classifyValues(n20((i) => `lower case ${i}`)), 'low', 'words that are not capitalised');
  t.equal(
    classifyValues(n20((i) => String(10 ** (6 + (i % 5)) + i))),
    'low',
    'digits of varying lengths, not Luhn',
  );
  t.end();
});

t.test('a 20-row listing: name, ID and e-mail are patterns alone; low fields never', (t) => {
  const data = rows(20);
  const b = new IndexBuilder(KEY, SYNTHETIC_COLUMNS, DEFAULT_SCAN);
  for (const r of data) b.addRecord(r);
  const index = loadIndex(b.finish(), KEY);
  t.same(
    index.header.columns.map((c) => c.kind),
    ['name', 'id', 'email', 'low', 'low', 'low', 'low', 'low', 'low', 'low', 'low'],
  );
  const s = new Scanner(index, DEFAULT_SCAN);
  for (const [seq, c] of [0, 1, 2].entries()) {
    t.ok(
      s.push({ seq, kind: 'text', text: `value ${data[5][c]} end` }).some((f) => f.rule === 'exact'),
      `${SYNTHETIC_COLUMNS[c]} alone is found`,
    );
  }
  const low = data.map((r) => r.slice(3).join(' ')).join('\n');
  t.same(
    s.push({ seq: 9, kind: 'text', text: low }).filter((f) => f.rule === 'exact'),
    [],
    'the low fields of every row, together, match nothing',
  );
  t.end();
});
