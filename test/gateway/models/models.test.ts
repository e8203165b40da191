/**
 * The model catalog (DESIGN.md 5 step 2, issue 3): a publisher publishes
 * model.json with an image id and optionally a stored archive; name@version
 * is unique per publisher; anyone lists (deprecated ones only when asked) and
 * reads models; only the publisher deprecates, idempotently. Refusals carry
 * their code and change nothing. One test goes through a loopback listener.
 */
import t from 'tap';
import { GatewayClient, GatewayRequestError } from '../../../client/index.js';
import { bodyOf, codeOf, gatewayForTest, listenForTest, signedInject } from '../../helpers/gateway.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { imageDigest, monotonicClock, storeBlob } from '../datasets/fixtures.js';

// a minimal model.json in the shape of policies' ModelDescriptorSchema
function descriptor(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'linreg',
    version: '1.0.0',
    entrypoints: { train: ['/bin/train'] },
    metrics: ['loss'],
    unitCost: '2',
    baseFee: '50',
    benchmark: { steps: 1000, seconds: 12.5 },
    ...over,
  };
}

async function publish(gw: TestGateway, who: TestAccount, body: unknown) {
  return signedInject(gw.app, { method: 'POST', url: '/v1/models', body, key: who.key });
}

async function ids(gw: TestGateway, query = ''): Promise<string[]> {
  const res = await gw.app.inject({ method: 'GET', url: `/v1/models${query}` });
  return bodyOf<{ items: { id: string }[] }>(res).items.map((m) => m.id);
}

t.test('publish with an image id, or with a stored archive too', async (t) => {
  const gw = await gatewayForTest(t);
  const pub = await gw.account('publisher');
  const digest = imageDigest();
  const plain = await publish(gw, pub, { descriptor: descriptor(), image: { digest } });
  t.equal(plain.statusCode, 201);
  t.match(bodyOf(plain), {
    id: /^mdl_[a-z2-7]{26}$/,
    publisher: pub.id,
    status: 'published',
    image: { digest },
    descriptor: { name: 'linreg', resources: { cpus: 1, memoryMiB: 512 }, maxSteps: 1_000_000 },
  });
  const archive = await storeBlob(gw.dataDir, new Uint8Array(2048));
  const withArchive = await publish(gw, pub, {
    descriptor: descriptor({ version: '1.1.0' }),
    image: { digest },
    archive: { digest: archive },
  });
  t.equal(withArchive.statusCode, 201);
  t.match(bodyOf(withArchive), { image: { digest, archive: { digest: archive, size: 2048 } } });
  const shown = await gw.app.inject({ method: 'GET', url: `/v1/models/${bodyOf(withArchive).id as string}` });
  t.same(bodyOf(shown), bodyOf(withArchive));
});

t.test('refusals: duplicates, price floor, missing archive, bad descriptor, bad input, role', async (t) => {
  const gw = await gatewayForTest(t, { economics: { fiat: { priceFloor: '5' } } });
  const pub = await gw.account('publisher');
  const other = await gw.account('publisher');
  const seller = await gw.account('seller');
  const image = { digest: imageDigest() };
  t.equal((await publish(gw, pub, { descriptor: descriptor({ unitCost: '5' }), image })).statusCode, 201);
  const cases: [string, TestAccount, unknown, number, string][] = [
    [
      'the same name@version again',
      pub,
      { descriptor: descriptor({ unitCost: '5' }), image },
      409,
      'MODEL_EXISTS',
    ],
    [
      'unitCost below the floor',
      pub,
      { descriptor: descriptor({ version: '2', unitCost: '4' }), image },
      400,
      'MODEL_PRICE_BELOW_FLOOR',
    ],
    [
      'baseFee below the floor',
      pub,
      { descriptor: descriptor({ version: '2', unitCost: '9', baseFee: '0' }), image },
      400,
      'MODEL_PRICE_BELOW_FLOOR',
    ],
    [
      'an archive that is not stored',
      pub,
      {
        descriptor: descriptor({ version: '2', unitCost: '9' }),
        image,
        archive: { digest: `sha256:${'c'.repeat(64)}` },
      },
      400,
      'MODEL_ARCHIVE_MISSING',
    ],
    [
      'a bad descriptor field',
      pub,
      { descriptor: descriptor({ version: '2', metrics: [] }), image },
      400,
      'POLICY_INVALID',
    ],
    [
      'an image that is not a digest',
      pub,
      { descriptor: descriptor({ version: '2' }), image: { digest: 'ubuntu:latest' } },
      400,
      'HTTP_INVALID',
    ],
    [
      'an unknown field',
      pub,
      { descriptor: descriptor({ version: '2' }), image, tag: 'x' },
      400,
      'HTTP_INVALID',
    ],
    ['no image', pub, { descriptor: descriptor({ version: '2' }) }, 400, 'HTTP_INVALID'],
    ['malformed JSON', pub, '{"descriptor":', 400, 'HTTP_BAD_JSON'],
    [
      'a seller',
      seller,
      { descriptor: descriptor({ version: '2', unitCost: '9' }), image },
      403,
      'AUTH_FORBIDDEN',
    ],
  ];
  for (const [name, who, body, status, code] of cases) {
    const res = await publish(gw, who, body);
    t.equal(res.statusCode, status, name);
    t.equal(codeOf(res), code, name);
  }
  const bad = await publish(gw, pub, { descriptor: descriptor({ version: '2', metrics: [] }), image });
  t.match(bodyOf<{ error: { message: string } }>(bad).error.message, /^\/descriptor\/metrics: /);
  const unsigned = await gw.app.inject({
    method: 'POST',
    url: '/v1/models',
    payload: { descriptor: descriptor(), image },
  });
  t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
  t.equal((await ids(gw)).length, 1, 'nothing else was published');
  const same = await publish(gw, other, { descriptor: descriptor({ unitCost: '5' }), image });
  t.equal(same.statusCode, 201, 'another publisher may use the same name@version');
});

