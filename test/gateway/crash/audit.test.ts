import t from 'tap';
import type { Test } from 'tap';
import type { RunRecord } from '../../../gateway/index.js';
import { QUOTES_SUBLEVEL, RUNS_SUBLEVEL, del, put } from '../../../gateway/index.js';
import type { Market } from '../runs/market.js';
import { marketForTest } from '../runs/market.js';
import { auditStore } from './audit.js';

// The crash test's audit must not pass vacuously: a consistent store passes,
// and each inconsistency a crash could leave (a state without its ledger
// effect, an effect without its state, a second settlement, an escrow
// without its run, a run without its escrow) is reported. The stores are
// made through RunService on the runs tests' market, then edited directly.

async function started(m: Market, steps = 100): Promise<RunRecord> {
  const { runs } = m.gw.app.gateway;
  const quote = await runs.quote(m.buyer.id, { dataset: m.dataset.id, model: m.model.id, steps });
  return runs.start(m.buyer.id, quote.id);
}

async function settled(m: Market): Promise<RunRecord> {
  const { runs } = m.gw.app.gateway;
  const run = await started(m);
  await runs.transition(run.id, 'place', { node: m.miner.id });
  for (const event of ['seal', 'start', 'seal-output'] as const) await runs.transition(run.id, event);
  const usage = { steps: 40, cpuSeconds: 1, gpuSeconds: 0, seconds: 2 };
  return runs.transition(run.id, 'settle', { usage });
}

async function problems(m: Market): Promise<string[]> {
  return (await auditStore(m.gw.app.gateway.store)).problems;
}

async function rewrite(m: Market, run: RunRecord): Promise<void> {
  const { store } = m.gw.app.gateway;
  await store.exclusive(() => store.write([put(store.sublevel(RUNS_SUBLEVEL), run.id, run)]));
}

async function market(t: Test): Promise<Market> {
  return marketForTest(t);
}

t.test('a consistent store passes, with its escrow totals', async (t) => {
  const m = await market(t);
  const open = await started(m);
  const done = await settled(m);
  await m.gw.app.gateway.runs.transition((await started(m)).id, 'fail');
  const audit = await auditStore(m.gw.app.gateway.store);
  t.same(audit.problems, []);
  t.equal(audit.runs.size, 3);
  t.equal(audit.held, BigInt(open.price.tokens));
  t.equal(audit.escrowed, audit.held + audit.released);
  t.equal(audit.hashes.size, 1 + 3 + 2, 'the credit, three escrows, a settlement and a refund');
  t.equal(done.state, 'settled');
});

t.test('a final state without its ledger effect', async (t) => {
  const m = await market(t);
  const run = await started(m);
  await rewrite(m, { ...run, state: 'failed' });
  const found = await problems(m);
  t.match(found, [new RegExp(`${run.id}: failed but its entry is missing`)]);
  t.match(found.join('\n'), /failed with escrow \d+, expected 0/);
  t.match(found.join('\n'), /its events disagree/);
});

t.test('a ledger effect without its state, and a second settlement', async (t) => {
  const m = await market(t);
  const run = await started(m);
  const { ledger } = m.gw.app.gateway;
  const tokens = BigInt(run.price.tokens);
  await ledger.commit([
    {
      key: `refund:${run.id}`,
      kind: 'refund',
      postings: [
        { account: `escrow:${run.id}`, amount: -tokens },
        { account: `user:${m.buyer.id}`, amount: tokens },
      ],
    },
  ]);
  t.match((await problems(m)).join('\n'), new RegExp(`${run.id}: queued but the ledger has refund:`));

  const done = await settled(m);
  await ledger.commit([
    {
      key: `refund:${done.id}`,
      kind: 'refund',
      postings: [
        { account: `user:${m.buyer.id}`, amount: -1n },
        { account: `escrow:${done.id}`, amount: 1n },
      ],
    },
  ]);
  t.match((await problems(m)).join('\n'), new RegExp(`${done.id}: settled or refunded 2 times`));
});

t.test('an escrow without its run, and a run without its escrow', async (t) => {
  const m = await market(t);
  const { store } = m.gw.app.gateway;
  const gone = await started(m);
  await store.exclusive(() => store.write([del(store.sublevel(RUNS_SUBLEVEL), gone.id)]));
  const found = (await problems(m)).join('\n');
  t.match(found, new RegExp(`${gone.id}: the ledger moved its escrow but the run does not exist`));
  t.match(found, new RegExp(`marked used by ${gone.id}, which does not exist`));
  t.match(found, /counts 1 runs, 0 exist/);

  const m2 = await market(t);
  const run = await started(m2);
  const copy: RunRecord = { ...run, id: `${run.id.slice(0, -1)}${run.id.endsWith('a') ? 'b' : 'a'}` };
  await rewrite(m2, copy);
  const s2 = m2.gw.app.gateway.store;
  await s2.exclusive(() => s2.write([put(s2.sublevel(QUOTES_SUBLEVEL), run.quote, { run: copy.id })]));
  const found2 = (await problems(m2)).join('\n');
  t.match(found2, new RegExp(`${copy.id}: 0 escrow entries`));
  t.match(found2, new RegExp(`${run.id}: its quote`));
});

t.test('an entry of another kind touching an escrow account', async (t) => {
  const m = await market(t);
  const run = await started(m);
  await m.gw.app.gateway.ledger.commit([
    {
      key: 'stray',
      kind: 'mint',
      postings: [
        { account: 'mint', amount: -5n },
        { account: `escrow:${run.id}`, amount: 5n },
      ],
    },
  ]);
  const found = (await problems(m)).join('\n');
  t.match(found, new RegExp(`a mint entry touches escrow:${run.id}`));
  t.match(found, /escrow lost/);
});
