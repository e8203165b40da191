/**
 * The ledger over HTTP: the operator mints with an audit entry, an account
 * reads its own balance, and sealed blocks are public and verify offline.
 * Through a real loopback listener with the SDK.
 */
import t from 'tap';
import { GatewayClient } from '../../../client/index.js';
import { base64ToBytes } from '../../../attest/index.js';
import { ledgerSourceFromStore, verifyLedger } from '../../../gateway/index.js';
import { codeOf, gatewayForTest, listenForTest, signedInject } from '../../helpers/gateway.js';

interface Credited {
  account: string;
  amount: string;
  seq: number;
  balance: string;
}

t.test('the operator credits an account; the account reads its balance; blocks verify', async (t) => {
  const gw = await gatewayForTest(t);
  const url = await listenForTest(gw.app);
  const buyer = await gw.account('buyer');
  const operator = new GatewayClient({ gateway: url, key: gw.operator.key });
  const credited = await operator.request<Credited>('POST', '/v1/admin/credit', {
    body: { account: buyer.id, amount: '5000', memo: 'welcome credit' },
  });
  t.match(credited, { account: buyer.id, amount: '5000', balance: '5000' });
  const entry = await gw.app.gateway.ledger.entry(credited.seq);
  t.match(entry, { kind: 'mint', memo: 'welcome credit', ref: buyer.id, meta: { operator: gw.operator.id } });

  const mine = await new GatewayClient({ gateway: url, key: buyer.key }).request<{ balance: string }>(
    'GET',
    '/v1/ledger/balance',
  );
  t.equal(mine.balance, '5000');

  await gw.app.gateway.ledger.sealBlock();
  const { blocks, publicKey } = await new GatewayClient({ gateway: url }).request<{
    blocks: { height: number; count: number }[];
    publicKey: string;
  }>('GET', '/v1/ledger/blocks');
  t.equal(blocks.length, 1);
  t.equal(blocks[0]?.count, 1);
  const report = await verifyLedger(ledgerSourceFromStore(gw.app.gateway.store), base64ToBytes(publicKey)!);
  t.equal(report.ok, true, 'the ledger verifies against the published key');
});

t.test('only the operator mints; a credit names an existing account; one request credits once', async (t) => {
  const gw = await gatewayForTest(t);
  const buyer = await gw.account('buyer', 'seller', 'publisher', 'miner');
  const body = { account: buyer.id, amount: '10', memo: 'x' };
  const self = await signedInject(gw.app, { method: 'POST', url: '/v1/admin/credit', body, key: buyer.key });
  t.equal(self.statusCode, 403);
  t.equal(codeOf(self), 'AUTH_FORBIDDEN');
  const ghost = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/admin/credit',
    body: { ...body, account: `acct_${'a'.repeat(32)}` },
    key: gw.operator.key,
  });
  t.equal(ghost.statusCode, 404);
  t.equal(codeOf(ghost), 'ACCOUNT_NOT_FOUND');
  const nonce = 'Y3JlZGl0LW9uY2UtMDAwMQ';
  const first = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/admin/credit',
    body,
    key: gw.operator.key,
    nonce,
  });
  t.equal(first.statusCode, 201);
  const replay = await signedInject(gw.app, {
    method: 'POST',
    url: '/v1/admin/credit',
    body,
    key: gw.operator.key,
    nonce,
  });
  t.equal(codeOf(replay), 'REQUEST_REPLAYED');
  t.equal(gw.app.gateway.ledger.balance(`user:${buyer.id}`), 10n, 'credited once');
});
