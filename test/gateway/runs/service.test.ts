/**
 * RunService through the gateway context (what the node API and the guard
 * will call): a run's whole life with its ledger effects, repeated
 * transitions that change nothing, refusals with their codes, metrics, and
 * an offline ledger verification at the end.
 */
import t from 'tap';
import { ledgerSourceFromStore, verifyLedger } from '../../../gateway/index.js';
import type { Market } from './market.js';
import { marketForTest } from './market.js';

async function startedRun(m: Market, steps = 100) {
  const { runs } = m.gw.app.gateway;
  const quote = await runs.quote(m.buyer.id, { dataset: m.dataset.id, model: m.model.id, steps });
  return runs.start(m.buyer.id, quote.id);
}

const usage = (steps: number) => ({ steps, cpuSeconds: 1.5, gpuSeconds: 0, seconds: 2 });

t.test('a run from queued to settled moves escrow once and empties it', async (t) => {
  const m = await marketForTest(t, 10n ** 12n);
  const { runs, ledger } = m.gw.app.gateway;
  const run = await startedRun(m, 100);
  // price: 2 × 100 + 10 + 100 = 310 fiat units = 310 000 000 tokens at 1 : 10^6
  t.equal(run.price.tokens, '310000000');
  t.equal(ledger.balance(`escrow:${run.id}`), 310_000_000n);
  t.equal(ledger.balance(`user:${m.buyer.id}`), 10n ** 12n - 310_000_000n);

  await runs.transition(run.id, 'place', { node: m.miner.id });
  t.equal(
    (await runs.transition(run.id, 'place', { node: 'acct_other' })).node,
    m.miner.id,
    'a repeated place keeps the first node',
  );
  await runs.transition(run.id, 'seal');
  await runs.transition(run.id, 'start');
  await runs.appendMetric(run.id, { metric: 'loss', step: 1, value: 0.5 });
  await runs.transition(run.id, 'seal-output');
  await runs.appendMetric(run.id, { metric: 'loss', step: 2, value: 0.25 });
  const settled = await runs.transition(run.id, 'settle', { usage: usage(50) });
  // used: 2 × 50 + 10 + 100 = 210 fiat = 210 000 000 tokens; split 40/15/40/5 %
  t.same(settled.settlement, {
    seller: '84000000',
    publisher: '31500000',
    miner: '84000000',
    platform: '10500000',
    refund: '100000000',
  });
  t.same(settled.usage, usage(50));
  t.same(
    settled.history.map((h) => h.state),
    ['queued', 'placed', 'sealing', 'running', 'sealing-output', 'settled'],
  );
  t.equal(ledger.balance(`escrow:${run.id}`), 0n);
  t.equal(ledger.balance(`user:${m.seller.id}`), 84_000_000n);
  t.equal(ledger.balance(`user:${m.publisher.id}`), 31_500_000n);
  t.equal(ledger.balance(`user:${m.miner.id}`), 84_000_000n);
  t.equal(ledger.balance('platform'), 10_500_000n);
  t.equal(ledger.balance(`user:${m.buyer.id}`), 10n ** 12n - 210_000_000n);

  const seq = ledger.lastSeq;
  const again = await runs.transition(run.id, 'settle', { usage: usage(100) });
  t.same(again, settled, 'a repeated settle returns the run unchanged');
  t.equal(ledger.lastSeq, seq, 'and writes nothing to the ledger');
  await t.rejects(runs.transition(run.id, 'fail'), { name: 'RunError', code: 'RUN_ALREADY_FINAL' });
  t.equal(ledger.lastSeq, seq);

  const events = await runs.history(run.id);
  t.same(
    events.map((e) =>
      e.type === 'state' ? e.state : e.type === 'metric' ? `${e.metric}@${e.step}` : e.type,
    ),
    ['queued', 'placed', 'sealing', 'running', 'loss@1', 'sealing-output', 'loss@2', 'settled'],
  );
  t.same(
    events.map((e) => e.seq),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  t.same(
    (await runs.history(run.id, 6)).map((e) => e.seq),
    [7, 8],
    'read after a seq',
  );

  await ledger.sealBlock();
  const report = await verifyLedger(
    ledgerSourceFromStore(m.gw.app.gateway.store),
    m.gw.app.gateway.identity.gateway.keyPair.publicKey,
  );
  t.same(report.problems, []);
  t.ok(report.ok);
});

t.test('failed, cancelled and flagged runs refund the buyer in full', async (t) => {
  const m = await marketForTest(t, 10n ** 12n);
  const { runs, ledger } = m.gw.app.gateway;
  const start = ledger.balance(`user:${m.buyer.id}`);

  const a = await startedRun(m);
  const failed = await runs.transition(a.id, 'fail', {
    reason: { code: 'NODE_LOST', message: 'the node went away' },
  });
  t.same(failed.reason, { code: 'NODE_LOST', message: 'the node went away' });
  const b = await startedRun(m);
  await runs.transition(b.id, 'place', { node: m.miner.id });
  t.same((await runs.transition(b.id, 'cancel')).reason, {
    code: 'RUN_CANCELLED',
    message: 'cancelled by the buyer',
  });
  const c = await startedRun(m);
  for (const e of ['place', 'seal', 'start'] as const) await runs.transition(c.id, e, { node: m.miner.id });
  const flagged = await runs.transition(c.id, 'flag', {
    reason: { code: 'EGRESS_CANARY', message: 'a canary left' },
  });
  t.equal(flagged.state, 'flagged');
  const d = await startedRun(m);
  t.same((await runs.transition(d.id, 'fail')).reason, { code: 'RUN_FAILED', message: 'the run failed' });

  for (const run of [a, b, c, d])
    t.equal(ledger.balance(`escrow:${run.id}`), 0n, `${run.id} escrow is empty`);
  t.equal(ledger.balance(`user:${m.buyer.id}`), start, 'every token came back');
  t.equal(ledger.balance(`user:${m.seller.id}`), 0n, 'the seller of a flagged run gets nothing');
  const refund = await ledger.entryByKey(`refund:${c.id}`);
  t.equal(refund?.kind, 'refund');

  const seq = ledger.lastSeq;
  await runs.transition(a.id, 'fail');
  await runs.transition(b.id, 'cancel');
  await runs.transition(c.id, 'flag');
  t.equal(ledger.lastSeq, seq, 'repeated ends refund nothing twice');
});

t.test('refusals: unknown runs, invalid transitions, bad details, metrics out of state', async (t) => {
  const m = await marketForTest(t);
  const { runs, ledger } = m.gw.app.gateway;
  await t.rejects(runs.get('run_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { name: 'RunError', code: 'RUN_NOT_FOUND' });
  await t.rejects(runs.transition('run_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'place'), { code: 'RUN_NOT_FOUND' });
  const run = await startedRun(m);
  const seq = ledger.lastSeq;
  await t.rejects(runs.transition(run.id, 'settle', { usage: usage(1) }), { code: 'RUN_INVALID_TRANSITION' });
  await t.rejects(runs.transition(run.id, 'place'), { code: 'RUN_BAD_DETAILS' }, 'place needs a node');
  await t.rejects(runs.transition(run.id, 'place', { node: 'not an account!' }), { code: 'RUN_BAD_DETAILS' });
  await t.rejects(runs.transition(run.id, 'fail', { reason: { code: 'lower', message: 'x' } }), {
    code: 'RUN_BAD_DETAILS',
  });
  await t.rejects(runs.appendMetric(run.id, { metric: 'loss', step: 1, value: 1 }), {
    code: 'RUN_NOT_RUNNING',
  });
  t.equal((await runs.get(run.id)).state, 'queued', 'nothing moved');
  t.equal(ledger.lastSeq, seq);

  for (const e of ['place', 'seal', 'start', 'seal-output'] as const)
    await runs.transition(run.id, e, { node: m.miner.id });
  await t.rejects(runs.transition(run.id, 'settle'), { code: 'RUN_BAD_DETAILS' }, 'settle needs usage');
  await t.rejects(runs.transition(run.id, 'settle', { usage: { ...usage(1), steps: 1.5 } }), {
    code: 'RUN_BAD_DETAILS',
  });
  await t.rejects(runs.transition(run.id, 'settle', { usage: { ...usage(1), seconds: -1 } }), {
    code: 'RUN_BAD_DETAILS',
  });
  await t.rejects(runs.appendMetric(run.id, { metric: 'Loss', step: 1, value: 1 }), {
    code: 'RUN_BAD_DETAILS',
  });
  await t.rejects(runs.appendMetric(run.id, { metric: 'loss', step: -1, value: 1 }), {
    code: 'RUN_BAD_DETAILS',
  });
  await t.rejects(runs.appendMetric(run.id, { metric: 'loss', step: 1, value: Number.NaN }), {
    code: 'RUN_BAD_DETAILS',
  });
  t.equal((await runs.history(run.id)).length, 5, 'no metric was stored');
  t.equal(ledger.lastSeq, seq);
});

t.test('the event log publishes after the write, and unsubscribing stops delivery', async (t) => {
  const m = await marketForTest(t);
  const { runs } = m.gw.app.gateway;
  const run = await startedRun(m);
  const seen: number[] = [];
  const stop = runs.events.subscribe(run.id, (e) => seen.push(e.seq));
  t.equal(runs.events.subscribers(run.id), 1);
  await runs.transition(run.id, 'place', { node: m.miner.id });
  stop();
  t.equal(runs.events.subscribers(run.id), 0);
  await runs.transition(run.id, 'seal');
  t.same(seen, [2]);
});
