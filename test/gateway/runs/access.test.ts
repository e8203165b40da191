/**
 * Reading and cancelling runs: its buyer and its seller see a run, anyone
 * else gets 404 RUN_NOT_FOUND (not 403, so run ids do not leak); lists page
 * by cursor per side; only the buyer cancels, and a repeated cancel refunds
 * once. Also the rate routes.
 */
import t from 'tap';
import type { QuoteRecord, RunRecord } from '../../../gateway/index.js';
import { bodyOf, codeOf } from '../../helpers/gateway.js';
import type { Market } from './market.js';
import { as, marketForTest } from './market.js';

async function startRun(m: Market, buyer = m.buyer): Promise<RunRecord> {
  const q = await as(m, buyer, 'POST', '/v1/quotes', { dataset: m.dataset.id, model: m.model.id, steps: 10 });
  const res = await as(m, buyer, 'POST', '/v1/runs', { quote: bodyOf<QuoteRecord>(q).id });
  return bodyOf<RunRecord>(res);
}

t.test('a run is visible to its buyer and seller only', async (t) => {
  const m = await marketForTest(t);
  const run = await startRun(m);
  const other = await m.gw.account('buyer', 'seller');
  t.equal((await as(m, m.buyer, 'GET', `/v1/runs/${run.id}`)).statusCode, 200);
  t.equal(bodyOf<RunRecord>(await as(m, m.seller, 'GET', `/v1/runs/${run.id}`)).id, run.id);
  for (const who of [other, m.publisher, m.miner]) {
    const res = await as(m, who, 'GET', `/v1/runs/${run.id}`);
    t.equal(res.statusCode, 404);
    t.equal(codeOf(res), 'RUN_NOT_FOUND', 'a stranger cannot tell the run exists');
  }
  const unknown = await as(m, other, 'GET', '/v1/runs/run_aaaaaaaaaaaaaaaaaaaaaaaaaa');
  t.equal(codeOf(unknown), 'RUN_NOT_FOUND', 'the same answer as for a run that does not exist');
  t.equal(codeOf(await m.gw.app.inject({ method: 'GET', url: `/v1/runs/${run.id}` })), 'AUTH_UNSIGNED');
  t.equal(codeOf(await as(m, m.buyer, 'GET', '/v1/runs/nope')), 'HTTP_INVALID');
});

t.test('lists: mine as buyer, mine as seller, paged', async (t) => {
  const m = await marketForTest(t);
  const other = await m.gw.account('buyer');
  await m.gw.app.gateway.ledger.commit([
    {
      key: 'credit:other',
      kind: 'mint',
      postings: [
        { account: 'mint', amount: -(10n ** 12n) },
        { account: `user:${other.id}`, amount: 10n ** 12n },
      ],
    },
  ]);
  const mine = [];
  for (let i = 0; i < 5; i++) {
    mine.push(await startRun(m));
    m.advance(1);
  }
  const theirs = await startRun(m, other);
  const newest = [...mine].reverse();

  const p1 = bodyOf<{ items: RunRecord[]; next: string | null }>(
    await as(m, m.buyer, 'GET', '/v1/runs?limit=2'),
  );
  t.same(
    p1.items.map((r) => r.id),
    newest.slice(0, 2).map((r) => r.id),
    'newest first',
  );
  t.ok(p1.next);
  const p2 = bodyOf<{ items: RunRecord[]; next: string | null }>(
    await as(m, m.buyer, 'GET', `/v1/runs?limit=2&cursor=${p1.next}`),
  );
  t.same(
    p2.items.map((r) => r.id),
    newest.slice(2, 4).map((r) => r.id),
  );
  const p3 = bodyOf<{ items: RunRecord[]; next: string | null }>(
    await as(m, m.buyer, 'GET', `/v1/runs?limit=2&cursor=${p2.next}`),
  );
  t.same(
    p3.items.map((r) => r.id),
    [newest[4].id],
  );
  t.equal(p3.next, null, 'the last page has no cursor');
  const exact = bodyOf<{ items: RunRecord[]; next: string | null }>(
    await as(m, m.buyer, 'GET', '/v1/runs?limit=5'),
  );
  t.equal(exact.items.length, 5);
  t.equal(exact.next, null, 'a full last page says it is the last');

  const sold = bodyOf<{ items: RunRecord[] }>(await as(m, m.seller, 'GET', '/v1/runs?as=seller'));
  t.same(
    sold.items.map((r) => r.id),
    [theirs, ...newest].map((r) => r.id),
    'the seller sees every run on their data',
  );
  t.same(
    bodyOf<{ items: RunRecord[] }>(await as(m, m.seller, 'GET', '/v1/runs')).items,
    [],
    'the seller bought nothing',
  );
  t.same(
    bodyOf<{ items: RunRecord[] }>(await as(m, other, 'GET', '/v1/runs')).items.map((r) => r.id),
    [theirs.id],
  );

  t.equal(codeOf(await as(m, m.buyer, 'GET', '/v1/runs?as=miner')), 'HTTP_INVALID');
  t.equal(codeOf(await as(m, m.buyer, 'GET', '/v1/runs?limit=0')), 'HTTP_INVALID');
  t.equal(codeOf(await as(m, m.buyer, 'GET', '/v1/runs?x=1')), 'HTTP_INVALID');
});

