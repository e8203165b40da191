/**
 * client/sdk/account.ts against a real gateway app (LevelDB in a temp dir):
 * through app.inject, and once through a real loopback listener.
 */
import t from 'tap';
import { generateSigningKeyPair } from '../../../attest/index.js';
import {
  GatewayClient,
  GatewayRequestError,
  accountProfile,
  myAccount,
  parseAccount,
  registerAccount,
} from '../../../client/index.js';
import { gatewayForTest, listenForTest } from '../../helpers/gateway.js';

t.test('register, read one’s own account, read a public profile', async (t) => {
  const gw = await gatewayForTest(t);
  const key = generateSigningKeyPair();
  const client = gw.client(key);
  const created = await registerAccount(client, ['seller', 'buyer'], 'alice');
  t.match(created, { id: client.accountId, roles: ['seller', 'buyer'], name: 'alice', publicKey: String });
  t.same(await myAccount(client), created);
  const profile = await accountProfile(gw.client(), created.id);
  t.notOk('publicKey' in profile, 'a public profile has no key');
  t.match(profile, { id: created.id, name: 'alice' });
  const unnamed = await registerAccount(gw.client(generateSigningKeyPair()), ['miner']);
  t.notOk('name' in unnamed);
});

t.test('the gateway’s refusals arrive with their codes', async (t) => {
  const gw = await gatewayForTest(t);
  const key = generateSigningKeyPair();
  await registerAccount(gw.client(key), ['buyer']);
  await t.rejects(registerAccount(gw.client(key), ['buyer']), {
    name: 'GatewayRequestError',
    code: 'ACCOUNT_EXISTS',
    status: 409,
  });
  await t.rejects(registerAccount(gw.client(generateSigningKeyPair()), ['operator']), {
    code: 'ACCOUNT_ROLE_NOT_ALLOWED',
  });
  await t.rejects(myAccount(gw.client(generateSigningKeyPair())), {
    code: 'REQUEST_UNKNOWN_KEY',
    status: 401,
  });
  await t.rejects(accountProfile(gw.client(), 'acct_' + 'a'.repeat(32)), { code: 'ACCOUNT_NOT_FOUND' });
  await t.rejects(registerAccount(gw.client(), ['buyer']), TypeError, 'no key is a programming mistake');
});

t.test('over a real loopback listener', async (t) => {
  const gw = await gatewayForTest(t);
  const url = await listenForTest(gw.app);
  const client = new GatewayClient({ gateway: url, key: generateSigningKeyPair() });
  const account = await registerAccount(client, ['publisher'], 'pub');
  t.same(await myAccount(client), account);
});

t.test('parseAccount keeps known fields of the right type and refuses any other shape', (t) => {
  const good = { id: 'acct_x', roles: ['buyer'], createdAt: '2024-01-01T00:00:00.000Z', extra: 1 };
  t.same(parseAccount(good), { id: 'acct_x', roles: ['buyer'], createdAt: '2024-01-01T00:00:00.000Z' });
  for (const bad of [
    null,
    'x',
    {},
    { ...good, roles: ['king'] },
    { ...good, name: 3 },
    { ...good, publicKey: 1 },
  ]) {
    t.throws(() => parseAccount(bad), GatewayRequestError);
    t.throws(() => parseAccount(bad), { name: 'GatewayRequestError', code: 'CLIENT_BAD_REPLY' });
  }
  t.end();
});
