/**
 * The listing's anti-exfiltration fields (docs/egress-protocol.md 2): the
 * fingerprint key sealed to the broker and the canary set blob. They are
 * stored on the record, the seller sees the canary set but never the wrapped
 * key, the public sees only `fingerprinted` and the number of canaries, and
 * each broken rule answers its own code and stores nothing.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { bytesToBase64, generateBoxKeyPair, unwrapKey, wrapKey } from '../../../attest/index.js';
import { bodyOf, codeOf, gatewayForTest, signedInject } from '../../helpers/gateway.js';
import type { TestAccount, TestGateway } from '../../helpers/gateway.js';
import { fingerprintKeyFor, listingBody, storeBlob } from './fixtures.js';

async function post(gw: TestGateway, who: TestAccount, body: unknown) {
  return signedInject(gw.app, { method: 'POST', url: '/v1/datasets', body, key: who.key });
}

t.test(
  'a listing with a fingerprint key and canaries: stored, shown to each audience as it may',
  async (t) => {
    const gw = await gatewayForTest(t);
    const seller = await gw.account('seller');
    const fkey = randomBytes(32);
    const wrapped = bytesToBase64(wrapKey(fkey, gw.app.gateway.identity.broker.publicKey));
    const fingerprint = await storeBlob(gw.dataDir, new Uint8Array(300));
    const canaries = await storeBlob(gw.dataDir, new Uint8Array(500));
    const res = await post(
      gw,
      seller,
      await listingBody(gw.app, gw.dataDir, {
        fingerprint: { digest: fingerprint },
        fingerprintKey: { wrapped },
        canaries: { digest: canaries, size: 500, planted: 16, heldOut: 64 },
      }),
    );
    t.equal(res.statusCode, 201);
    const made = bodyOf(res);
    t.match(made, {
      fingerprint: { digest: fingerprint, size: 300 },
      canaries: { digest: canaries, size: 500, planted: 16, heldOut: 64 },
    });
    t.notOk('fingerprintKey' in made, 'the wrapped fingerprint key is not echoed');

    const stored = await gw.app.gateway.datasets.get(made.id as string);
    t.same(stored.fingerprintKey, { wrapped });
    t.same(stored.canaries, { digest: canaries, size: 500, planted: 16, heldOut: 64 });
    const opened = unwrapKey(
      Buffer.from(stored.fingerprintKey!.wrapped, 'base64'),
      gw.app.gateway.identity.broker.secretKey,
    );
    t.same(Buffer.from(opened), fkey, "the broker's key opens the fingerprint key");

    const view = bodyOf(await gw.app.inject({ method: 'GET', url: `/v1/datasets/${made.id as string}` }));
    t.match(view, { fingerprinted: true, canaries: 16 });
    t.notMatch(JSON.stringify(view), /sha256:|wrapped|heldOut/, 'no digest, key or held-out count in public');

    const plain = await post(gw, seller, await listingBody(gw.app, gw.dataDir));
    const plainView = bodyOf(
      await gw.app.inject({ method: 'GET', url: `/v1/datasets/${bodyOf(plain).id as string}` }),
    );
    t.match(plainView, { fingerprinted: false, canaries: 0 });
  },
);

t.test('canaries size is optional; a listing may carry canaries without an index', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const canaries = await storeBlob(gw.dataDir, new Uint8Array(40));
  const res = await post(
    gw,
    seller,
    await listingBody(gw.app, gw.dataDir, { canaries: { digest: canaries, planted: 1, heldOut: 1 } }),
  );
  t.equal(res.statusCode, 201);
  t.match(bodyOf(res), { canaries: { size: 40, planted: 1, heldOut: 1 } });
});

t.test('each broken rule of the new fields has its own code and stores nothing', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const fingerprint = { digest: await storeBlob(gw.dataDir) };
  const stored = await storeBlob(gw.dataDir, new Uint8Array(10));
  const missing = `sha256:${'cd'.repeat(32)}`;
  const canaries = (over: Record<string, unknown>) => ({
    canaries: { digest: stored, planted: 4, heldOut: 16, ...over },
  });
  const cases: [string, Record<string, unknown>, string][] = [
    ['an index without its key', { fingerprint }, 'DATASET_FINGERPRINT_KEY_REQUIRED'],
    ['a key without an index', { fingerprintKey: fingerprintKeyFor(gw.app) }, 'DATASET_FINGERPRINT_REQUIRED'],
    [
      'a sealed box of a 31-byte key',
      {
        fingerprint,
        fingerprintKey: {
          wrapped: bytesToBase64(wrapKey(randomBytes(31), gw.app.gateway.identity.broker.publicKey)),
        },
      },
      'DATASET_FINGERPRINT_KEY_MALFORMED',
    ],
    [
      'a key that is not base64',
      { fingerprint, fingerprintKey: { wrapped: '***' } },
      'DATASET_FINGERPRINT_KEY_MALFORMED',
    ],
    [
      'a key sealed to another X25519 key',
      {
        fingerprint,
        fingerprintKey: { wrapped: bytesToBase64(wrapKey(randomBytes(32), generateBoxKeyPair().publicKey)) },
      },
      'DATASET_FINGERPRINT_KEY_UNWRAP_FAILED',
    ],
    ['no canary planted', canaries({ planted: 0 }), 'DATASET_CANARIES_INVALID'],
    ['too many canaries', canaries({ planted: 1001, heldOut: 5000 }), 'DATASET_CANARIES_INVALID'],
    ['fewer held out than planted', canaries({ heldOut: 3 }), 'DATASET_CANARIES_INVALID'],
    ['a size that is not the stored one', canaries({ size: 11 }), 'DATASET_CANARIES_INVALID'],
    ['a canary set not stored', canaries({ digest: missing }), 'DATASET_CANARIES_MISSING'],
  ];
  for (const [name, over, code] of cases) {
    const res = await post(gw, seller, await listingBody(gw.app, gw.dataDir, over));
    t.equal(res.statusCode, 400, `${name}: status`);
    t.equal(codeOf(res), code, `${name}: code`);
  }
  for (const [name, over] of [
    ['a fractional count', canaries({ planted: 1.5 })],
    ['an unknown canaries field', canaries({ secret: 'x' })],
    ['an unknown fingerprintKey field', { fingerprint, fingerprintKey: { wrapped: 'AA==', key: 'x' } }],
  ] as const) {
    const res = await post(gw, seller, await listingBody(gw.app, gw.dataDir, over));
    t.equal(res.statusCode, 400, name);
    t.equal(codeOf(res), 'HTTP_INVALID', name);
  }
  const listed = await gw.app.inject({ method: 'GET', url: '/v1/datasets' });
  t.equal(bodyOf<{ items: unknown[] }>(listed).items.length, 0, 'nothing was listed');
});
