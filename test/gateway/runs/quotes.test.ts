/**
 * POST /v1/quotes and POST /v1/runs through app.inject: prices, every policy
 * refusal with its code, one run per quote (also under concurrent starts),
 * insufficient funds writing nothing, and bad input of every kind changing
 * no state.
 */
import t from 'tap';
import type { QuoteRecord, RunRecord } from '../../../gateway/index.js';
import { DATASETS_SUBLEVEL } from '../../../gateway/datasets/record.js';
import type { DatasetRecord } from '../../../gateway/datasets/record.js';
import { parseDatasetPolicy } from '../../../policies/index.js';
import { bodyOf, codeOf } from '../../helpers/gateway.js';
import type { Market } from './market.js';
import { IMAGE, as, datasetRecord, digestOf, marketForTest, modelRecord, putCatalog } from './market.js';

function quoteBody(m: Market, over: Record<string, unknown> = {}) {
  return { dataset: m.dataset.id, model: m.model.id, steps: 100, ...over };
}

async function quote(m: Market, over: Record<string, unknown> = {}): Promise<QuoteRecord> {
  const res = await as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, over));
  if (res.statusCode !== 201) throw new Error(`quote: ${res.statusCode} ${res.body}`);
  return bodyOf<QuoteRecord>(res);
}

async function datasetNow(m: Market, id = m.dataset.id): Promise<DatasetRecord> {
  const { store } = m.gw.app.gateway;
  return (await store.get<DatasetRecord>(store.sublevel(DATASETS_SUBLEVEL), id)) as DatasetRecord;
}

t.test('a quote prices the run, caps the steps and expires in 15 minutes', async (t) => {
  const m = await marketForTest(t);
  const q = await quote(m, { steps: 5000 });
  t.equal(q.steps, 1000, "capped at the model's maxSteps");
  t.same(q.price.fiat, { compute: '2000', baseFee: '10', data: '100', total: '2110' });
  t.equal(q.price.tokens, '2110000000');
  t.same(q.nodes, [], 'no node registry yet');
  t.equal(q.queueSeconds, 0);
  t.equal(Date.parse(q.expiresAt) - Date.parse(q.createdAt), 15 * 60 * 1000);
  t.equal(q.buyer, m.buyer.id);
});

