/**
 * Money-moving requests retried with a client-chosen `requestId`
 * (docs/protocols.md "Retrying money-moving requests"), on the real gateway
 * through app.inject (LevelDB in a temp dir, a frozen clock): each retry is a
 * new signed request (new nonce), as after a lost reply. The same id twice
 * moves the money once and the repeat answers `replayed`; the same id with
 * other parameters is REQUEST_ID_REUSED with nothing changed; a top-up that
 * repaid debt is replayed, not split again; ids are per caller; without an id
 * every request applies as before; the ledger verifies at the end.
 */
import t from 'tap';
import type { LedgerEntry } from '../../../gateway/index.js';
import { ledgerSourceFromStore, penaltyProposalOps, statusOf, verifyLedger } from '../../../gateway/index.js';
import { bodyOf, codeOf, gatewayForTest } from '../../helpers/gateway.js';
import { credit } from '../runs/market.js';
import { nodeMarket } from '../nodes/fixture.js';

const HOUR = 3_600_000;

t.test('bond, unbond and credit apply once per request id', async (t) => {
  const m = await nodeMarket(t, {
    economics: { bonds: { minimumBond: '1000', appealWindowSeconds: 3600 } },
  });
  const { ledger, store, bonds } = m.gw.app.gateway;
  const bal = (account: string) => ledger.balance(account);
  const node = await m.node();
  const minerAcct = `user:${m.miner.id}`;
  const bondAcct = `bond:${node.nodeId}`;
  const entries = async (prefix: string) => {
    const all: LedgerEntry[] = [];
    for await (const e of ledger.entries()) if (e.key.startsWith(prefix)) all.push(e);
    return all;
  };
  const post = (body: { amount: string; requestId?: string }) =>
    m.as(m.miner, 'POST', `/v1/nodes/${node.nodeId}/bond`, body);
  const withdraw = (body: { amount: string; requestId?: string }) =>
    m.as(m.miner, 'POST', `/v1/nodes/${node.nodeId}/bond/withdraw`, body);

  // A refused request records nothing: the same id applies once the funds are there.
  const rid = 'bond-post-0000000001';
  t.equal(codeOf(await post({ amount: '1000', requestId: rid })), 'BOND_INSUFFICIENT_FUNDS');
  await credit(m.gw, m.miner.id, 5000n);

  const first = await post({ amount: '1000', requestId: rid });
  t.equal(first.statusCode, 201);
  t.match(first.json(), { bond: '1000', debt: '0' });
  t.notOk('replayed' in first.json(), 'a first application is not marked replayed');
  const again = await post({ amount: '1000', requestId: rid });
  t.equal(again.statusCode, 201, 'the repeat answers with the same status');
  t.match(again.json(), { nodeId: node.nodeId, bond: '1000', debt: '0', replayed: true });
  t.equal(bal(minerAcct), 4000n, 'the miner paid once');
  t.equal(bal(bondAcct), 1000n, 'the bond moved once');
  t.same(
    (await entries(`bond:${m.miner.id}:rid:`)).map((e) => e.key),
    [`bond:${m.miner.id}:rid:${rid}`],
    'one ledger entry, keyed by the request id',
  );

  // The same id with other parameters: 409, nothing changes.
  const seq = ledger.lastSeq;
  for (const res of [
    await post({ amount: '999', requestId: rid }),
    await withdraw({ amount: '1000', requestId: rid }),
  ]) {
    t.equal(res.statusCode, 409);
    t.equal(codeOf(res), 'REQUEST_ID_REUSED');
  }
  t.equal(ledger.lastSeq, seq, 'no entry was written');
  t.equal(bal(minerAcct), 4000n);

  // A malformed id is refused by the schema.
  t.equal(codeOf(await post({ amount: '1', requestId: 'short' })), 'HTTP_INVALID');
  t.equal(codeOf(await post({ amount: '1', requestId: `${'x'.repeat(20)}:y` })), 'HTTP_INVALID');

  // Withdrawals: once per id, replayed even when the bond no longer allows it.
  const out = 'unbond-0000000000000001';
  t.match((await withdraw({ amount: '600', requestId: out })).json(), { bond: '400' });
  const outAgain = await withdraw({ amount: '600', requestId: out });
  t.equal(outAgain.statusCode, 200);
  t.match(outAgain.json(), { bond: '400', replayed: true }, '600 > 400, yet the repeat is answered');
  t.equal(bal(minerAcct), 4600n);
  t.equal((await entries(`unbond:${m.miner.id}:rid:`)).length, 1);

  // Without an id: today's behaviour, each signed request applies (keyed by its nonce).
  t.equal((await post({ amount: '100' })).statusCode, 201);
  t.equal((await post({ amount: '100' })).statusCode, 201);
  t.equal(bal(bondAcct), 600n, 'two requests without an id post twice');
  const byNonce = (await entries(`bond:${m.miner.id}:`)).filter((e) => !e.key.includes(':rid:'));
  t.equal(byNonce.length, 2);
  t.match(byNonce[0]?.key, /^bond:acct_[a-z2-7]{32}:[A-Za-z0-9_-]{16,128}$/, 'CALLER:NONCE as before');

  // Debt, then a top-up with an id that repays it: the retry repays nothing more.
  t.match((await withdraw({ amount: '600' })).json(), { bond: '0' });
  const jobId = 'job_requestidtest0001';
  await store.exclusive(async () =>
    store.write(
      await penaltyProposalOps(
        store,
        m.gw.app.gateway.economics,
        { nodeId: node.nodeId, cause: 'failed-run', runId: 'run_x', jobId, buyer: m.buyer.id, code: 'X' },
        m.gw.app.gateway.now(),
      ),
    ),
  );
  m.advance(HOUR);
  await node.heartbeat();
  t.same(await bonds.tick(), [`pen_failed-run_${jobId}`]);
  t.match(await bonds.status(node.nodeId), { bond: 0n, debt: 100n }, 'the penalty became debt');
  const buyerBefore = bal(`user:${m.buyer.id}`);
  const minerBefore = bal(minerAcct);
  const top = 'top-up-repays-debt-0001';
  t.match((await post({ amount: '150', requestId: top })).json(), { bond: '50', debt: '0' });
  const topAgain = await post({ amount: '150', requestId: top });
  t.equal(topAgain.statusCode, 201, 'no LEDGER_KEY_REUSED: the split is not computed again');
  t.match(topAgain.json(), { bond: '50', debt: '0', replayed: true });
  t.equal(bal(minerAcct), minerBefore - 150n, 'the miner paid 150 once');
  t.equal(bal(`user:${m.buyer.id}`) - buyerBefore, 50n, "the buyer got half the debt's repayment once");
  t.same(
    (await entries(`repay:${m.miner.id}:rid:${top}`)).map((e) => e.key),
    [`repay:${m.miner.id}:rid:${top}:pen_failed-run_${jobId}`],
    'one repayment entry',
  );

  // Credit: once per (operator, id); ids are per caller (the miner's bond id is free for the operator).
  const creditOf = (body: Record<string, string>) =>
    m.as(m.gw.operator, 'POST', '/v1/admin/credit', { account: m.buyer.id, memo: 'top up', ...body });
  const c1 = await creditOf({ amount: '70', requestId: rid });
  t.equal(c1.statusCode, 201);
  const c2 = await creditOf({ amount: '70', requestId: rid });
  t.equal(c2.statusCode, 201);
  t.match(c2.json(), { ...c1.json<object>(), replayed: true }, 'the same entry, marked replayed');
  t.equal(bal(`user:${m.buyer.id}`) - buyerBefore, 120n, 'credited once');
  const reused: Record<string, string>[] = [
    { amount: '71', requestId: rid },
    { amount: '70', requestId: rid, memo: 'another reason' },
  ];
  for (const body of reused) {
    const res = await creditOf(body);
    t.equal(res.statusCode, 409);
    t.equal(codeOf(res), 'REQUEST_ID_REUSED');
  }
  t.equal(bal(`user:${m.buyer.id}`) - buyerBefore, 120n, 'a reused id credits nothing');
  const c3 = await creditOf({ amount: '5' });
  const c4 = await creditOf({ amount: '5' });
  t.not(c3.json<{ seq: number }>().seq, c4.json<{ seq: number }>().seq, 'without an id each credit applies');

  const report = await verifyLedger(
    ledgerSourceFromStore(store),
    m.gw.app.gateway.identity.gateway.keyPair.publicKey,
  );
  t.same(report.problems, []);
});