t.test('cancel: the buyer only, at once before sealing, refunded once', async (t) => {
  const m = await marketForTest(t, 10n ** 12n);
  const { ledger, runs } = m.gw.app.gateway;
  const run = await startRun(m);
  const stranger = await m.gw.account('buyer');

  const bySeller = await as(m, m.seller, 'POST', `/v1/runs/${run.id}/cancel`, {});
  t.equal(bySeller.statusCode, 403);
  t.equal(codeOf(bySeller), 'RUN_BUYER_ONLY');
  t.equal(codeOf(await as(m, stranger, 'POST', `/v1/runs/${run.id}/cancel`, {})), 'RUN_NOT_FOUND');
  t.equal(codeOf(await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, '{')), 'HTTP_BAD_JSON');
  t.equal(codeOf(await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, { why: 'x' })), 'HTTP_INVALID');
  t.equal(codeOf(await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, { message: 7 })), 'HTTP_INVALID');
  t.equal(
    codeOf(await m.gw.app.inject({ method: 'POST', url: `/v1/runs/${run.id}/cancel`, payload: {} })),
    'AUTH_UNSIGNED',
  );
  t.equal((await runs.get(run.id)).state, 'queued', 'no refusal moved it');

  const res = await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, { message: 'changed my mind' });
  t.equal(res.statusCode, 200);
  t.match(bodyOf<RunRecord>(res), {
    state: 'cancelled',
    reason: { code: 'RUN_CANCELLED', message: 'changed my mind' },
  });
  t.equal(ledger.balance(`user:${m.buyer.id}`), 10n ** 12n);
  const seq = ledger.lastSeq;
  const again = await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, {});
  t.equal(again.statusCode, 200, 'a repeated cancel answers the run');
  t.equal(ledger.lastSeq, seq, 'and refunds nothing twice');

  const running = await startRun(m);
  for (const e of ['place', 'seal', 'start'] as const)
    await runs.transition(running.id, e, { node: m.miner.id });
  // issue 4: a running run's cancel is asked of its node (202); the run ends when the node confirms
  const late = await as(m, m.buyer, 'POST', `/v1/runs/${running.id}/cancel`, {});
  t.equal(late.statusCode, 202);
  t.equal(late.json<{ state: string }>().state, 'running');
});

t.test('the rate: anyone reads it, the operator sets it, quotes keep theirs', async (t) => {
  const m = await marketForTest(t);
  t.same(bodyOf(await m.gw.app.inject({ method: 'GET', url: '/v1/rate' })), {
    fiat: '1',
    tokens: '1000000',
    updatedAt: null,
  });
  const before = bodyOf<QuoteRecord>(
    await as(m, m.buyer, 'POST', '/v1/quotes', { dataset: m.dataset.id, model: m.model.id, steps: 10 }),
  );

  const refused = await as(m, m.buyer, 'POST', '/v1/admin/rate', { fiat: '1', tokens: '1' });
  t.equal(refused.statusCode, 403);
  t.equal(codeOf(refused), 'AUTH_FORBIDDEN');
  t.equal(
    codeOf(await as(m, m.gw.operator, 'POST', '/v1/admin/rate', { fiat: '0', tokens: '5' })),
    'HTTP_INVALID',
  );
  t.equal(
    codeOf(await as(m, m.gw.operator, 'POST', '/v1/admin/rate', { fiat: 1, tokens: '5' })),
    'HTTP_INVALID',
  );
  t.equal(
    codeOf(await as(m, m.gw.operator, 'POST', '/v1/admin/rate', { fiat: '1', tokens: '5', x: 1 })),
    'HTTP_INVALID',
  );

  const set = await as(m, m.gw.operator, 'POST', '/v1/admin/rate', { fiat: '2', tokens: '5' });
  t.equal(set.statusCode, 200);
  t.match(bodyOf(set), { fiat: '2', tokens: '5', updatedAt: m.gw.app.gateway.now().toISOString() });
  const after = bodyOf<QuoteRecord>(
    await as(m, m.buyer, 'POST', '/v1/quotes', { dataset: m.dataset.id, model: m.model.id, steps: 10 }),
  );
  t.equal(after.price.tokens, '325', '130 fiat × 5/2 = 325 tokens');
  const run = bodyOf<RunRecord>(await as(m, m.buyer, 'POST', '/v1/runs', { quote: before.id }));
  t.equal(run.price.tokens, '130000000', 'a quote keeps the rate it was priced at');
});

t.test('the rate survives a restart', async (t) => {
  const m = await marketForTest(t);
  await as(m, m.gw.operator, 'POST', '/v1/admin/rate', { fiat: '3', tokens: '7' });
  const { TokenRate } = await import('../../../gateway/index.js');
  const reopened = await TokenRate.open(m.gw.app.gateway.store, { fiat: 1n, tokens: 1n });
  t.same(reopened.current(), { fiat: 3n, tokens: 7n });
  await t.rejects(reopened.set({ fiat: 0n, tokens: 1n }, new Date()), TypeError);
});

t.test('the OpenAPI document describes the runs, rate and rating routes', async (t) => {
  const m = await marketForTest(t, 0n);
  const res = await m.gw.app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const paths = bodyOf<{ paths: Record<string, Record<string, { summary?: string }>> }>(res).paths;
  for (const [path, method] of [
    ['/v1/quotes', 'post'],
    ['/v1/runs', 'post'],
    ['/v1/runs', 'get'],
    ['/v1/runs/{id}', 'get'],
    ['/v1/runs/{id}/cancel', 'post'],
    ['/v1/runs/{id}/events', 'get'],
    ['/v1/runs/{id}/ratings', 'post'],
    ['/v1/rate', 'get'],
    ['/v1/admin/rate', 'post'],
  ] as const) {
    t.ok(paths[path]?.[method]?.summary, `${method.toUpperCase()} ${path}`);
  }
});
