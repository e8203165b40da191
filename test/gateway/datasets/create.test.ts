/**
 * POST /v1/datasets (DESIGN.md 5 step 1, issue 3): a seller lists a dataset
 * whose blobs are stored, whose price is at least the floor, whose policy
 * parses and whose data key matches its custody; each broken rule answers its
 * own code and stores nothing.
 */
import t from 'tap';
import {
  bytesToBase64,
  bytesToHex,
  dataKeyId,
  generateDataKey,
  generateBoxKeyPair,
  wrapKey,
} from '../../../attest/index.js';
import { bodyOf, codeOf, gatewayForTest, signedInject } from '../../helpers/gateway.js';
import type { TestGateway, TestAccount } from '../../helpers/gateway.js';
import { brokerKey, fingerprintKeyFor, listingBody, storeBlob } from './fixtures.js';

async function post(gw: TestGateway, who: TestAccount, body: unknown) {
  return signedInject(gw.app, { method: 'POST', url: '/v1/datasets', body, key: who.key });
}

async function listedCount(gw: TestGateway): Promise<number> {
  const res = await gw.app.inject({ method: 'GET', url: '/v1/datasets' });
  return bodyOf<{ items: unknown[] }>(res).items.length;
}

t.test('a seller lists a dataset in broker custody and sees its own record', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const fingerprint = await storeBlob(gw.dataDir, new Uint8Array(100));
  const body = await listingBody(gw.app, gw.dataDir, {
    fingerprint: { digest: fingerprint },
    fingerprintKey: fingerprintKeyFor(gw.app),
  });
  const res = await post(gw, seller, body);
  t.equal(res.statusCode, 201);
  const made = bodyOf(res);
  t.match(made, {
    id: /^ds_[a-z2-7]{26}$/,
    seller: seller.id,
    price: '2500',
    status: 'listed',
    runs: 0,
    blob: { digest: (body.blob as { digest: string }).digest, size: 64 },
    fingerprint: { digest: fingerprint, size: 100 },
    key: { keyId: (body.key as { keyId: string }).keyId, custody: 'broker' },
    policy: {
      release: { custody: 'broker', minTier: 'software', allowedModels: [] },
      egress: { channels: ['metrics'] },
    },
  });
  t.notOk('wrapped' in (made.key as object), 'the wrapped key is not echoed');
  const stored = await gw.app.gateway.datasets.get(made.id as string);
  t.equal(stored.key.wrapped, (body.key as { wrapped: string }).wrapped, 'the wrapped key is stored');
});

t.test('seller custody: no wrapped key, and the policy must say seller custody', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const keyId = bytesToHex(dataKeyId(generateDataKey()));
  const ok = await post(
    gw,
    seller,
    await listingBody(gw.app, gw.dataDir, {
      key: { keyId, custody: 'seller' },
      policy: { release: { custody: 'seller' } },
    }),
  );
  t.equal(ok.statusCode, 201);
  t.match(bodyOf(ok), { key: { custody: 'seller' } });

  const wrapped = await post(
    gw,
    seller,
    await listingBody(gw.app, gw.dataDir, {
      key: { ...brokerKey(gw.app), custody: 'seller' },
      policy: { release: { custody: 'seller' } },
    }),
  );
  t.equal(wrapped.statusCode, 400);
  t.equal(codeOf(wrapped), 'DATASET_KEY_WRAPPED_FORBIDDEN');

  const mismatch = await post(
    gw,
    seller,
    await listingBody(gw.app, gw.dataDir, { key: { keyId, custody: 'seller' } }),
  );
  t.equal(codeOf(mismatch), 'DATASET_CUSTODY_MISMATCH', 'the default policy custody is broker');
  t.equal(await listedCount(gw), 1);
});