t.test('listing: newest first, paged, filtered; deprecation by the publisher only', async (t) => {
  const gw = await gatewayForTest(t, { now: monotonicClock() });
  const pub = await gw.account('publisher');
  const rival = await gw.account('publisher');
  const buyer = await gw.account('buyer');
  const made: string[] = [];
  for (const [who, name] of [
    [pub, 'alpha'],
    [pub, 'beta'],
    [rival, 'alpha'],
  ] as const) {
    const res = await publish(gw, who, {
      descriptor: descriptor({ name }),
      image: { digest: imageDigest() },
    });
    made.push(bodyOf(res).id as string);
  }
  const [a, b, c] = made as [string, string, string];
  t.same(await ids(gw), [c, b, a]);
  t.same(await ids(gw, `?publisher=${pub.id}`), [b, a]);
  t.same(await ids(gw, '?name=alpha'), [c, a]);
  const first = bodyOf<{ next: string }>(await gw.app.inject({ method: 'GET', url: '/v1/models?limit=2' }));
  t.equal(first.next, b);
  t.same(await ids(gw, `?limit=2&cursor=${b}`), [a]);

  const deprecate = (who: TestAccount, id: string) =>
    signedInject(gw.app, { method: 'POST', url: `/v1/models/${id}/deprecate`, key: who.key });
  t.equal(codeOf(await deprecate(rival, a)), 'MODEL_NOT_PUBLISHER');
  t.equal(codeOf(await deprecate(buyer, a)), 'AUTH_FORBIDDEN');
  t.equal(codeOf(await gw.app.inject({ method: 'POST', url: `/v1/models/${a}/deprecate` })), 'AUTH_UNSIGNED');
  t.equal(codeOf(await deprecate(pub, `mdl_${'a'.repeat(26)}`)), 'MODEL_NOT_FOUND');
  t.equal((await gw.app.gateway.models.get(a)).status, 'published', 'refusals changed nothing');
  const done = await deprecate(pub, a);
  t.equal(done.statusCode, 200);
  t.equal(bodyOf(done).status, 'deprecated');
  const again = await deprecate(pub, a);
  t.equal(bodyOf(again).updatedAt, bodyOf(done).updatedAt, 'idempotent');
  t.same(await ids(gw), [c, b], 'deprecated models are hidden by default');
  t.same(await ids(gw, '?deprecated=true'), [c, b, a]);
  t.equal(codeOf(await gw.app.inject({ method: 'GET', url: `/v1/models/${a}x` })), 'HTTP_INVALID');
  t.equal(codeOf(await gw.app.inject({ method: 'GET', url: '/v1/models?sort=name' })), 'HTTP_INVALID');
});

t.test('through a real loopback listener with the client SDK', async (t) => {
  const gw = await gatewayForTest(t);
  const pub = await gw.account('publisher');
  const base = await listenForTest(gw.app);
  const client = new GatewayClient({ gateway: base, key: pub.key });
  const model = await client.request<{ id: string }>('POST', '/v1/models', {
    body: { descriptor: descriptor(), image: { digest: imageDigest() } },
  });
  const anonymous = new GatewayClient({ gateway: base });
  const shown = await anonymous.request<{ id: string; status: string }>('GET', `/v1/models/${model.id}`);
  t.equal(shown.status, 'published');
  const dup = await client
    .request('POST', '/v1/models', { body: { descriptor: descriptor(), image: { digest: imageDigest() } } })
    .catch((e: unknown) => e);
  t.type(dup, GatewayRequestError);
  t.match(dup, { code: 'MODEL_EXISTS', status: 409 });
  const gone = await client.request<{ status: string }>('POST', `/v1/models/${model.id}/deprecate`);
  t.equal(gone.status, 'deprecated');
});

t.test('the catalog routes are in /openapi.json', async (t) => {
  const gw = await gatewayForTest(t);
  const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  const paths = Object.keys(bodyOf<{ paths: Record<string, unknown> }>(res).paths);
  for (const p of [
    '/v1/datasets',
    '/v1/datasets/{id}',
    '/v1/models',
    '/v1/models/{id}',
    '/v1/models/{id}/deprecate',
  ])
    t.ok(paths.includes(p), p);
});
