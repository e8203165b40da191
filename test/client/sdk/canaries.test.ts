/**
 * Canaries (client/sdk/canaries.ts, fingerprint-shapes.ts, fingerprint-csv.ts;
 * docs/canaries.md) over the synthetic dataset (client/sdk/synthetic.ts):
 * rows in the dataset's shape that never collide with a real row, planted
 * R times each without losing or changing an original row.
 */
import t from 'tap';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateDataset, isValidNationalId } from '../../../client/index.js';
import {
  HELD_OUT_FACTOR,
  csvLine,
  csvRecords,
  learnShape,
  makeCanaries,
  normalForm,
  plantCanaries,
  writeCanarySet,
} from '../../../client/index.js';

async function records(path: string): Promise<string[][]> {
  const out: string[][] = [];
  for await (const r of csvRecords(path)) out.push(r.fields);
  return out;
}

t.test('canaries have the dataset shape and never collide with real rows', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'people.csv');
  const csv = generateDataset({ rows: 3000, seed: 11 });
  await writeFile(file, csv);
  const shape = await learnShape(file);
  t.equal(shape.rows, 3000);
  t.same(
    shape.columns.map((c) => [c.name, c.kind]),
    [
      ['name', 'name'],
      ['national_id', 'id'],
      ['email', 'email'],
      ['age', 'value'],
      ['height_cm', 'value'],
      ['weight_kg', 'value'],
      ['systolic_bp', 'value'],
      ['diastolic_bp', 'value'],
      ['cholesterol_mmol', 'value'],
      ['smoker', 'value'],
      ['label', 'label'],
    ],
  );
  t.ok(shape.columns[1].luhn, 'the national ids pass the Luhn test');

  const set = makeCanaries(shape, 20);
  t.equal(set.planted.length, 20);
  t.equal(set.heldOut.length, 20 * HELD_OUT_FACTOR);
  const real = (await records(file)).slice(1);
  const realValues = new Set(real.flatMap((r) => [r[0], r[1], r[2]].map(normalForm)));
  const realRows = new Set(real.map((r) => r.join(',')));
  const observed = (c: number) => new Set(real.map((r) => r[c]));
  const all = [...set.planted, ...set.heldOut];
  const every = (what: string, ok: (row: string[]) => boolean) => {
    const bad = all.filter((row) => !ok(row));
    t.same(bad, [], what);
  };
  every('11 fields', (row) => row.length === 11);
  every('a name is First Surname (as many words as a real one)', (row) =>
    /^[A-Z][a-z]+( [A-Z][a-z]+)+$/.test(row[0]),
  );
  every('a valid national id', (row) => isValidNationalId(row[1]));
  every('an e-mail local@domain, the domain observed', (row) =>
    /^[a-z]+(\.[a-z]+)+[0-9]{1,2}@example\.(com|org|net)$/.test(row[2]),
  );
  every('other fields drawn from the observed values', (row) =>
    [3, 4, 5, 6, 7, 8, 9].every((c) => observed(c).has(row[c])),
  );
  every('a label', (row) => ['0', '1'].includes(row[10]));
  every('no distinctive value is a real one', (row) =>
    row.slice(0, 3).every((v) => !realValues.has(normalForm(v))),
  );
  every('no row is a real one', (row) => !realRows.has(row.join(',')));
  const distinct = new Set(all.flatMap((r) => r.slice(0, 3)));
  t.equal(distinct.size, all.length * 3, 'no two canaries share a distinctive value');
});