t.test('each broken rule of a listing has its own code and stores nothing', async (t) => {
  const gw = await gatewayForTest(t, { economics: { fiat: { priceFloor: '100' } } });
  const seller = await gw.account('seller');
  const good = brokerKey(gw.app);
  const dek = generateDataKey();
  const missing = `sha256:${'ab'.repeat(32)}`;
  const cases: [string, Record<string, unknown>, number, string][] = [
    ['price below the floor', { price: '99' }, 400, 'DATASET_PRICE_BELOW_FLOOR'],
    ['blob not stored', { blob: { digest: missing } }, 400, 'DATASET_BLOB_MISSING'],
    [
      'fingerprint not stored',
      { fingerprint: { digest: missing }, fingerprintKey: fingerprintKeyFor(gw.app) },
      400,
      'DATASET_FINGERPRINT_MISSING',
    ],
    [
      'broker custody without a wrapped key',
      { key: { keyId: good.keyId, custody: 'broker' } },
      400,
      'DATASET_KEY_WRAPPED_REQUIRED',
    ],
    [
      'a wrapped key of the wrong length',
      { key: { ...good, wrapped: bytesToBase64(new Uint8Array(79)) } },
      400,
      'DATASET_KEY_WRAPPED_MALFORMED',
    ],
    [
      'a wrapped key that is not base64',
      { key: { ...good, wrapped: '***' } },
      400,
      'DATASET_KEY_WRAPPED_MALFORMED',
    ],
    [
      'a key sealed to another X25519 key',
      {
        key: {
          keyId: bytesToHex(dataKeyId(dek)),
          custody: 'broker',
          wrapped: bytesToBase64(wrapKey(dek, generateBoxKeyPair().publicKey)),
        },
      },
      400,
      'DATASET_KEY_UNWRAP_FAILED',
    ],
    [
      'a key whose id is not the one declared',
      { key: { ...good, keyId: bytesToHex(dataKeyId(dek)) } },
      400,
      'DATASET_KEY_ID_MISMATCH',
    ],
    ['a policy with a bad field', { policy: { release: { minTier: 'vibes' } } }, 400, 'POLICY_INVALID'],
    ['a policy that is not an object', { policy: [] }, 400, 'POLICY_INVALID'],
  ];
  for (const [name, over, status, code] of cases) {
    const res = await post(gw, seller, await listingBody(gw.app, gw.dataDir, over));
    t.equal(res.statusCode, status, `${name}: status`);
    t.equal(codeOf(res), code, `${name}: code`);
  }
  const bad = await post(
    gw,
    seller,
    await listingBody(gw.app, gw.dataDir, { policy: { release: { minTier: 'vibes' } } }),
  );
  t.match(
    bodyOf<{ error: { message: string } }>(bad).error.message,
    /^\/policy\/release\/minTier: expected one of/,
  );
  const unknown = await post(gw, seller, await listingBody(gw.app, gw.dataDir, { policy: { extra: 1 } }));
  t.match(bodyOf<{ error: { message: string } }>(unknown).error.message, /^\/policy\/extra: /);
  t.equal(await listedCount(gw), 0, 'nothing was listed');
});

t.test(
  'malformed JSON, wrong types, unknown fields, no signature, wrong role: 4xx and nothing listed',
  async (t) => {
    const gw = await gatewayForTest(t);
    const seller = await gw.account('seller');
    const buyer = await gw.account('buyer');
    const body = await listingBody(gw.app, gw.dataDir);

    const badJson = await post(gw, seller, '{"title": ');
    t.equal(badJson.statusCode, 400);
    t.equal(codeOf(badJson), 'HTTP_BAD_JSON');
    for (const [name, over] of [
      ['price as a number', { price: 2500 }],
      ['a negative price', { price: '-1' }],
      ['title missing', { title: undefined }],
      ['an unknown field', { extra: true }],
      ['an unknown key field', { key: { ...(body.key as object), dek: 'x' } }],
      ['a bad blob digest', { blob: { digest: 'md5:abc' } }],
    ] as const) {
      const res = await post(gw, seller, { ...body, ...over });
      t.equal(res.statusCode, 400, name);
      t.equal(codeOf(res), 'HTTP_INVALID', name);
    }
    const unsigned = await gw.app.inject({ method: 'POST', url: '/v1/datasets', payload: body });
    t.equal(unsigned.statusCode, 401);
    t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
    const wrongRole = await post(gw, buyer, body);
    t.equal(wrongRole.statusCode, 403);
    t.equal(codeOf(wrongRole), 'AUTH_FORBIDDEN');
    t.equal(await listedCount(gw), 0);
  },
);

t.test('listings may be larger than other bodies, up to listingBodyLimit', async (t) => {
  const gw = await gatewayForTest(t, { bodyLimit: 2048, listingBodyLimit: 64 * 1024 });
  const seller = await gw.account('seller');
  const big = await listingBody(gw.app, gw.dataDir, { description: 'x'.repeat(10_000) });
  t.equal((await post(gw, seller, big)).statusCode, 201, 'above bodyLimit, within listingBodyLimit');
  const huge = await listingBody(gw.app, gw.dataDir, { description: 'x'.repeat(70_000) });
  const res = await post(gw, seller, huge);
  t.equal(res.statusCode, 413);
  t.equal(codeOf(res), 'HTTP_BODY_TOO_LARGE');
});
