/**
 * The guard holds back records that carry a partial match (docs/guard.md,
 * "Holding back a partial match"): `evaluate` with a real attest/fingerprint
 * Scanner over an index of 300 synthetic rows (client/sdk/synthetic.ts, seed
 * 5), one record per post as a node sends them. No byte of the matched value
 * is released for an ID spread over integer metric values, a name split over
 * log lines, or an e-mail split over log lines; honest metrics are released
 * one record late at most and all of them at the end; the bound releases the
 * oldest with a `hold` near-miss.
 */
import t from 'tap';
import { IndexBuilder, loadIndex, Scanner, generateFingerprintKey } from '../../../attest/index.js';
import { SYNTHETIC_COLUMNS, generateDataset } from '../../../client/sdk/synthetic.js';
import type { EgressBody, EgressEntry, EgressInput, EgressState } from '../../../gateway/index.js';
import { HOLD_MAX_RECORDS, evaluate } from '../../../gateway/index.js';
import { parseEgressPolicy } from '../../../policies/index.js';

const rows = generateDataset({ rows: 300, seed: 5 })
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const key = generateFingerprintKey();
const policy = parseEgressPolicy({ channels: ['metrics', 'logs'] });
const builder = new IndexBuilder(key, SYNTHETIC_COLUMNS, policy.scan);
for (const r of rows) builder.addRecord(r);
const index = loadIndex(builder.finish(), key);
const declared = ['loss', 'accuracy'];

const metric = (seq: number, name: string, value: number): EgressInput => ({
  seq,
  channel: 'metrics',
  metric: name,
  step: 1,
  value,
});
const log = (seq: number, text: string): EgressInput => ({ seq, channel: 'logs', text });

/** Post `records` one at a time (as a node's batches may), threading the state; what was logged and released. */
function feed(
  records: readonly EgressInput[],
  options: { final?: boolean } = {},
): { entries: EgressEntry[]; released: Map<number, EgressBody>; state: EgressState; stopped: boolean } {
  const scanner = new Scanner(index, policy.scan);
  let state: EgressState = {
    owner: 'o',
    runId: 'o',
    datasetId: 'd',
    size: 0,
    bytes: 0,
    released: 0,
    flagged: 0,
  };
  const entries: EgressEntry[] = [];
  const released = new Map<number, EgressBody>();
  for (const [i, r] of records.entries()) {
    const last = i === records.length - 1;
    const result = evaluate([r], state, { policy, declared, scanner, final: last && options.final });
    entries.push(...result.entries);
    for (const [seq, body] of result.bodies) released.set(seq, body);
    state = result.state;
    if (result.stop) return { entries, released, state, stopped: true };
  }
  return { entries, released, state, stopped: false };
}

/** Every released text and metric name, in normal form, and the digits of every released integer value. */
function seen(released: Map<number, EgressBody>): string {
  let out = '';
  for (const body of released.values()) {
    if (body.channel === 'logs') out += body.text;
    if (body.channel === 'metrics')
      out += body.metric + (Number.isInteger(body.value) ? String(body.value) : '');
  }
  return out.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

t.test('an ID spread over integer metric values: none of its digits is released', (t) => {
  const id = rows[10][1];
  const records = [metric(0, 'loss', 0.69), ...[...id].map((d, i) => metric(i + 1, 'accuracy', Number(d)))];
  const { entries, released, stopped } = feed(records);
  t.ok(stopped, 'the tenth digit stops the run');
  t.same([...released.keys()], [0], 'only the honest loss was released');
  t.same(
    entries.map((e) => e.verdict),
    ['pass', ...Array<string>(10).fill('stop')],
  );
  const flag = entries[10].flags.find((f) => f.rule === 'exact');
  t.match(flag, { rule: 'exact', action: 'stop', decoder: 'digits', seqs: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
  t.ok(
    entries.slice(1).every((e) => e.flags.some((f) => f.rule === 'exact' && f.action === 'stop')),
    'every digit’s entry carries the match',
  );
  t.notOk(seen(released).includes(id.slice(0, 3)), 'not even the first three digits left');
  t.end();
});

t.test('a name and an e-mail split over log lines: no piece is released', (t) => {
  for (const [what, value] of [
    ['name', rows[11][0]],
    ['e-mail', rows[12][2]],
  ] as const) {
    const pieces = Array.from({ length: Math.ceil(value.length / 4) }, (_, i) =>
      value.slice(4 * i, 4 * i + 4),
    );
    const records = [log(0, 'epoch 1 starting'), ...pieces.map((p, i) => log(i + 1, p))];
    const { entries, released, stopped } = feed(records);
    t.ok(stopped, `${what}: stopped`);
    t.same([...released.keys()], [0], `${what}: only the honest line was released`);
    t.ok(
      entries.slice(1).every((e) => e.verdict === 'stop'),
      `${what}: every piece is logged as stopped (${entries.map((e) => e.verdict).join(',')})`,
    );
    t.equal(entries.at(-1)?.flags.find((f) => f.rule === 'exact')?.action, 'stop', `${what}: exact, stop`);
  }
  t.end();
});

t.test('honest metrics: held one record at most, all released at the end, no flag', (t) => {
  const records: EgressInput[] = [];
  for (let step = 0; step < 30; step++) {
    records.push(metric(2 * step, 'loss', Math.exp(-step / 10) * 0.69 + 1e-3));
    records.push(metric(2 * step + 1, 'accuracy', 0.6 + step / 100 + 1e-4));
  }
  const open = feed(records);
  t.ok(
    open.entries.length >= records.length - 1,
    `${records.length - open.entries.length} held before the end`,
  );
  const done = feed(records, { final: true });
  t.equal(done.entries.length, records.length, 'the stream’s end releases the rest');
  t.equal(done.released.size, records.length);
  t.same(
    done.entries.flatMap((e) => e.flags),
    [],
  );
  t.equal(done.state.held, undefined, 'nothing stays held');
  t.end();
});

t.test(
  'the bound: past HOLD_MAX_RECORDS the oldest is released, with a hold near-miss when anchored',
  (t) => {
    const id = rows[13][1];
    const records = [
      ...[...id.slice(0, 7)].map((d, i) => metric(i, 'accuracy', Number(d))),
      ...Array.from({ length: HOLD_MAX_RECORDS }, (_, i) => log(7 + i, `line ${i} of padding text`)),
    ];
    const { entries, state } = feed(records);
    t.ok(entries.length > 0, 'the bound released the oldest');
    t.match(entries[0], { seq: 0, verdict: 'flag', flags: [{ rule: 'hold', action: 'flag' }] });
    t.ok((state.held?.length ?? 0) <= HOLD_MAX_RECORDS, 'never more than the bound held');
    t.end();
  },
);

t.test('the state carries what is held, so the next post continues it', (t) => {
  const r = evaluate(
    [log(0, 'note 12')],
    { owner: 'o', runId: 'o', datasetId: 'd', size: 0, bytes: 0, released: 0, flagged: 0 },
    {
      policy,
      declared,
      scanner: new Scanner(index, policy.scan),
    },
  );
  t.same(r.entries, [], 'a short tail is held');
  t.same(
    r.state.held?.map((h) => h.seq),
    [0],
  );
  t.equal(r.state.size, 0);
  const next = evaluate([], r.state, { policy, declared, scanner: undefined, final: true });
  t.same(
    next.entries.map((e) => [e.seq, e.verdict]),
    [[0, 'pass']],
  );
  t.end();
});
