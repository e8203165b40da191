import t from 'tap';
import { DEFAULT_SCAN, FingerprintError, Scanner } from '../../../attest/index.js';
import { CANARY, indexOf, rows, scan_, scanTexts } from './helpers.js';

// The scanner against an index of 500 synthetic rows: each decoder, split
// patterns, canaries, near-variants (docs/egress-protocol.md section 1).
const data = rows(500);
const index = indexOf(data);
const line = (i: number): string => data[i].join(',');
// The token of record i's exact (whole-record) pattern: the last exact finding of its line.
const near0 = (i: number): string | undefined =>
  scanTexts(index, [line(i)])
    .filter((x) => x.rule === 'exact')
    .at(-1)?.token;

t.test('a raw record is an exact finding in the plain stream', (t) => {
  const f = scanTexts(index, ['loss', `leaked: ${line(3)}`]);
  t.ok(f.some((x) => x.rule === 'exact' && x.decoder === 'plain' && x.seqs.join() === '1'));
  t.ok(
    f.every((x) => /^[0-9a-f]{16}$/.test(x.token)),
    'tokens are keyed hashes, never plaintext',
  );
  t.notOk(JSON.stringify(f).includes(data[3][1]), 'no plaintext in findings');
  t.end();
});

t.test('each distinctive value alone is found', (t) => {
  for (const c of [0, 1, 2]) {
    const f = scanTexts(index, [`value ${data[4][c]} end`]);
    t.ok(
      f.some((x) => x.rule === 'exact'),
      `column ${c}`,
    );
  }
  t.end();
});

t.test('a record split over several pieces names all their seqs', (t) => {
  const l = line(5);
  const f = scanTexts(index, ['epoch 1', l.slice(0, 7), l.slice(7, 30), l.slice(30)]);
  t.ok(
    f.some((x) => x.rule === 'exact' && x.seqs.join() === '1,2,3'),
    'the whole record spans 1..3',
  );
  const id = data[6][1];
  const g = scanTexts(index, [id.slice(0, 3), id.slice(3, 6), id.slice(6)]);
  t.ok(
    g.some((x) => x.seqs.join() === '0,1,2'),
    'an ID split in three',
  );
  t.end();
});

t.test('decoders: base64, hex, url, reversed, digits', (t) => {
  const l = line(7);
  const b64 = scanTexts(index, [`payload ${Buffer.from(l).toString('base64')}`]);
  t.ok(
    b64.some((x) => x.rule === 'exact' && x.decoder === 'base64'),
    'base64',
  );
  const b64url = scanTexts(index, [Buffer.from(data[7][2]).toString('base64url')]);
  t.ok(
    b64url.some((x) => x.decoder === 'base64'),
    'base64url',
  );
  const hex = scanTexts(index, [`0x${Buffer.from(data[8][1]).toString('hex')}`]);
  t.ok(
    hex.some((x) => x.rule === 'exact' && x.decoder === 'hex'),
    'hex',
  );
  const url = scanTexts(index, [
    `q=${[...Buffer.from(data[9][2])].map((b) => '%' + b.toString(16)).join('')}`,
  ]);
  t.ok(
    url.some((x) => x.rule === 'exact' && x.decoder === 'url'),
    'url',
  );
  const rev = scanTexts(index, [[...line(10)].reverse().join('')]);
  t.ok(
    rev.some((x) => x.rule === 'exact' && x.decoder === 'reversed'),
    'reversed',
  );
  const halves = [...line(10)].reverse().join('');
  const rev2 = scanTexts(index, [halves.slice(0, 20), halves.slice(20)]);
  t.ok(
    rev2.some((x) => x.decoder === 'reversed' && x.seqs.join() === '0,1'),
    'reversed across pieces',
  );
  const id = data[11][1];
  const digits = scan_(index, [
    { seq: 0, kind: 'text', text: 'acc' },
    { seq: 1, kind: 'number', value: Number(id.slice(0, 4)) },
    { seq: 2, kind: 'text', text: 'acc' },
    { seq: 3, kind: 'number', value: Number(id.slice(4, 8)) },
    { seq: 4, kind: 'number', value: Number(id.slice(8)) },
  ]);
  t.ok(
    digits.some((x) => x.decoder === 'digits' && x.seqs.join() === '1,3,4'),
    'digits over numeric values',
  );
  const broken = scan_(index, [
    { seq: 0, kind: 'number', value: Number(id.slice(0, 5)) },
    { seq: 1, kind: 'number', value: 0.5 },
    { seq: 2, kind: 'number', value: Number(id.slice(5)) },
  ]);
  t.same(broken, [], 'a non-integer value breaks the digit stream');
  t.end();
});

