/**
 * Jobs, reports and faults over the real mTLS listener (docs/node-protocol.md
 * sections 2 and 4): two nodes polling for one run, exactly one gets it; the
 * job names no account; a node only touches its own jobs; an undeclared
 * metric is dropped by the egress guard; a complete with a forged receipt writes nothing, a good one
 * settles and pays the node's miner; heartbeat timeouts requeue then fail and
 * refund (frozen clock, sweeper called directly); buyer controls reach the
 * node in the heartbeat reply.
 */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import nacl from 'tweetnacl';
import type { JobRecord, NodeRecord, RunRecord, WireJob } from '../../../gateway/index.js';
import {
  DEPLOYMENTS_SUBLEVEL,
  JOBS_SUBLEVEL,
  NODES_SUBLEVEL,
  RECEIPTS_SUBLEVEL,
} from '../../../gateway/index.js';
import { codeOf } from '../../helpers/gateway.js';
import type { FakeNode, NodeMarket } from './fixture.js';
import { nodeMarket } from './fixture.js';

async function takeJob(node: FakeNode, waitSeconds = 0): Promise<WireJob | undefined> {
  const res = await node.call('GET', `/v1/node/jobs?waitSeconds=${waitSeconds}`);
  if (res.status === 204) return undefined;
  if (res.status !== 200) throw new Error(`jobs: ${res.status} ${res.body.toString()}`);
  return res.json<{ job: WireJob }>().job;
}

async function running(m: NodeMarket, runId: string): Promise<void> {
  for (const e of ['seal', 'start'] as const) await m.gw.app.gateway.runs.transition(runId, e);
}

function balance(m: NodeMarket, account: string): bigint {
  return m.gw.app.gateway.ledger.balance(`user:${account}`);
}

t.test('two nodes poll for one run: exactly one gets it, and the job names no account', async (t) => {
  const m = await nodeMarket(t);
  const [a, b] = await Promise.all([m.node(), m.node()]);
  const polls = Promise.all([takeJob(a, 3), takeJob(b, 3)]);
  const run = await m.startRun();
  const jobs = (await polls).filter((j): j is WireJob => j !== undefined);
  t.equal(jobs.length, 1, 'one node got the run, the other a 204');
  const [job] = jobs;
  t.equal(job.runId, run.id);
  t.equal(job.kind, 'train');
  t.notMatch(JSON.stringify(job), /acct_/, 'no account id anywhere in the job');
  t.same(job.limits, {
    pids: 256,
    memoryBytes: 1024 * 1024 * 1024,
    nanoCpus: 2e9,
    wallSeconds: 3600,
    tmpfsBytes: 1024 * 1024 * 1024,
    gpus: 0,
  });
  const placed = await m.gw.app.gateway.runs.get(run.id);
  t.equal(placed.state, 'placed');
  const holder = [a, b].find((n) => n.nodeId === placed.node) as FakeNode;
  t.ok(holder, 'the run is placed on a node');
  t.equal(placed.miner, m.miner.id, "the run records the node's miner for settlement");

  // the other node cannot report on it
  const other = holder === a ? b : a;
  const foreign = await other.call('POST', `/v1/node/runs/${run.id}/egress`, {
    jobId: job.jobId,
    records: [],
  });
  t.equal(foreign.status, 403);
  t.equal(foreign.code, 'NODE_JOB_NOT_YOURS');
  const wrongRun = await holder.call('POST', `/v1/node/runs/run_${'a'.repeat(26)}/fail`, {
    jobId: job.jobId,
    code: 'RUN_OOM',
    message: 'x',
  });
  t.equal(wrongRun.code, 'NODE_JOB_WRONG_RUN');
  t.equal(await takeJob(other), undefined, 'nothing else is queued');
});

t.test('a node whose capacity is too small, or that faulted on a run, is not given it', async (t) => {
  const m = await nodeMarket(t);
  const small = await m.node({ cpus: 1, memoryBytes: 4 * 1024 ** 3 });
  await m.startRun();
  t.equal(await takeJob(small), undefined, 'the model needs 2 cpus');
});