t.test('planting keeps every original row and adds N x R; the canary set CSV', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'people.csv');
  const csv = generateDataset({ rows: 500, seed: 3 });
  await writeFile(file, csv);
  const shape = await learnShape(file);
  const set = makeCanaries(shape, 6);
  const out = join(dir, 'planted.csv');
  const seen: [string, boolean][] = [];
  const written = await plantCanaries(file, out, shape, set, 3, (f, canary) => seen.push([f[1], canary]));
  t.equal(written, 500 + 18);
  t.equal((await stat(out)).mode & 0o777, 0o600);
  const lines = (await readFile(out, 'utf8')).split('\n');
  const canaryLines = new Set(set.planted.map((r) => csvLine(r)));
  t.same(
    lines.filter((l) => !canaryLines.has(l)),
    csv.split('\n'),
    'without the canaries, the planted file is the original byte for byte',
  );
  for (const line of canaryLines) t.equal(lines.filter((l) => l === line).length, 3, 'each canary 3 times');
  t.equal(seen.length, 518);
  t.equal(seen.filter(([, c]) => c).length, 18);
  t.notOk(
    lines.slice(0, 1).some((l) => canaryLines.has(l)),
    'the header stays first',
  );

  const setFile = join(dir, 'canaries.csv');
  await writeCanarySet(setFile, shape, set);
  const rows = await records(setFile);
  t.same(rows[0], shape.header);
  t.same(rows.slice(1, 7), set.planted);
  t.same(rows.slice(7), set.heldOut);
});

t.test('the CSV reader: quotes, commas, line breaks in fields, CRLF, no final newline', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'q.csv');
  const text = 'name,note\r\n"Anna Smith","said ""hi""\r\nthen left"\r\n\r\nBo Lee,plain';
  await writeFile(file, text);
  const got = [];
  for await (const r of csvRecords(file)) got.push(r);
  t.same(
    got.map((r) => r.fields),
    [['name', 'note'], ['Anna Smith', 'said "hi"\r\nthen left'], [''], ['Bo Lee', 'plain']],
  );
  t.equal(got.map((r) => r.raw).join(''), text, 'the raw texts are the file');
  t.equal(csvLine(['Smith, Anna', 'said "hi"', 'x']), '"Smith, Anna","said ""hi""",x');

  const shape = await learnShape(file);
  t.equal(shape.lineEnding, '\r\n');
  t.equal(shape.rows, 2);
  const out = join(dir, 'p.csv');
  await plantCanaries(file, out, shape, makeCanaries(shape, 1), 1);
  const planted = await readFile(out, 'utf8');
  t.ok(planted.includes('"Anna Smith","said ""hi""\r\nthen left"\r\n'), 'a quoted record copied as it was');
  t.ok(planted.endsWith('\r\n'), 'the last line gets a line break');
});

t.test('bad input has its code', async (t) => {
  const dir = t.testdir();
  const write = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  await t.rejects(learnShape(await write('empty.csv', '')), { code: 'CANARY_CSV_EMPTY' });
  await t.rejects(learnShape(await write('header.csv', 'a,b\n')), { code: 'CANARY_CSV_EMPTY' });
  await t.rejects(learnShape(await write('ragged.csv', 'a,b\n1,2\n3\n')), { code: 'CANARY_CSV_MALFORMED' });
  await t.rejects(learnShape(await write('open.csv', 'a,b\n"1,2\n')), { code: 'CANARY_CSV_MALFORMED' });
  await t.rejects(learnShape(await write('after.csv', 'a,b\n"1"x,2\n')), { code: 'CANARY_CSV_MALFORMED' });
  const flat = await learnShape(await write('flat.csv', 'a,b\nx,y\nx,y\n'));
  t.throws(() => makeCanaries(flat, 1), { code: 'CANARY_NO_FRESH_VALUE' }, 'no row can be fresh');
  t.throws(() => makeCanaries(flat, 0), { code: 'CANARY_BAD_OPTIONS' });
  t.throws(() => makeCanaries(flat, 1001), { code: 'CANARY_BAD_OPTIONS' });
  const ok = await learnShape(await write('ok.csv', 'id,v\n1234567,a\n2345678,b\n'));
  const set = makeCanaries(ok, 2);
  await t.rejects(plantCanaries(join(dir, 'ok.csv'), join(dir, 'o.csv'), ok, set, 0), {
    code: 'CANARY_BAD_OPTIONS',
  });
});