t.test('quote refusals, each with its code', async (t) => {
  const m = await marketForTest(t);
  const now = m.gw.app.gateway.now();
  const delisted = datasetRecord(m.seller.id, now, { status: 'delisted' });
  const deprecated = modelRecord(m.publisher.id, now, { status: 'deprecated' });
  const otherImage = modelRecord(m.publisher.id, now, { image: { digest: digestOf('other image') } });
  const emptyPolicy = datasetRecord(m.seller.id, now, { policy: parseDatasetPolicy({}) });
  const expired = datasetRecord(m.seller.id, now, {
    policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], expiresAt: now.toISOString() } }),
  });
  const exhausted = datasetRecord(m.seller.id, now, {
    runs: 2,
    policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], maxRuns: 2 } }),
  });
  const picky = datasetRecord(m.seller.id, now, {
    policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], minBuyerRating: 3.5 } }),
  });
  const free = datasetRecord(m.seller.id, now, { price: '0' });
  const freeModel = modelRecord(m.publisher.id, now, {
    descriptor: { ...m.model.descriptor, unitCost: '0', baseFee: '0' },
  });
  for (const r of [delisted, emptyPolicy, expired, exhausted, picky, free])
    await putCatalog(m.gw, { dataset: r });
  for (const r of [deprecated, otherImage, freeModel]) await putCatalog(m.gw, { model: r });

  const cases: [string, Record<string, unknown>, number, string][] = [
    ['an unknown dataset', { dataset: 'ds_aaaaaaaaaaaaaaaaaaaaaaaaaa' }, 404, 'RUN_DATASET_NOT_FOUND'],
    ['an unknown model', { model: 'mdl_aaaaaaaaaaaaaaaaaaaaaaaaaa' }, 404, 'RUN_MODEL_NOT_FOUND'],
    ['a delisted dataset', { dataset: delisted.id }, 410, 'RUN_DATASET_DELISTED'],
    ['a deprecated model', { model: deprecated.id }, 410, 'RUN_MODEL_DEPRECATED'],
    ['a model the policy does not list', { model: otherImage.id }, 403, 'RUN_MODEL_NOT_ALLOWED'],
    ['an expired policy', { dataset: expired.id }, 410, 'RUN_DATASET_EXPIRED'],
    ['a dataset that served its runs', { dataset: exhausted.id }, 409, 'RUN_DATASET_RUNS_EXHAUSTED'],
    ['a new buyer (score 3) below 3.5', { dataset: picky.id }, 403, 'RUN_BUYER_RATING_TOO_LOW'],
    [
      'a price of zero is below the floor of 1',
      { dataset: free.id, model: freeModel.id },
      422,
      'RUN_PRICE_BELOW_FLOOR',
    ],
  ];
  for (const [what, over, status, code] of cases) {
    const res = await as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, over));
    t.equal(res.statusCode, status, what);
    t.equal(codeOf(res), code, what);
  }
  // an empty allowlist admits no model: allowlists are explicit (docs/runs.md)
  const closed = await as(
    m,
    m.buyer,
    'POST',
    '/v1/quotes',
    quoteBody(m, { dataset: emptyPolicy.id, model: otherImage.id }),
  );
  t.equal(closed.statusCode, 403, 'an empty allowlist admits no model');
  t.equal(codeOf(closed), 'RUN_MODEL_NOT_ALLOWED');
});

t.test('a run starts from a quote in one batch: run, quote used, run count, escrow', async (t) => {
  const m = await marketForTest(t, 10n ** 12n);
  const { ledger } = m.gw.app.gateway;
  const q = await quote(m);
  const res = await as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id });
  t.equal(res.statusCode, 201);
  const run = bodyOf<RunRecord>(res);
  t.match(run, {
    state: 'queued',
    quote: q.id,
    buyer: m.buyer.id,
    seller: m.seller.id,
    publisher: m.publisher.id,
    steps: 100,
  });
  t.same(run.price, q.price, 'the quoted price, frozen');
  t.equal(ledger.balance(`escrow:${run.id}`), 310_000_000n);
  t.equal((await datasetNow(m)).runs, 1);
  const entry = await ledger.entryByKey(`escrow:${run.id}`);
  t.same(entry?.meta, { quote: q.id, rateFiat: '1', rateTokens: '1000000', split: '4000/1500/4000/500' });

  const again = await as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id });
  t.equal(again.statusCode, 409);
  t.equal(codeOf(again), 'RUN_QUOTE_USED');
  const list = await as(m, m.buyer, 'GET', '/v1/runs');
  t.equal(bodyOf<{ items: RunRecord[] }>(list).items.length, 1, 'never two runs');
  t.equal((await datasetNow(m)).runs, 1);
});

t.test('concurrent starts from one quote make exactly one run', async (t) => {
  const m = await marketForTest(t);
  const q = await quote(m);
  const results = await Promise.all(
    Array.from({ length: 6 }, () => as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id })),
  );
  t.same(results.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409]);
  t.equal((await datasetNow(m)).runs, 1);
});

