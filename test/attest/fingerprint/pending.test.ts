import t from 'tap';
import { DEFAULT_SCAN, Scanner } from '../../../attest/index.js';
import type { EgressPiece, Finding, FingerprintIndex } from '../../../attest/index.js';
import { indexOf, rows } from './helpers.js';

// Scanner.pending (docs/guard.md, "Holding back a partial match"): after each piece, the earliest
// seq a later piece could still join into a match. Index: 500 synthetic rows (helpers.ts, seed 11).
const data = rows(500);
const index = indexOf(data);

/** Push `pieces` one by one; the findings and pending() after each. */
function walk(
  ix: FingerprintIndex,
  pieces: readonly EgressPiece[],
): { findings: Finding[][]; pending: (ReturnType<Scanner['pending']> | undefined)[]; s: Scanner } {
  const s = new Scanner(ix, DEFAULT_SCAN);
  const findings: Finding[][] = [];
  const pending: ReturnType<Scanner['pending']>[] = [];
  for (const p of pieces) {
    findings.push(s.push(p));
    pending.push(s.pending());
  }
  return { findings, pending, s };
}

/** `text` as text pieces of `size` characters, seqs from `seq`. */
const split = (text: string, size: number, seq = 0): EgressPiece[] =>
  Array.from({ length: Math.ceil(text.length / size) }, (_, i) => ({
    seq: seq + i,
    kind: 'text' as const,
    text: text.slice(i * size, (i + 1) * size),
  }));

t.test('digits spread over integer values: every digit stays pending until the ID completes', (t) => {
  const id = data[21][1];
  // As leak-digits sends them: a float loss first, then one metric per digit (name, value).
  const pieces: EgressPiece[] = [
    { seq: 0, kind: 'text', text: 'loss' },
    { seq: 0, kind: 'number', value: 0.69 },
    ...[...id].flatMap((d, i): EgressPiece[] => [
      { seq: i + 1, kind: 'text', text: 'accuracy' },
      { seq: i + 1, kind: 'number', value: Number(d) },
    ]),
  ];
  const { findings, pending } = walk(index, pieces);
  for (let i = 3; i < pieces.length - 1; i += 2) {
    t.equal(pending[i]?.from, 1, `after digit ${(i - 1) / 2}: held from the first digit`);
    t.same(findings[i], [], 'no finding yet');
  }
  t.ok(pending[13]?.anchoredFrom === 1, 'from six digits on, the ID’s anchor is what holds it');
  const last = findings[pieces.length - 1];
  t.ok(
    last.some(
      (f) => f.rule === 'exact' && f.decoder === 'digits' && f.seqs.join() === '1,2,3,4,5,6,7,8,9,10',
    ),
    'the tenth digit completes the ID over all ten records',
  );
  t.end();
});

t.test('a split name and a split e-mail stay pending until they complete', (t) => {
  for (const [what, value] of [
    ['name', data[22][0]],
    ['e-mail', data[23][2]],
  ] as const) {
    const pieces = [{ seq: 0, kind: 'text' as const, text: 'epoch 1 done' }, ...split(value, 3, 1)];
    const { findings, pending } = walk(index, pieces);
    for (let i = 1; i < pieces.length - 1; i++) {
      t.ok((pending[i]?.from ?? Infinity) <= 1, `${what}: piece ${i} held from the value’s first piece`);
      // (The e-mail's local part is the name: the name completes inside it before the e-mail does.)
      if (what === 'name')
        t.notOk(
          findings[i].some((f) => f.rule === 'exact'),
          'no match before the last piece',
        );
    }
    t.ok(
      findings[pieces.length - 1].some((f) => f.rule === 'exact' && f.seqs[0] === 1),
      `${what}: the last piece completes it from seq 1`,
    );
  }
  t.end();
});

t.test('honest pieces are not held past the next piece, and nothing is pending after end()', (t) => {
  const pieces: EgressPiece[] = [];
  for (let step = 0; step < 200; step++) {
    pieces.push({ seq: 2 * step, kind: 'text', text: 'loss' });
    pieces.push({ seq: 2 * step, kind: 'number', value: Math.exp(-step / 50) * 0.69 + 0.001 });
    pieces.push({
      seq: 2 * step + 1,
      kind: 'text',
      text: `step ${step} accuracy ${(0.5 + step / 1000).toFixed(4)}`,
    });
    pieces.push({ seq: 2 * step + 1, kind: 'number', value: 0.5 + step / 1000 + 1e-7 });
  }
  const { findings, pending, s } = walk(index, pieces);
  t.same(findings.flat(), [], 'no finding');
  const worst = Math.max(...pending.map((p, i) => (p === undefined ? 0 : pieces[i].seq - p.from)));
  t.ok(worst <= 1, `a record is held at most until the next one (${worst})`);
  s.end();
  t.equal(s.pending(), undefined);
  t.end();
});

t.test('an anchored start that fails is released once the stream passes its longest pattern', (t) => {
  // The first name of a row followed by honest text: the anchor of the name (and its record) opens a
  // match; it fails once more characters than the record's length have followed.
  const name = data[24][0];
  const pieces = [
    { seq: 0, kind: 'text' as const, text: `${name}x` },
    ...Array.from({ length: 20 }, (_, i) => ({
      seq: i + 1,
      kind: 'text' as const,
      text: 'training goes on well',
    })),
  ];
  const { findings, pending } = walk(index, pieces);
  t.same(
    findings.flat().filter((f) => f.rule !== 'near'),
    [],
    'no exact finding',
  );
  t.ok(pending[0]?.anchoredFrom === 0, 'held on the anchor');
  t.equal(pending.at(-1)?.from === 0, false, 'released once past the longest pattern');
  t.end();
});

t.test('a non-integer value ends the digit run: nothing of it stays pending', (t) => {
  const { pending } = walk(index, [
    { seq: 0, kind: 'number', value: 1234 },
    { seq: 1, kind: 'number', value: 0.25 },
  ]);
  t.equal(pending[0]?.from, 0);
  t.equal(pending[1], undefined);
  t.end();
});

t.test('decoded streams hold anchored starts only', (t) => {
  const id = data[25][1];
  const first = Buffer.from(`x ${id.slice(0, 7)}`).toString('hex');
  const { pending } = walk(index, [{ seq: 0, kind: 'text', text: `id=${first}` }]);
  t.equal(pending[0]?.anchoredFrom, 0, 'seven digits of an ID in hex open a match');
  const rest = Buffer.from(id.slice(7)).toString('hex').padEnd(12, '20');
  const next = walk(index, [
    { seq: 0, kind: 'text', text: `id=${first}` },
    { seq: 1, kind: 'text', text: `id=${rest}` },
  ]);
  t.equal(next.pending[1], undefined, 'the next encoded part completes it');
  t.ok(
    next.findings[1].some((f) => f.rule === 'exact' && f.decoder === 'hex' && f.seqs.join() === '0,1'),
    'found over both parts',
  );
  const broken = walk(index, [
    { seq: 0, kind: 'text', text: `id=${first}` },
    { seq: 1, kind: 'text', text: 'epoch done' },
  ]);
  t.equal(broken.pending[1]?.anchoredFrom, undefined, 'a piece without an encoded run ends the hold');
  const short = Buffer.from('abcdefghij xy').toString('hex');
  const p = walk(index, [{ seq: 0, kind: 'text', text: `junk ${short} done!` }]).pending[0];
  t.equal(p?.anchoredFrom, undefined, 'a decoded short tail alone holds nothing');
  t.end();
});
