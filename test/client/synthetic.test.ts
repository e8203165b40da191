/**
 * The synthetic dataset (client/sdk/synthetic.ts) and `sealgate dataset
 * generate`: deterministic from the seed, well-formed fictional people with
 * valid national IDs, and a label that follows the measurements.
 */
import t from 'tap';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  SYNTHETIC_COLUMNS,
  datasetChunks,
  generateDataset,
  isValidNationalId,
  luhnCheckDigit,
} from '../../client/index.js';
import { sealgate } from './cli/sealgate.js';

const rowsOf = (csv: string): string[][] =>
  csv
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));

t.test('the Luhn check digit (ISO/IEC 7812-1 annex B)', (t) => {
  // Worked example from ISO/IEC 7812-1 as commonly quoted: 7992739871 has check digit 3.
  t.equal(luhnCheckDigit('7992739871'), 3);
  t.equal(luhnCheckDigit('0'), 0);
  t.equal(luhnCheckDigit('1'), 8);
  t.ok(isValidNationalId('1234567897'), '123456789 + 7');
  t.notOk(isValidNationalId('1234567890'), 'a wrong check digit');
  t.notOk(isValidNationalId('0234567897'), 'no leading zero');
  t.notOk(isValidNationalId('123456789'), 'too short');
  t.throws(() => luhnCheckDigit('12a'), TypeError);
  t.throws(() => luhnCheckDigit(''), TypeError);
  t.end();
});

t.test('the same seed gives the same bytes; another seed other bytes', (t) => {
  const a = generateDataset({ rows: 300, seed: 42 });
  t.equal(generateDataset({ rows: 300, seed: 42n }), a, 'a bigint seed is the same seed');
  t.not(generateDataset({ rows: 300, seed: 43 }), a);
  t.equal(generateDataset({ rows: 0, seed: 1 }), SYNTHETIC_COLUMNS.join(',') + '\n', 'just the header');
  const chunks = [...datasetChunks({ rows: 3000, seed: 42 }, 4096)];
  t.ok(chunks.length > 20, 'many chunks');
  t.ok(
    chunks.every((c) => c.endsWith('\n')),
    'whole lines per chunk',
  );
  t.equal(chunks.join(''), generateDataset({ rows: 3000, seed: 42 }));
  t.ok(generateDataset({ rows: 3000, seed: 42 }).startsWith(a), 'more rows extend the same sequence');
  // A pinned row: if this changes, every seeded dataset (and the demo's) changes too.
  t.equal(
    generateDataset({ rows: 1, seed: 5 }).split('\n')[1],
    'Sami Dvorak,7488942686,sami.dvorak1@example.net,22,174.7,96.6,133,77,4.0,no,0',
  );
  t.end();
});

t.test('fictional people: every field well-formed and in range', (t) => {
  const rows = rowsOf(generateDataset({ rows: 5000, seed: 7 }));
  t.equal(rows.length, 5000);
  const bad = rows.filter((r) => {
    const [name, id, email, age, height, weight, sys, dia, chol, smoker, label] = r;
    return (
      r.length !== SYNTHETIC_COLUMNS.length ||
      !/^[A-Z][a-z]+ [A-Z][a-z]+( [A-Z][a-z]+)?$/.test(name) ||
      !isValidNationalId(id) ||
      !/^[a-z]+\.[a-z]+[0-9]{1,2}@example\.(com|org|net)$/.test(email) ||
      +age < 18 ||
      +age > 90 ||
      +height < 145 ||
      +height > 205 ||
      +weight <= 0 ||
      +dia >= +sys + 20 ||
      +chol < 2.5 ||
      +chol > 10 ||
      !['yes', 'no'].includes(smoker) ||
      !['0', '1'].includes(label)
    );
  });
  t.same(bad, [], 'no malformed row');
  const ids = new Set(rows.map((r) => r[1]));
  t.ok(ids.size > 4990, 'national IDs are nearly all distinct');
  const smokers = rows.filter((r) => r[9] === 'yes').length / rows.length;
  t.ok(smokers > 0.18 && smokers < 0.26, `about 22% smoke (${smokers})`);
  t.end();
});

