/**
 * Bonds and penalties in the gateway (docs/bonds-and-placement.md), one market
 * on loopback with a frozen clock: a node without a bond is not scheduled
 * and quoted as none; a posted bond makes it eligible; a node-fault failure
 * proposes a penalty that an appeal and the operator waive; an outage is
 * measured to the node's return, an appeal after the window is refused and
 * the penalty is taken from the bond and split; forged evidence larger than
 * the bond leaves debt that puts the node out, is repaid first from a top-up
 * and then from the node's next settlement; `verifyLedger` passes at the end.
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import type { WireJob } from '../../../gateway/index.js';
import { ledgerSourceFromStore, penaltyProposalOps, verifyLedger } from '../../../gateway/index.js';
import { codeOf } from '../../helpers/gateway.js';
import { credit } from '../runs/market.js';
import type { FakeNode, NodeMarket } from '../nodes/fixture.js';
import { nodeMarket } from '../nodes/fixture.js';

async function takeJob(node: FakeNode): Promise<WireJob | undefined> {
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  if (res.status === 204) return undefined;
  if (res.status !== 200) throw new Error(`jobs: ${res.status} ${res.body.toString()}`);
  return res.json<{ job: WireJob }>().job;
}

interface Quoted {
  nodes: string[];
  nodeCount: number;
  candidates: { id: string; tier: string }[];
  queueSeconds: number;
}

async function quote(m: NodeMarket, run: { dataset: string; model: string }): Promise<Quoted> {
  const res = await m.as(m.buyer, 'POST', '/v1/quotes', {
    dataset: run.dataset,
    model: run.model,
    steps: 10,
  });
  if (res.statusCode !== 201) throw new Error(`quote: ${res.body}`);
  return res.json<Quoted>();
}

const HOUR = 3_600_000;

t.test('bonds, penalties, appeals and debt', async (t) => {
  const m = await nodeMarket(t, {
    economics: { bonds: { minimumBond: '1000', appealWindowSeconds: 3600 } },
  });
  const { ledger, store, bonds, nodes } = m.gw.app.gateway;
  const bal = (account: string) => ledger.balance(account);
  const node = await m.node();
  const bondOf = `bond:${node.nodeId}`;
  const debtOf = `debt:${node.nodeId}`;

  // A. No bond: not scheduled, and the quote says no node.
  const run1 = await m.startRun();
  t.equal(await takeJob(node), undefined, 'a node below the minimum bond gets no job');
  const none = await quote(m, run1);
  t.same([none.nodeCount, none.nodes, none.candidates], [0, [], []], 'the quote names no node');

  // B. Post a bond.
  const post = (amount: string, who = m.miner) =>
    m.as(who, 'POST', `/v1/nodes/${node.nodeId}/bond`, { amount });
  t.equal(codeOf(await post('1000')), 'BOND_INSUFFICIENT_FUNDS');
  await credit(m.gw, m.miner.id, 5000n);
  t.equal(codeOf(await post('0')), 'BOND_BAD_AMOUNT');
  t.equal((await post('1000', m.buyer)).statusCode, 403, 'only a miner posts a bond');
  const posted = await post('1000');
  t.equal(posted.statusCode, 201);
  t.match(posted.json(), { bond: '1000', debt: '0', minimumBond: '1000', schedulable: true });
  t.equal(bal(`user:${m.miner.id}`), 4000n);
  t.equal(bal(bondOf), 1000n);
  const some = await quote(m, run1);
  t.equal(some.nodeCount, 1);
  t.same(some.candidates, [{ id: node.nodeId, tier: 'software' }]);
  const job1 = await takeJob(node);
  t.equal(job1?.runId, run1.id, 'a bonded node is scheduled');
  t.equal(
    some.queueSeconds,
    job1?.limits.wallSeconds,
    'run 1 ahead, one idle node: one wave of the model’s limit',
  );
  t.equal((await quote(m, run1)).queueSeconds, job1?.limits.wallSeconds, 'the node is busy now: one wave');
  const withdraw = (amount: string) =>
    m.as(m.miner, 'POST', `/v1/nodes/${node.nodeId}/bond/withdraw`, { amount });
  t.equal(codeOf(await withdraw('10')), 'BOND_RUN_ACTIVE');
  t.equal(codeOf(await withdraw('1001')), 'BOND_BAD_AMOUNT');

  // C. A node-fault failure proposes a penalty; the miner appeals and the operator waives it.
  const failed = await node.call('POST', `/v1/node/runs/${run1.id}/fail`, {
    jobId: job1?.jobId,
    code: 'RUN_NODE_ERROR',
    message: 'docker went away',
  });
  t.equal(failed.status, 200);
  const failedId = `pen_failed-run_${job1?.jobId}`;
  const status = await m.as(m.miner, 'GET', `/v1/nodes/${node.nodeId}/bond`);
  t.match(status.json(), {
    penalties: [{ id: failedId, cause: 'failed-run', amount: '100', state: 'proposed' }],
  });
  t.equal(
    (await m.as(m.buyer, 'GET', `/v1/nodes/${node.nodeId}/bond`)).statusCode,
    403,
    'not the buyer’s to see',
  );
  t.equal(codeOf(await withdraw('10')), 'BOND_PENALTY_PENDING');
  const appeal = (id: string) =>
    m.as(m.miner, 'POST', `/v1/penalties/${id}/appeal`, { reason: 'the host rebooted' });
  const decide = (id: string, uphold: boolean) =>
    m.as(m.gw.operator, 'POST', `/v1/penalties/${id}/decide`, { uphold });
  t.equal(codeOf(await decide(failedId, false)), 'PENALTY_NOT_APPEALED');
  t.match((await appeal(failedId)).json(), { state: 'appealed', appeal: { reason: 'the host rebooted' } });
  t.equal(codeOf(await appeal(failedId)), 'PENALTY_DECIDED');
  t.match((await decide(failedId, false)).json(), { state: 'waived', decision: { uphold: false } });
  t.equal(codeOf(await decide(failedId, true)), 'PENALTY_DECIDED');
  t.equal(
    codeOf(await m.as(m.miner, 'POST', '/v1/penalties/pen_offline_job_nope/appeal', { reason: 'x' })),
    'PENALTY_NOT_FOUND',
  );
  m.advance(2 * HOUR);
  await node.heartbeat();
  t.same(await bonds.tick(), [], 'a waived penalty is never taken');
  t.equal(bal(bondOf), 1000n);

  // D. Offline during a run: measured to the node's return; an appeal after the window is refused.
  const run2 = await m.startRun();
  const job2 = await takeJob(node);
  t.equal(job2?.runId, run2.id);
  m.advance(31_000);
  t.same((await nodes.sweeper.sweep()).requeued, [run2.id]);
  const offlineId = `pen_offline_${job2?.jobId}`;
  m.advance(2.5 * HOUR - 31_000); // the node comes back 2.5 h after its last heartbeat
  await node.heartbeat();
  t.equal(
    codeOf(await appeal(offlineId)),
    'PENALTY_APPEAL_CLOSED',
    'the window closed 1 h after the proposal',
  );
  const buyerBefore = bal(`user:${m.buyer.id}`);
  const platformBefore = bal('platform');
  t.same(await bonds.tick(), [offlineId]);
  const taken = (await bonds.status(node.nodeId)).penalties.find((p) => p.id === offlineId);
  t.match(
    taken,
    { state: 'taken', amount: '70', debt: '0', taken: { fromBond: '70', debt: '0' } },
    '3 started hours: 5% + 2 × 1%',
  );
  t.ok(taken?.returnedAt, 'the return was noted');
  t.equal(bal(bondOf), 930n);
  t.equal(bal(`user:${m.buyer.id}`) - buyerBefore, 35n, 'half to the harmed buyer');
  t.equal(bal('platform') - platformBefore, 35n, 'half to the platform');

  // E. Forged evidence and a failure on a run in flight: more than the bond, so debt; repaid by a
  // top-up, then by earnings. The bond is topped up to the minimum first (930 < 1000 is not scheduled).
  t.match((await post('70')).json(), { bond: '1000', schedulable: true });
  const run3 = await m.startRun();
  const job3 = await takeJob(node);
  t.equal(job3?.runId, run3.id, 'run 2 is not offered again to the node that faulted on it');
  // What the broker and a node's failure report write (their own tests drive the routes).
  const propose = (cause: 'forged-evidence' | 'failed-run', code: string) =>
    store.exclusive(async () =>
      store.write(
        await penaltyProposalOps(
          store,
          m.gw.app.gateway.economics,
          { nodeId: node.nodeId, cause, runId: run3.id, jobId: job3?.jobId ?? '', buyer: m.buyer.id, code },
          m.gw.app.gateway.now(),
        ),
      ),
    );
  await propose('forged-evidence', 'EVIDENCE_BAD_SIGNATURE');
  await propose('failed-run', 'RUN_NODE_ERROR');
  t.equal((await quote(m, run1)).nodeCount, 0, 'a pending forged-evidence penalty puts the node out');
  m.advance(HOUR);
  await node.heartbeat();
  await bonds.tick();
  t.match(
    await bonds.status(node.nodeId),
    { bond: 0n, debt: 100n, schedulable: false },
    '1000 + 100 against 1000',
  );
  t.equal(bal(debtOf), 100n, 'the debt is a ledger balance');
  t.equal((await quote(m, run1)).nodeCount, 0, 'debt keeps the node out');

  const topUp = await post('50');
  t.match(topUp.json(), { bond: '0', debt: '50' }, 'a top-up repays debt first');

  for (const e of ['seal', 'start'] as const) await m.gw.app.gateway.runs.transition(run3.id, e);
  const sealed = randomBytes(1024);
  const digest = `sha256:${createHash('sha256').update(sealed).digest('hex')}`;
  t.equal((await node.call('PUT', `/v1/node/blobs/${digest}`, sealed)).status, 201);
  const minerBefore = bal(`user:${m.miner.id}`);
  const done = await node.call('POST', `/v1/node/runs/${run3.id}/complete`, {
    jobId: job3?.jobId,
    output: { digest, size: sealed.length, wrappedKey: randomBytes(80).toString('base64'), keyId: 'mk1' },
    receipt: node.receipt(run3.id, job3?.jobId ?? ''),
  });
  t.equal(done.status, 200);
  const share = BigInt((await m.gw.app.gateway.runs.get(run3.id)).settlement?.miner ?? '0');
  t.ok(share > 50n);
  t.equal(bal(`user:${m.miner.id}`) - minerBefore, share - 50n, 'the settlement repaid the last 50 first');
  t.equal(bal(debtOf), 0n);
  t.match(
    await bonds.status(node.nodeId),
    { debt: 0n, schedulable: false },
    'no debt, but the bond is below the minimum',
  );

  const report = await verifyLedger(
    ledgerSourceFromStore(store),
    m.gw.app.gateway.identity.gateway.keyPair.publicKey,
  );
  t.same(report.problems, []);
  t.ok(report.ok, 'ledger verify passes');
});