t.test('start refusals: whose quote, expiry, and the policy checked again', async (t) => {
  const m = await marketForTest(t);
  const other = await m.gw.account('buyer');
  const q = await quote(m);
  const stolen = await as(m, other, 'POST', '/v1/runs', { quote: q.id });
  t.equal(stolen.statusCode, 404);
  t.equal(codeOf(stolen), 'RUN_QUOTE_NOT_FOUND', "another buyer's quote looks missing");
  const missing = await as(m, m.buyer, 'POST', '/v1/runs', { quote: 'qt_aaaaaaaaaaaaaaaaaaaaaaaaaa' });
  t.equal(codeOf(missing), 'RUN_QUOTE_NOT_FOUND');

  m.advance(15 * 60 * 1000);
  const late = await as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id });
  t.equal(late.statusCode, 410);
  t.equal(codeOf(late), 'RUN_QUOTE_EXPIRED');

  // the seller tightens the policy between quote and start
  const q2 = await quote(m);
  await putCatalog(m.gw, {
    dataset: {
      ...m.dataset,
      policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], maxRuns: 1 } }),
      runs: 1,
    },
  });
  const full = await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id });
  t.equal(full.statusCode, 409);
  t.equal(codeOf(full), 'RUN_DATASET_RUNS_EXHAUSTED');
  await putCatalog(m.gw, {
    dataset: {
      ...m.dataset,
      policy: parseDatasetPolicy({ release: { allowedModels: [digestOf('another image')] } }),
    },
  });
  t.equal(codeOf(await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id })), 'RUN_MODEL_NOT_ALLOWED');
  await putCatalog(m.gw, { dataset: { ...m.dataset, status: 'delisted' } });
  t.equal(codeOf(await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id })), 'RUN_DATASET_DELISTED');
  await putCatalog(m.gw, { dataset: m.dataset, model: { ...m.model, status: 'deprecated' } });
  t.equal(codeOf(await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id })), 'RUN_MODEL_DEPRECATED');
  await putCatalog(m.gw, { model: m.model });
  t.equal(
    (await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id })).statusCode,
    201,
    'the same quote starts once the policy allows it',
  );
});

t.test('insufficient funds: 402 and nothing written', async (t) => {
  const m = await marketForTest(t, 300_000_000n); // the run costs 310 000 000
  const { ledger } = m.gw.app.gateway;
  const q = await quote(m);
  const seq = ledger.lastSeq;
  const res = await as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id });
  t.equal(res.statusCode, 402);
  t.equal(codeOf(res), 'RUN_INSUFFICIENT_FUNDS');
  t.equal(ledger.lastSeq, seq, 'no ledger entry');
  t.equal(ledger.balance(`user:${m.buyer.id}`), 300_000_000n);
  t.equal((await datasetNow(m)).runs, 0, 'the run count did not move');
  t.equal(bodyOf<{ items: unknown[] }>(await as(m, m.buyer, 'GET', '/v1/runs')).items.length, 0, 'no run');
  t.equal(bodyOf<{ items: unknown[] }>(await as(m, m.seller, 'GET', '/v1/runs?as=seller')).items.length, 0);
  const { store } = m.gw.app.gateway;
  t.equal(
    (await store.get<QuoteRecord>(store.sublevel('quotes'), q.id))?.run,
    undefined,
    'the quote is unused',
  );
});