t.test('metrics, a forged receipt, then completion: settled and the miner paid', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const run = await m.startRun();
  const job = (await takeJob(node)) as WireJob;
  await running(m, run.id);
  const { store, blobs } = m.gw.app.gateway;

  // issue 5: an undeclared metric is a schema violation of the egress guard (dropped by default)
  const undeclared = await node.call('POST', `/v1/node/runs/${run.id}/egress`, {
    jobId: job.jobId,
    records: [{ seq: 0, channel: 'metrics', metric: 'accuracy', step: 1, value: 0.5 }],
  });
  t.equal(undeclared.status, 200);
  t.same(undeclared.json(), { stop: false });
  const ok = await node.call('POST', `/v1/node/runs/${run.id}/egress`, {
    jobId: job.jobId,
    records: [{ seq: 1, channel: 'metrics', metric: 'loss', step: 1, value: 0.5 }],
  });
  t.equal(ok.status, 200);
  const metrics = (await m.gw.app.gateway.runs.history(run.id)).filter((e) => e.type === 'metric');
  t.same(
    metrics.map((e) => e.type === 'metric' && e.metric),
    ['loss'],
    'only the declared metric was appended',
  );

  const sealed = randomBytes(4096);
  const digest = `sha256:${createHash('sha256').update(sealed).digest('hex')}`;
  const output = {
    digest,
    size: sealed.length,
    wrappedKey: randomBytes(80).toString('base64'),
    keyId: 'mk1',
  };
  const early = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: node.receipt(run.id, job.jobId),
  });
  t.equal(early.code, 'NODE_OUTPUT_MISSING', 'the output must be uploaded first');
  const upload = await node.call('PUT', `/v1/node/blobs/${digest}`, sealed);
  t.equal(upload.status, 201);
  t.ok((await blobs.stat(digest))?.size === sealed.length, 'stored through the blob store');

  const forged = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: node.receipt(run.id, job.jobId, nacl.sign.keyPair().secretKey),
  });
  t.equal(forged.status, 400);
  t.equal(forged.code, 'NODE_RECEIPT_INVALID');
  const after = await m.gw.app.gateway.runs.get(run.id);
  t.equal(after.state, 'running', 'nothing written: the run still runs');
  t.equal(after.output, undefined);
  t.equal(await store.get(store.sublevel(RECEIPTS_SUBLEVEL), run.id), undefined, 'no receipt stored');
  t.equal((await store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), job.jobId))?.state, 'assigned');

  const otherRun = node.receipt(`run_${'b'.repeat(26)}`, job.jobId);
  const mismatch = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: otherRun,
  });
  t.equal(mismatch.code, 'NODE_RECEIPT_MISMATCH');

  const minerBefore = balance(m, m.miner.id);
  const done = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: node.receipt(run.id, job.jobId),
  });
  t.equal(done.status, 200);
  t.same(done.json(), { runId: run.id, state: 'settled' });
  const settled = await m.gw.app.gateway.runs.get(run.id);
  t.same(settled.output, output);
  t.equal(settled.usage?.steps, 100);
  t.ok(balance(m, m.miner.id) > minerBefore, 'the miner account is paid');
  t.equal(settled.settlement?.miner, String(balance(m, m.miner.id) - minerBefore));
  t.match(await store.get(store.sublevel(DEPLOYMENTS_SUBLEVEL), run.id), {
    runId: run.id,
    nodeAddress: node.nodeId,
    imageId: job.image.digest,
  });
  t.equal((await store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), job.jobId))?.state, 'done');
  const again = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: node.receipt(run.id, job.jobId),
  });
  t.equal(again.code, 'NODE_JOB_NOT_ACTIVE');
});

t.test(
  'heartbeat timeout: requeued, then failed and refunded after maxAttempts; faults recorded',
  async (t) => {
    const m = await nodeMarket(t, { nodeTimeoutSeconds: 30, maxAttempts: 2 });
    const { nodes, store } = m.gw.app.gateway;
    const [a, b] = [await m.node(), await m.node()];
    const before = balance(m, m.buyer.id);
    const run = await m.startRun();
    const first = (await takeJob(a)) as WireJob;
    t.equal((await nodes.sweeper.sweep()).requeued.length, 0, 'a fresh node is not swept');
    m.advance(31_000);
    await b.heartbeat();
    const swept = await nodes.sweeper.sweep();
    t.same(swept.requeued, [run.id]);
    t.equal((await m.gw.app.gateway.runs.get(run.id)).state, 'queued');
    const nodeA = await store.get<NodeRecord>(store.sublevel(NODES_SUBLEVEL), a.nodeId);
    t.match(nodeA?.faults, [{ runId: run.id, kind: 'offline' }]);
    t.equal((await store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), first.jobId))?.state, 'abandoned');
    await a.heartbeat();
    t.equal(await takeJob(a), undefined, 'the node that faulted on the run is not given it again');

    const second = (await takeJob(b)) as WireJob;
    t.equal(second.runId, run.id, 'another node takes it');
    const late = await a.call('POST', `/v1/node/runs/${run.id}/fail`, {
      jobId: first.jobId,
      code: 'RUN_OOM',
      message: 'x',
    });
    t.equal(late.code, 'NODE_JOB_NOT_ACTIVE', 'the abandoned job cannot report');
    m.advance(31_000);
    const final = await nodes.sweeper.sweep();
    t.same(final.failed, [run.id]);
    const failed = await m.gw.app.gateway.runs.get(run.id);
    t.equal(failed.state, 'failed');
    t.equal(failed.reason?.code, 'RUN_NODE_FAULT');
    t.equal(balance(m, m.buyer.id), before, 'the buyer is refunded in full');
  },
);

t.test('start confirmation: a run placed but not running in time is requeued', async (t) => {
  const m = await nodeMarket(t, { startConfirmSeconds: 60, nodeTimeoutSeconds: 3600 });
  const node = await m.node();
  const run = await m.startRun();
  await takeJob(node);
  m.advance(61_000);
  const swept = await m.gw.app.gateway.nodes.sweeper.sweep();
  t.same(swept.requeued, [run.id]);
  const record = await m.gw.app.gateway.nodes.registry.get(node.nodeId);
  t.match(record.faults, [{ runId: run.id, kind: 'unconfirmed' }]);
});

