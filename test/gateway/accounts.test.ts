/**
 * Accounts and signed requests at the gateway (DESIGN.md 6.1, issue 3):
 * registration is signed by the key being registered; unsigned, badly signed,
 * stale and replayed requests get 401 with the failed rule's code; a missing
 * role gets 403; nothing is registered by a refused request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { accountId, bytesToBase64, generateSigningKeyPair, signRequest } from '../../attest/index.js';
import { bodyOf, codeOf, gatewayForTest, signedInject } from '../helpers/gateway.js';

t.test('registration is signed by the key it registers', async (t) => {
  const gw = await gatewayForTest(t);
  const key = generateSigningKeyPair();
  const body = { publicKey: bytesToBase64(key.publicKey), roles: ['seller', 'buyer'], name: 'ada' };
  const res = await signedInject(gw.app, { method: 'POST', url: '/v1/accounts', body, key });
  t.equal(res.statusCode, 201);
  t.match(bodyOf(res), { id: accountId(key.publicKey), roles: ['seller', 'buyer'], name: 'ada' });

  const again = await signedInject(gw.app, { method: 'POST', url: '/v1/accounts', body, key });
  t.equal(again.statusCode, 409);
  t.equal(codeOf(again), 'ACCOUNT_EXISTS');

  const profile = await gw.app.inject({ method: 'GET', url: `/v1/accounts/${accountId(key.publicKey)}` });
  t.equal(profile.statusCode, 200);
  t.notOk('publicKey' in bodyOf(profile), 'the public profile omits the key');
});

t.test("registering someone else's key fails: the signature must be by that key", async (t) => {
  const gw = await gatewayForTest(t);
  const victim = generateSigningKeyPair();
  const attacker = generateSigningKeyPair();
  const body = { publicKey: bytesToBase64(victim.publicKey), roles: ['buyer'] };
  const res = await signedInject(gw.app, { method: 'POST', url: '/v1/accounts', body, key: attacker });
  t.equal(res.statusCode, 401);
  t.equal(codeOf(res), 'REQUEST_UNKNOWN_KEY');
  const profile = await gw.app.inject({ method: 'GET', url: `/v1/accounts/${accountId(victim.publicKey)}` });
  t.equal(codeOf(profile), 'ACCOUNT_NOT_FOUND');
});

t.test('the operator role cannot be self-assigned', async (t) => {
  const gw = await gatewayForTest(t);
  const key = generateSigningKeyPair();
  const body = { publicKey: bytesToBase64(key.publicKey), roles: ['operator'] };
  const res = await signedInject(gw.app, { method: 'POST', url: '/v1/accounts', body, key });
  t.equal(res.statusCode, 403);
  t.equal(codeOf(res), 'ACCOUNT_ROLE_NOT_ALLOWED');
});

t.test('signed routes refuse unsigned, tampered, stale, future and replayed requests with 401', async (t) => {
  const gw = await gatewayForTest(t);
  const ada = await gw.account('buyer');
  const me = { method: 'GET', url: '/v1/accounts/me', key: ada.key };

  const unsigned = await gw.app.inject({ method: 'GET', url: '/v1/accounts/me' });
  t.equal(unsigned.statusCode, 401);
  t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');

  const stale = await signedInject(gw.app, { ...me, now: new Date(Date.now() - 61_000) });
  t.equal(codeOf(stale), 'REQUEST_STALE');
  // Well past the 60 s window: the gateway reads the real clock later, and a busy machine can
  // take more than the second that +61 s would leave.
  const future = await signedInject(gw.app, { ...me, now: new Date(Date.now() + 300_000) });
  t.equal(codeOf(future), 'REQUEST_FUTURE');

  const stranger = generateSigningKeyPair();
  const unknown = await signedInject(gw.app, { ...me, key: stranger });
  t.equal(codeOf(unknown), 'REQUEST_UNKNOWN_KEY');

  const ok = await signedInject(gw.app, { ...me, nonce: 'bm9uY2Utb25lLXR3by10aHJlZQ' });
  t.equal(ok.statusCode, 200);
  t.equal(bodyOf(ok).id, ada.id);
  const replay = await signedInject(gw.app, { ...me, nonce: 'bm9uY2Utb25lLXR3by10aHJlZQ' });
  t.equal(replay.statusCode, 401);
  t.equal(codeOf(replay), 'REQUEST_REPLAYED');
});

t.test('a signature over one path does not authorise another', async (t) => {
  const gw = await gatewayForTest(t);
  const ada = await gw.account('buyer');
  const headers = signRequest({
    method: 'GET',
    path: '/v1/accounts/me',
    key: ada.key,
    keyId: ada.id,
    now: new Date(),
  });
  const moved = await gw.app.inject({ method: 'GET', url: '/v1/accounts/me?x=1', headers: { ...headers } });
  t.equal(moved.statusCode, 401);
  t.equal(codeOf(moved), 'REQUEST_BAD_SIGNATURE');
  const right = await gw.app.inject({ method: 'GET', url: '/v1/accounts/me', headers: { ...headers } });
  t.equal(right.statusCode, 200, 'the same headers pass on the signed target');
});

t.test('nonces survive a restart: a replay after the gateway restarts is still refused', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sealgate-gw-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const key = generateSigningKeyPair();
  const body = { publicKey: bytesToBase64(key.publicKey), roles: ['buyer'] };
  {
    const gw = await gatewayForTest(t, { dataDir });
    await signedInject(gw.app, { method: 'POST', url: '/v1/accounts', body, key });
    const first = await signedInject(gw.app, {
      method: 'GET',
      url: '/v1/accounts/me',
      key,
      nonce: 'cmVzdGFydC1ub25jZS0x',
    });
    t.equal(first.statusCode, 200);
    await gw.app.close();
  }
  const gw = await gatewayForTest(t, { dataDir });
  const replay = await signedInject(gw.app, {
    method: 'GET',
    url: '/v1/accounts/me',
    key,
    nonce: 'cmVzdGFydC1ub25jZS0x',
  });
  t.equal(codeOf(replay), 'REQUEST_REPLAYED');
});
