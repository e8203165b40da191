/**
 * Ratings (DESIGN.md 5 step 10, section 9): after settlement the buyer rates
 * the seller and the seller the buyer, once each; aggregates change in the
 * same batch and show on public profiles and in the buyer-rating policy.
 * Non-parties get 404, early or second ratings 409, bad input 400, and no
 * refusal changes anything.
 */
import t from 'tap';
import type { RatingRecord, RunRecord } from '../../../gateway/index.js';
import {
  RATINGS_SUBLEVEL,
  RATING_SUMMARIES_SUBLEVEL,
  ratingsOfRun,
  rateRun,
} from '../../../gateway/index.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import { GatewayClient } from '../../../client/index.js';
import { bodyOf, codeOf, listenForTest } from '../../helpers/gateway.js';
import type { TestAccount } from '../../helpers/gateway.js';
import type { Market } from '../runs/market.js';
import { IMAGE, as, credit, datasetRecord, marketForTest, putCatalog } from '../runs/market.js';

async function settledRun(
  m: Market,
  buyer: TestAccount = m.buyer,
  dataset = m.dataset.id,
): Promise<RunRecord> {
  const { runs } = m.gw.app.gateway;
  const q = await runs.quote(buyer.id, { dataset, model: m.model.id, steps: 10 });
  const run = await runs.start(buyer.id, q.id);
  for (const e of ['place', 'seal', 'start', 'seal-output'] as const)
    await runs.transition(run.id, e, { node: m.miner.id });
  return runs.transition(run.id, 'settle', {
    usage: { steps: 10, cpuSeconds: 1, gpuSeconds: 0, seconds: 1 },
  });
}

async function summaryCount(m: Market): Promise<number> {
  return (await m.gw.app.gateway.store.sublevel(RATING_SUMMARIES_SUBLEVEL).keys().all()).length;
}

t.test('each side rates the other once, and profiles show it', async (t) => {
  const m = await marketForTest(t);
  const run = await settledRun(m);
  const byBuyer = await as(m, m.buyer, 'POST', `/v1/runs/${run.id}/ratings`, {
    stars: 5,
    comment: 'clean data',
  });
  t.equal(byBuyer.statusCode, 201);
  t.match(bodyOf<RatingRecord>(byBuyer), {
    run: run.id,
    by: m.buyer.id,
    of: m.seller.id,
    side: 'seller',
    stars: 5,
    comment: 'clean data',
  });
  const bySeller = await as(m, m.seller, 'POST', `/v1/runs/${run.id}/ratings`, { stars: 2 });
  t.equal(bySeller.statusCode, 201);
  t.match(bodyOf<RatingRecord>(bySeller), { of: m.buyer.id, side: 'buyer', stars: 2, comment: '' });

  for (const who of [m.buyer, m.seller]) {
    const again = await as(m, who, 'POST', `/v1/runs/${run.id}/ratings`, { stars: 1 });
    t.equal(again.statusCode, 409);
    t.equal(codeOf(again), 'RATING_ALREADY_RATED');
  }
  t.equal((await ratingsOfRun(m.gw.app.gateway.store, run.id)).length, 2);

  const seller = bodyOf(await m.gw.app.inject({ method: 'GET', url: `/v1/accounts/${m.seller.id}` }));
  // Bayesian average with the prior of 5 ratings of 3: (15 + 5) / 6 = 3.33
  t.same(seller.ratings, {
    asSeller: { count: 1, mean: 5, score: 3.33 },
    asBuyer: { count: 0, mean: null, score: 3 },
  });
  const buyer = bodyOf(await m.gw.app.inject({ method: 'GET', url: `/v1/accounts/${m.buyer.id}` }));
  t.same(buyer.ratings, {
    asSeller: { count: 0, mean: null, score: 3 },
    asBuyer: { count: 1, mean: 2, score: 2.83 },
  });
});

t.test('a low buyer rating closes datasets that ask for more', async (t) => {
  const m = await marketForTest(t);
  const run = await settledRun(m);
  await as(m, m.seller, 'POST', `/v1/runs/${run.id}/ratings`, { stars: 1 });
  const picky = datasetRecord(m.seller.id, m.gw.app.gateway.now(), {
    policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], minBuyerRating: 3 } }),
  });
  await putCatalog(m.gw, { dataset: picky });
  const res = await as(m, m.buyer, 'POST', '/v1/quotes', { dataset: picky.id, model: m.model.id, steps: 10 });
  t.equal(res.statusCode, 403);
  t.equal(codeOf(res), 'RUN_BUYER_RATING_TOO_LOW', '(15 + 1) / 6 = 2.67 < 3');
});

