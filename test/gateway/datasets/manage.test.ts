/**
 * PATCH and DELETE /v1/datasets/:id (issue 3): only the seller changes the
 * price or policy of a listed dataset (keeping its custody) and delists it,
 * idempotently; a delisted dataset leaves the listings but stays readable.
 * Every refusal changes nothing (read back). One test runs through a real
 * loopback listener with the client SDK.
 */
import t from 'tap';
import { GatewayClient, GatewayRequestError } from '../../../client/index.js';
import { bodyOf, codeOf, gatewayForTest, listenForTest, signedInject } from '../../helpers/gateway.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { imageDigest, listingBody } from './fixtures.js';

async function list(gw: TestGateway, who: TestAccount): Promise<string> {
  const res = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/datasets',
    body: await listingBody(gw.app, gw.dataDir),
    key: who.key,
  });
  return bodyOf(res).id as string;
}

t.test('the seller reprices and re-polices a listing; others cannot', async (t) => {
  const gw = await gatewayForTest(t, { economics: { fiat: { priceFloor: '10' } } });
  const seller = await gw.account('seller');
  const rival = await gw.account('seller');
  const buyer = await gw.account('buyer');
  const id = await list(gw, seller);
  const url = `/v1/datasets/${id}`;
  const digest = imageDigest();
  const patch = (who: TestAccount, body: unknown) =>
    signedInject(gw.app, { method: 'PATCH', url, body, key: who.key });

  const ok = await patch(seller, { price: '4000', policy: { release: { allowedModels: [digest] } } });
  t.equal(ok.statusCode, 200);
  t.match(bodyOf(ok), { price: '4000', policy: { release: { allowedModels: [digest], custody: 'broker' } } });
  const listed = bodyOf<{ items: { price: string }[] }>(
    await gw.app.inject({ method: 'GET', url: '/v1/datasets' }),
  );
  t.equal(listed.items[0]?.price, '4000', 'the index sees the change');

  const refusals: [string, TestAccount, unknown, number, string][] = [
    ['another seller', rival, { price: '50' }, 403, 'DATASET_NOT_SELLER'],
    ['a buyer', buyer, { price: '50' }, 403, 'AUTH_FORBIDDEN'],
    ['below the floor', seller, { price: '9' }, 400, 'DATASET_PRICE_BELOW_FLOOR'],
    [
      'a custody change',
      seller,
      { policy: { release: { custody: 'seller' } } },
      400,
      'DATASET_CUSTODY_MISMATCH',
    ],
    ['a bad policy', seller, { policy: { egress: { byteBudget: -1 } } }, 400, 'POLICY_INVALID'],
    ['an empty change', seller, {}, 400, 'HTTP_INVALID'],
    ['an unknown field', seller, { title: 'new' }, 400, 'HTTP_INVALID'],
    ['a numeric price', seller, { price: 5 }, 400, 'HTTP_INVALID'],
    ['malformed JSON', seller, '{"price"', 400, 'HTTP_BAD_JSON'],
  ];
  for (const [name, who, body, status, code] of refusals) {
    const res = await patch(who, body);
    t.equal(res.statusCode, status, name);
    t.equal(codeOf(res), code, name);
  }
  const unsigned = await gw.app.inject({ method: 'PATCH', url, payload: { price: '1' } });
  t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
  t.equal((await patch(seller, { price: '20' })).statusCode, 200);
  const other = await signedInject(gw.app, {
    method: 'PATCH',
    url: `/v1/datasets/ds_${'a'.repeat(26)}`,
    body: { price: '20' },
    key: seller.key,
  });
  t.equal(codeOf(other), 'DATASET_NOT_FOUND');
  const after = await gw.app.gateway.datasets.get(id);
  t.equal(after.price, '20', 'only the accepted changes applied');
  t.same(after.policy.release.allowedModels, [digest]);
});

t.test(
  'delisting: idempotent, only by the seller; the dataset leaves the listings and cannot be changed',
  async (t) => {
    const gw = await gatewayForTest(t);
    const seller = await gw.account('seller');
    const rival = await gw.account('seller');
    const buyer = await gw.account('buyer');
    const id = await list(gw, seller);
    const url = `/v1/datasets/${id}`;
    const del = (who: TestAccount) => signedInject(gw.app, { method: 'DELETE', url, key: who.key });

    const refused = await del(rival);
    t.equal(refused.statusCode, 403);
    t.equal(codeOf(refused), 'DATASET_NOT_SELLER');
    const unsigned = await gw.app.inject({ method: 'DELETE', url });
    t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
    const wrongRole = await del(buyer);
    t.equal(wrongRole.statusCode, 403);
    t.equal(codeOf(wrongRole), 'AUTH_FORBIDDEN');
    t.equal((await gw.app.gateway.datasets.get(id)).status, 'listed', 'refusals changed nothing');

    const first = await del(seller);
    t.equal(first.statusCode, 200);
    t.equal(bodyOf(first).status, 'delisted');
    const again = await del(seller);
    t.equal(again.statusCode, 200);
    t.equal(bodyOf(again).updatedAt, bodyOf(first).updatedAt, 'the second delist changes nothing');

    const listed = bodyOf<{ items: unknown[] }>(await gw.app.inject({ method: 'GET', url: '/v1/datasets' }));
    t.equal(listed.items.length, 0);
    const shown = await gw.app.inject({ method: 'GET', url });
    t.equal(bodyOf(shown).status, 'delisted', 'still readable by id');
    const patch = await signedInject(gw.app, { method: 'PATCH', url, body: { price: '9' }, key: seller.key });
    t.equal(patch.statusCode, 409);
    t.equal(codeOf(patch), 'DATASET_DELISTED');
  },
);

t.test('through a real loopback listener with the client SDK', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const base = await listenForTest(gw.app);
  const client = new GatewayClient({ gateway: base, key: seller.key });
  const anonymous = new GatewayClient({ gateway: base });

  const made = await client.request<{ id: string }>('POST', '/v1/datasets', {
    body: await listingBody(gw.app, gw.dataDir),
  });
  const page = await anonymous.request<{ items: { id: string }[] }>('GET', '/v1/datasets?limit=10');
  t.same(
    page.items.map((d) => d.id),
    [made.id],
  );
  const updated = await client.request<{ price: string }>('PATCH', `/v1/datasets/${made.id}`, {
    body: { price: '7' },
  });
  t.equal(updated.price, '7');
  const unsigned = await anonymous.request('DELETE', `/v1/datasets/${made.id}`).catch((e: unknown) => e);
  t.type(unsigned, GatewayRequestError);
  t.match(unsigned, { code: 'AUTH_UNSIGNED', status: 401 });
  const missing = await client.request('GET', `/v1/datasets/ds_${'b'.repeat(26)}`).catch((e: unknown) => e);
  t.type(missing, GatewayRequestError);
  t.match(missing, { code: 'DATASET_NOT_FOUND', status: 404 });
  const gone = await client.request<{ status: string }>('DELETE', `/v1/datasets/${made.id}`);
  t.equal(gone.status, 'delisted');
});