t.test('buyer controls: pause and resume while running; cancel waits for the node', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const run = await m.startRun();
  const job = (await takeJob(node)) as WireJob;
  const early = await m.as(m.buyer, 'POST', `/v1/runs/${run.id}/pause`);
  t.equal(codeOf(early), 'RUN_NOT_RUNNING');
  await running(m, run.id);
  t.equal(codeOf(await m.as(m.seller, 'POST', `/v1/runs/${run.id}/pause`)), 'RUN_BUYER_ONLY');
  t.equal((await m.as(m.buyer, 'POST', `/v1/runs/${run.id}/pause`)).statusCode, 202);
  t.same((await node.heartbeat([run.id])).json<{ control: unknown[] }>().control, [
    { runId: run.id, action: 'pause' },
  ]);
  await m.as(m.buyer, 'POST', `/v1/runs/${run.id}/resume`);
  t.same((await node.heartbeat([run.id])).json<{ control: unknown[] }>().control, [
    { runId: run.id, action: 'resume' },
  ]);

  const cancel = await m.as(m.buyer, 'POST', `/v1/runs/${run.id}/cancel`, {});
  t.equal(cancel.statusCode, 202, 'a running run is cancelled once the node confirms');
  t.equal(cancel.json<RunRecord>().state, 'running');
  const beat = await node.heartbeat([run.id]);
  t.same(beat.json<{ control: unknown[]; heartbeatSeconds: number }>().control, [
    { runId: run.id, action: 'cancel' },
  ]);
  await m.as(m.buyer, 'POST', `/v1/runs/${run.id}/resume`);
  t.same(
    (await node.heartbeat([run.id])).json<{ control: unknown[] }>().control,
    [{ runId: run.id, action: 'cancel' }],
    'a cancel is not replaced',
  );
  const confirm = await node.call('POST', `/v1/node/runs/${run.id}/fail`, {
    jobId: job.jobId,
    code: 'RUN_CANCELLED',
    message: 'stopped at the buyer’s request',
  });
  t.same(confirm.json(), { runId: run.id, state: 'cancelled' });
  t.same(
    (await node.heartbeat()).json<{ control: unknown[] }>().control,
    [],
    'nothing left to tell the node',
  );
});

t.test('nodes are listed for signed accounts; the operator sees every field', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const asBuyer = await m.as(m.buyer, 'GET', '/v1/nodes');
  t.equal(asBuyer.statusCode, 200);
  const [seen] = asBuyer.json<{ items: Record<string, unknown>[] }>().items;
  t.same(Object.keys(seen).sort(), ['capacity', 'id', 'online', 'successRate']);
  t.equal(seen.online, true);
  const asOperator = await m.as(m.gw.operator, 'GET', `/v1/nodes/${node.nodeId}`);
  t.equal(asOperator.json<{ miner: string }>().miner, m.miner.id);
  t.equal(codeOf(await m.gw.app.inject({ method: 'GET', url: '/v1/nodes' })), 'AUTH_UNSIGNED');
  t.equal(codeOf(await m.as(m.buyer, 'GET', `/v1/nodes/node_${'a'.repeat(32)}`)), 'NODE_NOT_FOUND');
  m.advance(31_000);
  t.equal((await m.as(m.buyer, 'GET', `/v1/nodes/${node.nodeId}`)).json<{ online: boolean }>().online, false);
});

t.test('the sweeper ends jobs of ended runs and cancels when the node never confirms', async (t) => {
  const m = await nodeMarket(t, { nodeTimeoutSeconds: 30 });
  const { nodes, store } = m.gw.app.gateway;
  const node = await m.node({ cpus: 8, memoryBytes: 16 * 1024 ** 3 });
  const placed = await m.startRun();
  const first = (await takeJob(node)) as WireJob;
  const cancelled = await m.as(m.buyer, 'POST', `/v1/runs/${placed.id}/cancel`, {});
  t.equal(cancelled.json<RunRecord>().state, 'cancelled', 'a placed run is cancelled at once');
  const runningRun = await m.startRun();
  await takeJob(node);
  await running(m, runningRun.id);
  t.equal((await m.as(m.buyer, 'POST', `/v1/runs/${runningRun.id}/cancel`, {})).statusCode, 202);
  const swept = await nodes.sweeper.sweep();
  t.same(swept.ended, [first.jobId], 'the cancelled run’s job ends');
  t.equal((await store.get<JobRecord>(store.sublevel(JOBS_SUBLEVEL), first.jobId))?.state, 'failed');
  t.same(swept.cancelled, [], 'the node still has time to confirm');
  m.advance(31_000);
  t.same((await nodes.sweeper.sweep()).cancelled, [runningRun.id]);
  const run = await m.gw.app.gateway.runs.get(runningRun.id);
  t.equal(run.state, 'cancelled');
  t.equal(run.reason?.code, 'RUN_CANCELLED');
});
