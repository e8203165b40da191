/**
 * Held records released when the stream ends (docs/guard.md, "Holding back a
 * partial match", "End of the stream"; gateway/guard/release.ts), with the
 * real Scanner over a listed index: what a run still holds is logged in seq
 * order, each with the verdict of its own flags. When the job reports its
 * end (the node's `fail`), the released records reach the buyer's stream
 * before the run's final state; when the run ends another way (a cancel), the
 * log closes with them logged and kept but the buyer's stream has ended.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { DatasetFlag, EgressBody, RunEventRecord } from '../../../gateway/index.js';
import { recordBytes, verifyEgressHead } from '../../../gateway/index.js';
import type { CloseSetup } from './guard-market.js';
import { closeSetup, logRecord, metricRecord } from './guard-market.js';

// Synthetic metrics and lines: an honest loss, a finished line, an integer metric (a digit run
// stays held until six more digits or a non-integer value follow it) and a short tail ("ok").
const RECORDS = [
  metricRecord(0, 'loss', 0.69),
  logRecord(1, 'epoch one of three is done'),
  metricRecord(2, 'loss', 7),
  logRecord(3, 'ok'),
];
const bytesOf = (r: (typeof RECORDS)[number]) => {
  const { seq, ...body } = r;
  void seq;
  return recordBytes(body as EgressBody);
};
// The budget the first three records spend: the fourth is over it.
const BUDGET = RECORDS.slice(0, 3).reduce((n, r) => n + bytesOf(r), 0);

/** The buyer's events after the run started, as [type, what] in stream order. */
async function buyerEvents(s: CloseSetup): Promise<(string | number)[][]> {
  const events = await s.m.gw.app.gateway.runs.events.read(s.runId);
  const from = events.findIndex((e: RunEventRecord) => e.type === 'state' && e.state === 'running');
  return events.slice(from + 1).map((e: RunEventRecord) => {
    if (e.type === 'metric') return ['metric', e.metric];
    if (e.type === 'log') return ['log', e.text];
    if (e.type === 'flag') return ['flag', e.egressSeq, e.rule, e.action];
    return ['state', e.state];
  });
}

async function sellerFlags(s: CloseSetup): Promise<Omit<DatasetFlag, 'at' | 'runId'>[]> {
  const res = await s.m.as(s.m.seller, 'GET', `/v1/datasets/${s.datasetId}/flags`);
  return res.json<{ items: DatasetFlag[] }>().items.map(({ at, runId, ...f }) => {
    void at;
    void runId;
    return f;
  });
}

async function postAll(t: Test, s: CloseSetup): Promise<void> {
  t.same((await s.post(RECORDS)).json(), { stop: false });
  const { guard } = s.m.gw.app.gateway;
  t.same(
    (await guard.log.entries(s.runId)).map((e) => [e.seq, e.verdict]),
    [
      [0, 'pass'],
      [1, 'pass'],
    ],
    'the loss and the finished line are logged',
  );
  t.same(
    (await guard.log.state(s.runId))?.held?.map((h) => [h.seq, h.flags.map((f) => f.rule)]),
    [
      [2, []],
      [3, ['budget']],
    ],
    'the digit run and the short tail are held, the tail with its own budget flag',
  );
}

t.test('the job’s end: held records reach the buyer in seq order before the final state', async (t) => {
  const s = await closeSetup(t, {
    channels: ['metrics', 'logs'],
    byteBudget: BUDGET,
    maxRecordBytes: BUDGET,
    actions: { budget: 'drop' },
  });
  const { guard, runs } = s.m.gw.app.gateway;
  await postAll(t, s);
  const before = await buyerEvents(s);
  t.same(before, [
    ['metric', 'loss'],
    ['log', 'epoch one of three is done'],
  ]);

  const failed = await s.node.call('POST', `/v1/node/runs/${s.runId}/fail`, {
    jobId: s.job.jobId,
    code: 'MODEL_EXITED',
    message: 'exit 1',
  });
  t.equal(failed.status, 200);
  t.equal((await runs.get(s.runId)).state, 'failed');
  t.same(
    (await guard.log.entries(s.runId)).map((e) => [e.seq, e.verdict]),
    [
      [0, 'pass'],
      [1, 'pass'],
      [2, 'pass'],
      [3, 'drop'],
    ],
    'logged in seq order, each with its own verdict',
  );
  t.same(
    (await guard.log.bodies(s.runId)).map((b) => b.seq),
    [0, 1, 2],
    'the dropped tail is not kept',
  );
  t.same(
    (await buyerEvents(s)).slice(before.length),
    [
      ['metric', 'loss'],
      ['flag', 3, 'budget', 'drop'],
      ['state', 'failed'],
    ],
    'the held metric, then the tail’s flag (not its text), then the end',
  );
  t.same(await sellerFlags(s), [{ seq: 3, rule: 'budget', action: 'drop' }]);
  const head = await guard.head(s.runId);
  t.ok(verifyEgressHead(head, s.m.gw.app.gateway.identity.gateway.keyPair.publicKey));
  t.same([head.head.size, head.head.flagged], [4, 1]);
});

t.test('a cancel: the log closes with the held records logged and kept, none sent', async (t) => {
  const s = await closeSetup(t, {
    channels: ['metrics', 'logs'],
    byteBudget: BUDGET,
    maxRecordBytes: BUDGET,
    actions: { budget: 'flag' },
  });
  const { guard, runs } = s.m.gw.app.gateway;
  await postAll(t, s);
  const before = await buyerEvents(s);

  await runs.transition(s.runId, 'cancel');
  const head = await guard.head(s.runId);
  t.ok(verifyEgressHead(head, s.m.gw.app.gateway.identity.gateway.keyPair.publicKey));
  t.same([head.head.size, head.head.flagged], [4, 1], 'the head counts the released records');
  t.same(
    (await guard.log.entries(s.runId)).map((e) => [e.seq, e.verdict, e.flags.map((f) => f.rule)]),
    [
      [0, 'pass', []],
      [1, 'pass', []],
      [2, 'pass', []],
      [3, 'flag', ['budget']],
    ],
  );
  t.same(
    (await guard.log.bodies(s.runId)).map((b) => b.seq),
    [0, 1, 2, 3],
    'released (flag releases) and kept for the report',
  );
  t.equal((await guard.log.state(s.runId))?.held, undefined, 'nothing is held any more');
  t.same(
    (await buyerEvents(s)).slice(before.length),
    [['state', 'cancelled']],
    'the buyer’s stream had ended: no record event after it',
  );
  t.same(await sellerFlags(s), [{ seq: 3, rule: 'budget', action: 'flag' }], 'the seller is told');
});