t.test('a decoder not in the policy does not run', (t) => {
  const scan = { ...DEFAULT_SCAN, decoders: [] };
  const f = scanTexts(
    index,
    [Buffer.from(line(7)).toString('base64'), [...line(10)].reverse().join('')],
    scan,
  );
  t.same(f, []);
  const d = scan_(index, [{ seq: 0, kind: 'number', value: Number(data[11][1]) }], scan);
  t.same(d, []);
  t.end();
});

t.test('canary values are canary findings, not exact', (t) => {
  const f = scanTexts(index, [`hello ${CANARY[0]}`, `mail ${CANARY[2]}`]);
  t.ok(f.length >= 2);
  t.ok(f.every((x) => x.rule === 'canary'));
  const g = scanTexts(index, [line(12)]);
  t.ok(g.every((x) => x.rule !== 'canary'));
  t.end();
});

t.test('a record with one field changed is a near finding with its jaccard', (t) => {
  // The age changed: a low-entropy field, so only the whole record (as a near-variant) can tell.
  const r = [...data[13]];
  r[3] = String(((Number(r[3]) + 37) % 70) + 18);
  const f = scanTexts(index, [r.join(',')]);
  t.notOk(
    f.some((x) => x.rule === 'exact' && x.token === near0(13)),
    'not the exact record',
  );
  const near = f.find((x) => x.rule === 'near');
  t.ok(near, 'near finding');
  t.ok(near!.jaccard! >= DEFAULT_SCAN.flagJaccard && near!.jaccard! <= 1, `jaccard ${near?.jaccard}`);
  t.equal(near!.decoder, 'plain');
  // The near finding names the record's token: the same one an exact match of the record gives.
  const exact = scanTexts(index, [line(13)])
    .filter((x) => x.rule === 'exact')
    .map((x) => x.token);
  t.ok(exact.includes(near!.token));
  t.end();
});

t.test('near windows join short pieces and are scored at the end', (t) => {
  const r = [...data[14]];
  r[0] = 'Xavier Qi';
  const l = r.join(',');
  const f = scanTexts(index, [l.slice(0, 20), l.slice(20, 40), l.slice(40)]);
  t.ok(f.some((x) => x.rule === 'near' && x.seqs.length >= 2));
  const big = scanTexts(index, [`${'lorem ipsum '.repeat(30)} ${line(15)} ${'dolor sit '.repeat(30)}`]);
  t.ok(big.some((x) => x.rule === 'exact'));
  t.end();
});

t.test('unicode text normalises to the same patterns', (t) => {
  const name = data[16][0];
  const f = scanTexts(index, [`${name.toUpperCase().replace(' ', '\u3000')} ｜ ok`]);
  t.ok(
    f.some((x) => x.rule === 'exact'),
    'full-width separator and capitals',
  );
  t.end();
});

t.test('the scanner refuses scan parameters that differ from the index', (t) => {
  t.throws(() => new Scanner(index, { ...DEFAULT_SCAN, shingleSize: 4 }), {
    name: 'FingerprintError',
    code: 'FINGERPRINT_BAD_PARAMETERS',
  });
  t.ok(FingerprintError);
  t.end();
});