t.test('bad input on quotes and starts: 4xx with a code and no state change', async (t) => {
  const m = await marketForTest(t);
  const { ledger, store, app } = { ...m.gw.app.gateway, app: m.gw.app };
  const seq = ledger.lastSeq;
  const cases: [string, () => ReturnType<typeof as>, number, string][] = [
    ['malformed JSON', () => as(m, m.buyer, 'POST', '/v1/quotes', '{"dataset":'), 400, 'HTTP_BAD_JSON'],
    [
      'steps as a string',
      () => as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, { steps: '100' })),
      400,
      'HTTP_INVALID',
    ],
    [
      'steps fractional',
      () => as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, { steps: 1.5 })),
      400,
      'HTTP_INVALID',
    ],
    [
      'steps zero',
      () => as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, { steps: 0 })),
      400,
      'HTTP_INVALID',
    ],
    [
      'a bad dataset id',
      () => as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, { dataset: '../x' })),
      400,
      'HTTP_INVALID',
    ],
    [
      'an unknown field',
      () => as(m, m.buyer, 'POST', '/v1/quotes', quoteBody(m, { price: '0' })),
      400,
      'HTTP_INVALID',
    ],
    [
      'a missing field',
      () => as(m, m.buyer, 'POST', '/v1/quotes', { dataset: m.dataset.id }),
      400,
      'HTTP_INVALID',
    ],
    [
      'unsigned',
      () => app.inject({ method: 'POST', url: '/v1/quotes', payload: quoteBody(m) }),
      401,
      'AUTH_UNSIGNED',
    ],
    [
      'a seller asking a quote',
      () => as(m, m.seller, 'POST', '/v1/quotes', quoteBody(m)),
      403,
      'AUTH_FORBIDDEN',
    ],
    ['start: malformed JSON', () => as(m, m.buyer, 'POST', '/v1/runs', '{'), 400, 'HTTP_BAD_JSON'],
    [
      'start: a number for the quote',
      () => as(m, m.buyer, 'POST', '/v1/runs', { quote: 7 }),
      400,
      'HTTP_INVALID',
    ],
    [
      'start: an unknown field',
      () => as(m, m.buyer, 'POST', '/v1/runs', { quote: 'qt_aaaaaaaaaaaaaaaaaaaaaaaaaa', x: 1 }),
      400,
      'HTTP_INVALID',
    ],
    [
      'start: unsigned',
      () =>
        app.inject({ method: 'POST', url: '/v1/runs', payload: { quote: 'qt_aaaaaaaaaaaaaaaaaaaaaaaaaa' } }),
      401,
      'AUTH_UNSIGNED',
    ],
    [
      'start: a miner',
      () => as(m, m.miner, 'POST', '/v1/runs', { quote: 'qt_aaaaaaaaaaaaaaaaaaaaaaaaaa' }),
      403,
      'AUTH_FORBIDDEN',
    ],
  ];
  for (const [what, send, status, code] of cases) {
    const res = await send();
    t.equal(res.statusCode, status, what);
    t.equal(codeOf(res), code, what);
  }
  const quotes = await store.sublevel('quotes').keys().all();
  t.equal(quotes.length, 0, 'no quote stored');
  t.equal(ledger.lastSeq, seq, 'no ledger entry');
});

t.test(
  'records made by the catalog: a run starts, and a delisting stops new runs but not this one',
  async (t) => {
    const m = await marketForTest(t);
    const { datasets, models, runs } = m.gw.app.gateway;
    const dataset = await datasets.create({
      seller: m.seller.id,
      title: 'catalog-made',
      description: 'through DatasetCatalog',
      schema: [],
      price: '100',
      policy: parseDatasetPolicy({ release: { allowedModels: [IMAGE], custody: 'seller' } }),
      blob: { digest: digestOf('catalog dataset'), size: 10 },
      key: { keyId: 'k2', custody: 'seller' },
    });
    const model = await models.publish(
      m.publisher.id,
      { ...m.model.descriptor, name: 'catalog-made' },
      { digest: IMAGE },
    );
    const q = await quote(m, { dataset: dataset.id, model: model.id });
    const run = bodyOf<RunRecord>(await as(m, m.buyer, 'POST', '/v1/runs', { quote: q.id }));
    t.equal(run.state, 'queued');
    const detail = bodyOf<{ runs: number }>(
      await m.gw.app.inject({ method: 'GET', url: `/v1/datasets/${dataset.id}` }),
    );
    t.equal(detail.runs, 1, "the catalog's detail route shows the run count runs wrote");

    const q2 = await quote(m, { dataset: dataset.id, model: model.id });
    const delist = await as(m, m.seller, 'DELETE', `/v1/datasets/${dataset.id}`);
    t.equal(delist.statusCode, 200);
    t.equal(codeOf(await as(m, m.buyer, 'POST', '/v1/runs', { quote: q2.id })), 'RUN_DATASET_DELISTED');
    await runs.transition(run.id, 'place', { node: m.miner.id });
    t.equal((await runs.get(run.id)).state, 'placed', 'the run in flight goes on');
  },
);