t.test('the OpenAPI document shows requestId and replayed on the three routes', async (t) => {
  const gw = await gatewayForTest(t);
  const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(res.statusCode, 200);
  interface Op {
    requestBody?: {
      content?: Record<string, { schema?: { properties?: Record<string, { pattern?: string }> } }>;
    };
    responses?: Record<
      string,
      { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }
    >;
  }
  const paths = bodyOf<{ paths: Record<string, Record<string, Op>> }>(res).paths;
  for (const [path, status] of [
    ['/v1/nodes/{nodeId}/bond', '201'],
    ['/v1/nodes/{nodeId}/bond/withdraw', '200'],
    ['/v1/admin/credit', '201'],
  ] as const) {
    const op = paths[path]?.post;
    const body = op?.requestBody?.content?.['application/json']?.schema?.properties;
    t.equal(body?.requestId?.pattern, '^[A-Za-z0-9_-]{16,64}$', `${path} takes requestId`);
    const reply = op?.responses?.[status]?.content?.['application/json']?.schema?.properties;
    t.ok(reply?.replayed, `${path} may answer replayed`);
  }
  t.equal(statusOf('REQUEST_ID_REUSED'), 409, 'registered in the one registry');
});

t.test('a request id outlives a gateway restart (the record is on disk with the entry)', async (t) => {
  const dataDir = t.testdir();
  const first = await gatewayForTest(t, { dataDir, nodeCaBits: 2048 });
  const buyer = await first.account('buyer');
  const body = { account: buyer.id, amount: '40', memo: 'restart', requestId: 'restart-credit-000001' };
  const applied = await first.operator.client.request<{ seq: number }>('POST', '/v1/admin/credit', { body });
  await first.app.close(); // the reply was lost; the gateway restarts
  const second = await gatewayForTest(t, { dataDir, nodeCaBits: 2048 });
  const again = await second.operator.client.request<{ seq: number; replayed?: boolean }>(
    'POST',
    '/v1/admin/credit',
    { body },
  );
  t.same([again.seq, again.replayed], [applied.seq, true], 'answered from the record');
  t.equal(second.app.gateway.ledger.balance(`user:${buyer.id}`), 40n, 'credited once');
});
