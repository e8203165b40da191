/**
 * The guard's refusals on its close path and at a run's first record
 * (gateway/guard/close.ts, state.ts; docs/guard.md, "Scanner source" and
 * "Heads"): GUARD_LOG_NOT_FOUND for the head of a log that does not exist
 * (404 in the status table: no HTTP route reads a head, the verification
 * reads it through the guard), and GUARD_INDEX_UNAVAILABLE, 503 on the
 * node's egress post, when the dataset's index does not load. Neither writes
 * anything: the whole store is the same before and after.
 */
import t from 'tap';
import { generateBoxKeyPair } from '../../../attest/index.js';
import { GuardError, RunError, statusOf } from '../../../gateway/index.js';
import { closeSetup, indexBytes, listIndex, logRecord, metricRecord, storeSnapshot } from './guard-market.js';

t.test('GUARD_LOG_NOT_FOUND: the head of a log that does not exist', async (t) => {
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] });
  const { guard } = s.m.gw.app.gateway;
  t.equal(statusOf('GUARD_LOG_NOT_FOUND'), 404);
  const before = await storeSnapshot(s.m);
  await t.rejects(guard.head('inf_0123456789abcdef'), {
    constructor: GuardError,
    code: 'GUARD_LOG_NOT_FOUND',
  });
  // A run's head is signed on demand once the run has ended: an unknown run is the run's own error.
  await t.rejects(guard.head('run_0123456789abcdef'), { constructor: RunError, code: 'RUN_NOT_FOUND' });
  t.same(await storeSnapshot(s.m), before, 'nothing was written');
});

t.test('GUARD_INDEX_UNAVAILABLE: 503 on the post, nothing written, and the load is retried', async (t) => {
  const s = await closeSetup(t, { channels: ['metrics', 'logs'] });
  const { guard, datasets } = s.m.gw.app.gateway;
  t.equal(statusOf('GUARD_INDEX_UNAVAILABLE'), 503);
  const good = indexBytes((await datasets.get(s.datasetId)).policy.egress.scan);
  const records = [metricRecord(0, 'loss', 0.5), logRecord(1, 'epoch one is done')];

  const broken: [string, () => Promise<void>][] = [
    ['an index blob that is not an index', () => listIndex(s.m, s.datasetId, new Uint8Array(512).fill(1))],
    ['a truncated index', () => listIndex(s.m, s.datasetId, good.subarray(0, good.length - 9))],
    [
      'a key sealed to another broker',
      () => listIndex(s.m, s.datasetId, good, generateBoxKeyPair().publicKey),
    ],
  ];
  for (const [what, list] of broken) {
    await list();
    const before = await storeSnapshot(s.m);
    const res = await s.post(records);
    t.same([res.status, res.code], [503, 'GUARD_INDEX_UNAVAILABLE'], what);
    t.same(await storeSnapshot(s.m), before, `${what}: nothing was written`);
  }
  t.same(await guard.log.entries(s.runId), [], 'the log is empty');
  t.equal(await guard.log.state(s.runId), undefined, 'and has no state');

  // A failed load is not kept: once the listing's index loads, the same post is taken.
  await listIndex(s.m, s.datasetId, good);
  t.same((await s.post(records)).json(), { stop: false });
  const state = await guard.log.state(s.runId);
  t.same(
    [state?.size, state?.held?.map((h) => h.seq)],
    [1, [1]],
    'the loss is logged, the line with its short tail held',
  );
});