t.test('refusals: non-parties, unsettled runs, self-trade, bad input', async (t) => {
  const m = await marketForTest(t);
  const { runs } = m.gw.app.gateway;
  const run = await settledRun(m);
  const stranger = await m.gw.account('buyer', 'seller');
  const notFound = await as(m, stranger, 'POST', `/v1/runs/${run.id}/ratings`, { stars: 3 });
  t.equal(notFound.statusCode, 404);
  t.equal(codeOf(notFound), 'RATING_RUN_NOT_FOUND');
  t.equal(
    codeOf(await as(m, m.publisher, 'POST', `/v1/runs/${run.id}/ratings`, { stars: 3 })),
    'RATING_RUN_NOT_FOUND',
  );
  t.equal(
    codeOf(await as(m, m.buyer, 'POST', '/v1/runs/run_aaaaaaaaaaaaaaaaaaaaaaaaaa/ratings', { stars: 3 })),
    'RATING_RUN_NOT_FOUND',
  );

  const q = await runs.quote(m.buyer.id, { dataset: m.dataset.id, model: m.model.id, steps: 10 });
  const open = await runs.start(m.buyer.id, q.id);
  const early = await as(m, m.buyer, 'POST', `/v1/runs/${open.id}/ratings`, { stars: 3 });
  t.equal(early.statusCode, 409);
  t.equal(codeOf(early), 'RATING_NOT_SETTLED');
  await runs.transition(open.id, 'fail');
  t.equal(
    codeOf(await as(m, m.seller, 'POST', `/v1/runs/${open.id}/ratings`, { stars: 3 })),
    'RATING_NOT_SETTLED',
    'a failed run is not rated',
  );

  const both = await m.gw.account('buyer', 'seller');
  await credit(m.gw, both.id, 10n ** 12n);
  const own = datasetRecord(both.id, m.gw.app.gateway.now());
  await putCatalog(m.gw, { dataset: own });
  const selfRun = await settledRun(m, both, own.id);
  const self = await as(m, both, 'POST', `/v1/runs/${selfRun.id}/ratings`, { stars: 5 });
  t.equal(self.statusCode, 403);
  t.equal(codeOf(self), 'RATING_SELF_TRADE');

  const url = `/v1/runs/${run.id}/ratings`;
  const bad: [string, unknown, string][] = [
    ['malformed JSON', '{"stars":', 'HTTP_BAD_JSON'],
    ['zero stars', { stars: 0 }, 'HTTP_INVALID'],
    ['six stars', { stars: 6 }, 'HTTP_INVALID'],
    ['half a star', { stars: 2.5 }, 'HTTP_INVALID'],
    ['stars as text', { stars: '5' }, 'HTTP_INVALID'],
    ['a long comment', { stars: 5, comment: 'x'.repeat(1001) }, 'HTTP_INVALID'],
    ['an unknown field', { stars: 5, of: m.buyer.id }, 'HTTP_INVALID'],
    ['no stars', { comment: 'hi' }, 'HTTP_INVALID'],
  ];
  for (const [what, body, code] of bad) t.equal(codeOf(await as(m, m.buyer, 'POST', url, body)), code, what);
  t.equal(codeOf(await m.gw.app.inject({ method: 'POST', url, payload: { stars: 5 } })), 'AUTH_UNSIGNED');
  t.equal(codeOf(await as(m, m.buyer, 'POST', '/v1/runs/x/ratings', { stars: 5 })), 'HTTP_INVALID');

  const stored = await m.gw.app.gateway.store.sublevel(RATINGS_SUBLEVEL).keys().all();
  t.equal(stored.length, 0, 'no refused rating was stored');
  t.equal(await summaryCount(m), 0, 'no aggregate moved');
  await t.rejects(
    rateRun(m.gw.app.gateway.store, () => new Date(), run.id, m.buyer.id, { stars: 9 }),
    TypeError,
  );
});

t.test('concurrent ratings by one side: exactly one counts', async (t) => {
  const m = await marketForTest(t);
  const run = await settledRun(m);
  const results = await Promise.all(
    [1, 2, 3, 4, 5].map((stars) => as(m, m.buyer, 'POST', `/v1/runs/${run.id}/ratings`, { stars })),
  );
  t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409]);
  const profile = bodyOf(await m.gw.app.inject({ method: 'GET', url: `/v1/accounts/${m.seller.id}` }));
  t.match(profile.ratings, { asSeller: { count: 1 } });
});

t.test('rating through the client SDK on a real listener', async (t) => {
  const m = await marketForTest(t);
  const run = await settledRun(m);
  const base = await listenForTest(m.gw.app);
  const client = new GatewayClient({ gateway: base, key: m.buyer.key, now: () => m.gw.app.gateway.now() });
  const rating = await client.request<RatingRecord>('POST', `/v1/runs/${run.id}/ratings`, {
    body: { stars: 4, comment: 'ok' },
  });
  t.match(rating, { side: 'seller', stars: 4 });
  await t.rejects(client.request('POST', `/v1/runs/${run.id}/ratings`, { body: { stars: 4 } }), {
    name: 'GatewayRequestError',
    code: 'RATING_ALREADY_RATED',
    status: 409,
  });
  const seen = await client.request<RunRecord>('GET', `/v1/runs/${run.id}`);
  t.equal(seen.state, 'settled');
});
