/**
 * GET /v1/datasets and GET /v1/datasets/:id (issue 3): newest first, paged by
 * cursor, filtered by seller, price, allowed model and text; each listing
 * shows its seller's rating and nothing a node also sees. The index is
 * rebuilt from LevelDB when the gateway restarts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { put } from '../../../gateway/index.js';
import { RATING_SUMMARIES_SUBLEVEL, summaryKey } from '../../../gateway/ratings/summary.js';
import { bodyOf, codeOf, gatewayForTest, signedInject } from '../../helpers/gateway.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { imageDigest, listingBody, monotonicClock } from './fixtures.js';

interface Page {
  items: Record<string, unknown>[];
  next: string | null;
}

async function list(gw: TestGateway, who: TestAccount, over: Record<string, unknown> = {}): Promise<string> {
  const res = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/datasets',
    body: await listingBody(gw.app, gw.dataDir, over),
    key: who.key,
  });
  if (res.statusCode !== 201) throw new Error(res.body);
  return bodyOf(res).id as string;
}

async function page(gw: TestGateway, query: string): Promise<Page> {
  const res = await gw.app.inject({ method: 'GET', url: `/v1/datasets${query}` });
  if (res.statusCode !== 200) throw new Error(res.body);
  return bodyOf<Page>(res);
}

t.test('pages run newest first; the cursor is the last id; next is null at the end', async (t) => {
  const gw = await gatewayForTest(t, { now: monotonicClock() });
  const seller = await gw.account('seller');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await list(gw, seller, { title: `set ${i}` }));
  const newest = [...ids].reverse();

  const first = await page(gw, '?limit=2');
  t.same(
    first.items.map((d) => d.id),
    newest.slice(0, 2),
  );
  t.equal(first.next, newest[1]);
  const second = await page(gw, `?limit=2&cursor=${first.next}`);
  t.same(
    second.items.map((d) => d.id),
    newest.slice(2, 4),
  );
  const third = await page(gw, `?limit=2&cursor=${second.next}`);
  t.same(
    third.items.map((d) => d.id),
    newest.slice(4),
  );
  t.equal(third.next, null);
  const exact = await page(gw, '?limit=5');
  t.equal(exact.next, null, 'a full last page says there is no more');
  t.equal((await page(gw, '')).items.length, 5, 'the default limit is 50');
});

t.test('filters: seller, maxPrice, allowed model (id or digest; empty allows none), q', async (t) => {
  const gw = await gatewayForTest(t, { now: monotonicClock() });
  const ada = await gw.account('seller');
  const bob = await gw.account('seller');
  const publisher = await gw.account('publisher');
  const digest = imageDigest();
  const other = imageDigest();
  const a = await list(gw, ada, { title: 'Retail BASKETS', price: '100' });
  const b = await list(gw, ada, {
    description: 'weather stations',
    price: '5000',
    policy: { release: { custody: 'broker', allowedModels: [digest] } },
  });
  const c = await list(gw, bob, {
    price: '300',
    policy: { release: { custody: 'broker', allowedModels: [other] } },
  });
  const ids = async (query: string) => (await page(gw, query)).items.map((d) => d.id);

  t.same(await ids(`?seller=${ada.id}`), [b, a]);
  t.same(await ids('?maxPrice=300'), [c, a]);
  t.same(await ids(`?model=${digest}`), [b], 'allowlisted only: an empty allowlist admits no model');
  t.same(await ids('?q=baskets'), [a], 'case-insensitive, title');
  t.same(await ids('?q=WEATHER'), [b], 'description');
  t.same(await ids(`?seller=${bob.id}&maxPrice=299`), []);

  const model = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/models',
    key: publisher.key,
    body: {
      descriptor: {
        name: 'linreg',
        version: '1.0.0',
        entrypoints: { train: ['/bin/train'] },
        metrics: ['loss'],
        unitCost: '1',
        baseFee: '10',
        benchmark: { steps: 100, seconds: 1 },
      },
      image: { digest: other },
    },
  });
  t.same(await ids(`?model=${bodyOf(model).id as string}`), [c], 'a model id stands for its image digest');
  const unknown = await gw.app.inject({ method: 'GET', url: `/v1/datasets?model=mdl_${'a'.repeat(26)}` });
  t.equal(unknown.statusCode, 404);
  t.equal(codeOf(unknown), 'MODEL_NOT_FOUND');
});

t.test('the public view: seller rating, size and custody; no digests, key id or wrapped key', async (t) => {
  const gw = await gatewayForTest(t, { now: monotonicClock() });
  const seller = await gw.account('seller');
  const id = await list(gw, seller);
  // a rating aggregate as the ratings feature writes it (gateway/ratings/summary.ts)
  const ratings = gw.app.gateway.store.sublevel(RATING_SUMMARIES_SUBLEVEL);
  await gw.app.gateway.store.write([put(ratings, summaryKey(seller.id, 'seller'), { count: 5, sum: 25 })]);

  const [item] = (await page(gw, '')).items;
  const detail = bodyOf(await gw.app.inject({ method: 'GET', url: `/v1/datasets/${id}` }));
  for (const view of [item, detail]) {
    t.match(view, {
      id,
      seller: seller.id,
      sellerRating: { count: 5, mean: 5, score: 4 },
      currency: 'USD',
      custody: 'broker',
      size: 64,
      fingerprinted: false,
      status: 'listed',
    });
    t.notOk('blob' in (view as object) || 'key' in (view as object) || 'fingerprint' in (view as object));
    t.notMatch(JSON.stringify(view), /sha256:|wrapped|keyId/, 'nothing a node also sees');
  }
  t.notOk('runs' in (item as object), 'the list omits the run count');
  t.equal(detail.runs, 0, 'the detail reads it from the store');

  const missing = await gw.app.inject({ method: 'GET', url: `/v1/datasets/ds_${'a'.repeat(26)}` });
  t.equal(missing.statusCode, 404);
  t.equal(codeOf(missing), 'DATASET_NOT_FOUND');
  for (const query of [
    '?limit=0',
    '?limit=501',
    '?cursor=nope',
    '?maxPrice=1.5',
    '?model=gpt',
    '?colour=red',
  ]) {
    const res = await gw.app.inject({ method: 'GET', url: `/v1/datasets${query}` });
    t.equal(codeOf(res), 'HTTP_INVALID', query);
  }
});

t.test('the listing index is rebuilt from LevelDB on restart', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sealgate-catalog-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const ids: string[] = [];
  {
    const gw = await gatewayForTest(t, { dataDir, now: monotonicClock() });
    const seller = await gw.account('seller');
    for (let i = 0; i < 3; i++) ids.push(await list(gw, seller));
    const gone = await signedInject(gw.app, {
      method: 'DELETE',
      url: `/v1/datasets/${ids[1]}`,
      key: seller.key,
    });
    t.equal(gone.statusCode, 200);
    await gw.app.close();
  }
  const gw = await gatewayForTest(t, { dataDir, now: monotonicClock() });
  t.same(
    (await page(gw, '')).items.map((d) => d.id),
    [ids[2], ids[0]],
  );
  t.equal(gw.app.gateway.datasets.index.size, 2);
});