t.test('the label follows the measurements (a noisy logistic rule)', (t) => {
  const rows = rowsOf(generateDataset({ rows: 20_000, seed: 9 }));
  const rate = (pick: (r: string[]) => boolean): number => {
    const group = rows.filter(pick);
    return group.filter((r) => r[10] === '1').length / group.length;
  };
  const all = rate(() => true);
  t.ok(all > 0.3 && all < 0.5, `positives ${all}: both classes well represented`);
  t.ok(rate((r) => r[9] === 'yes') > rate((r) => r[9] === 'no') + 0.15, 'smokers are at more risk');
  t.ok(rate((r) => +r[3] >= 70) > rate((r) => +r[3] < 35) + 0.3, 'so are the old');
  t.ok(rate((r) => +r[8] >= 6) > rate((r) => +r[8] < 4.5) + 0.2, 'and high cholesterol');
  t.ok(rate((r) => +r[3] >= 70) < 0.95, 'but noisy: not a deterministic rule');
  t.end();
});

t.test('bad options are programming mistakes (TypeError)', (t) => {
  t.throws(() => generateDataset({ rows: -1, seed: 1 }), TypeError);
  t.throws(() => generateDataset({ rows: 1.5, seed: 1 }), TypeError);
  t.throws(() => generateDataset({ rows: 1, seed: 0.5 }), TypeError);
  t.end();
});

t.test('sealgate dataset generate: stdout, --out with --json, usage and I/O errors', async (t) => {
  const dir = t.testdir({});
  const out = join(dir, 'people.csv');
  const stdout = await sealgate('dataset', 'generate', '--rows', '50', '--seed', '3');
  t.equal(stdout.code, 0, stdout.stderr);
  t.equal(stdout.stdout, generateDataset({ rows: 50, seed: 3 }));
  const file = await sealgate('dataset', 'generate', '--rows', '50', '--seed', '3', '--out', out, '--json');
  t.equal(file.code, 0, file.stderr);
  const bytes = Buffer.byteLength(stdout.stdout);
  t.same(JSON.parse(file.stdout), { out, rows: 50, seed: 3, bytes });
  t.equal(readFileSync(out, 'utf8'), stdout.stdout);
  t.equal(statSync(out).mode & 0o777, 0o600, 'personal data, even fictional, is written 0600');
  const human = await sealgate('dataset', 'generate', '--rows', '2', '--seed', '3', '-o', out);
  t.match(human.stdout, /^generated 2 synthetic people \(seed 3\) -> .*people\.csv: \d+ bytes\n$/);

  const usage: string[][] = [
    ['--seed', '3'],
    ['--rows', '5'],
    ['--rows', 'ten', '--seed', '3'],
    ['--rows', '5', '--seed', '1.5'],
    ['--rows', '100000001', '--seed', '3'],
    ['--rows', '5', '--seed', '3', '--json'],
    ['--rows', '5', '--seed', '3', '--out', ''],
  ];
  for (const args of usage) {
    const r = await sealgate('dataset', 'generate', ...args);
    t.equal(r.code, 1, args.join(' '));
    t.match(r.stderr, /^sealgate: [^\n]+ \(CLI_USAGE\)\n$/, args.join(' '));
  }
  const io = await sealgate(
    'dataset',
    'generate',
    '--rows',
    '5',
    '--seed',
    '3',
    '--out',
    join(dir, 'no', 'x'),
  );
  t.match(io, { code: 1, stderr: /^sealgate: [^\n]+: ENOENT \(CLI_IO\)\n$/ });
  t.same(readdirSync(dir), ['people.csv'], 'no temporary file left');
});
