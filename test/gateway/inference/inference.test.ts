/**
 * Sealed inference (DESIGN.md 5 step 12) round trip with a fake node over
 * real mTLS: a settled run's buyer queues queries, a node takes them as a
 * predict job (the sealed model as its data, the queries as inputs), answers,
 * and the buyer reads the answers. The buyer never gets the model: 403
 * RUN_MODEL_SEALED for the model and 403 BLOB_NODES_ONLY for its blob,
 * signed or not. Also: a real short heartbeat timeout (the sweeper's timer),
 * and the enroll-token SDK call through a real loopback listener.
 */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { createEnrollToken, GatewayClient } from '../../../client/index.js';
import type { WireJob } from '../../../gateway/index.js';
import { codeOf, listenForTest } from '../../helpers/gateway.js';
import type { FakeNode, NodeMarket } from '../nodes/fixture.js';
import { nodeMarket } from '../nodes/fixture.js';

async function takeJob(node: FakeNode): Promise<WireJob> {
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  if (res.status !== 200) throw new Error(`jobs: ${res.status}`);
  return res.json<{ job: WireJob }>().job;
}

// Train and settle a run on `node`; returns the run id and the sealed output's digest.
async function settledRun(m: NodeMarket, node: FakeNode): Promise<{ runId: string; digest: string }> {
  const run = await m.startRun();
  const job = await takeJob(node);
  for (const e of ['seal', 'start'] as const) await m.gw.app.gateway.runs.transition(run.id, e);
  const sealed = randomBytes(2048);
  const digest = `sha256:${createHash('sha256').update(sealed).digest('hex')}`;
  await node.call('PUT', `/v1/node/blobs/${digest}`, sealed);
  const output = {
    digest,
    size: sealed.length,
    wrappedKey: randomBytes(80).toString('base64'),
    keyId: 'mk1',
  };
  const done = await node.call('POST', `/v1/node/runs/${run.id}/complete`, {
    jobId: job.jobId,
    output,
    receipt: node.receipt(run.id, job.jobId),
  });
  if (done.status !== 200) throw new Error(`complete: ${done.body.toString()}`);
  return { runId: run.id, digest };
}

t.test('inference round trip; the model and its blob stay sealed', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const early = await m.startRun();
  const notSettled = await m.as(m.buyer, 'POST', `/v1/runs/${early.id}/infer`, { inputs: '{"age":40}\n' });
  t.equal(codeOf(notSettled), 'INFERENCE_RUN_NOT_SETTLED');
  await m.as(m.buyer, 'POST', `/v1/runs/${early.id}/cancel`, {});

  const { runId, digest } = await settledRun(m, node);
  t.equal(codeOf(await m.as(m.seller, 'POST', `/v1/runs/${runId}/infer`, { inputs: 'x' })), 'RUN_BUYER_ONLY');
  t.equal(
    codeOf(await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs: 'x', extra: 1 })),
    'HTTP_INVALID',
  );
  const inputs = '{"age":40}\n{"age":71}\n';
  const asked = await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs });
  t.equal(asked.statusCode, 202);
  const { inferenceId } = asked.json<{ inferenceId: string }>();
  t.match((await m.as(m.buyer, 'GET', `/v1/inferences/${inferenceId}`)).json(), { state: 'queued' });
  t.equal(codeOf(await m.as(m.seller, 'GET', `/v1/inferences/${inferenceId}`)), 'INFERENCE_NOT_FOUND');

  const job = await takeJob(node);
  t.equal(job.kind, 'predict');
  t.equal(job.inferenceId, inferenceId);
  t.equal(job.inputs, inputs);
  t.equal(job.data.digest, digest, 'the sealed model is the data');
  t.notMatch(JSON.stringify(job), /acct_/, 'no account id in a predict job');
  t.match((await m.as(m.buyer, 'GET', `/v1/inferences/${inferenceId}`)).json(), { state: 'running' });

  const answered = await node.call('POST', `/v1/node/inferences/${inferenceId}/answers`, {
    jobId: job.jobId,
    answers: [0.2, 0.9],
  });
  t.same(answered.json(), { inferenceId, state: 'answered' });
  const read = (await m.as(m.buyer, 'GET', `/v1/inferences/${inferenceId}`)).json<{
    state: string;
    answers: unknown[];
  }>();
  t.same([read.state, read.answers], ['answered', [0.2, 0.9]]);

  // a second query, failed by the node
  const second = (await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs })).json<{
    inferenceId: string;
  }>();
  const job2 = await takeJob(node);
  const failed = await node.call('POST', `/v1/node/inferences/${second.inferenceId}/fail`, {
    jobId: job2.jobId,
    code: 'RUN_KEY_REFUSED',
    message: 'no key',
  });
  t.same(failed.json(), { inferenceId: second.inferenceId, state: 'failed' });

  for (const who of [m.buyer, m.seller, m.gw.operator]) {
    const model = await m.as(who, 'GET', `/v1/runs/${runId}/model`);
    t.equal(model.statusCode, 403);
    t.equal(codeOf(model), 'RUN_MODEL_SEALED');
  }
  const signedBlob = await m.as(m.buyer, 'GET', `/v1/blobs/${digest}`);
  t.equal(signedBlob.statusCode, 403);
  t.equal(codeOf(signedBlob), 'BLOB_NODES_ONLY');
  const unsignedBlob = await m.gw.app.inject({ method: 'GET', url: `/v1/blobs/${digest}` });
  t.equal(codeOf(unsignedBlob), 'BLOB_NODES_ONLY');
});

t.test('an inference whose node goes offline is requeued, then failed after maxAttempts', async (t) => {
  const m = await nodeMarket(t, { nodeTimeoutSeconds: 30, maxAttempts: 1 });
  const node = await m.node();
  const { runId } = await settledRun(m, node);
  const { inferenceId } = (await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs: '1\n' })).json<{
    inferenceId: string;
  }>();
  await takeJob(node);
  m.advance(31_000);
  t.same((await m.gw.app.gateway.nodes.sweeper.sweep()).failed, [inferenceId]);
  const read = (await m.as(m.buyer, 'GET', `/v1/inferences/${inferenceId}`)).json<{
    state: string;
    reason: { code: string };
  }>();
  t.same([read.state, read.reason.code], ['failed', 'INFERENCE_NODE_FAULT']);
});

t.test('an offline node’s inference goes back to the queue', async (t) => {
  const m = await nodeMarket(t, { nodeTimeoutSeconds: 30 });
  const node = await m.node();
  const { runId } = await settledRun(m, node);
  const { inferenceId } = (await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs: '1\n' })).json<{
    inferenceId: string;
  }>();
  await takeJob(node);
  m.advance(31_000);
  t.same((await m.gw.app.gateway.nodes.sweeper.sweep()).requeued, [inferenceId]);
  t.match((await m.as(m.buyer, 'GET', `/v1/inferences/${inferenceId}`)).json(), { state: 'queued' });
  await node.heartbeat();
  t.equal((await node.call('GET', '/v1/node/jobs')).status, 204, 'not to the node that faulted on it');
});

t.test('a model without a predict entrypoint answers nothing', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const { runId } = await settledRun(m, node);
  const { store } = m.gw.app.gateway;
  const run = await m.gw.app.gateway.runs.get(runId);
  const sub = store.sublevel('models');
  const model = (await store.get<{ descriptor: { entrypoints: object } }>(sub, run.model)) as {
    descriptor: { entrypoints: object };
  };
  await store.exclusive(() =>
    store.write([
      {
        type: 'put',
        sublevel: sub,
        key: run.model,
        value: { ...model, descriptor: { ...model.descriptor, entrypoints: { train: ['/bin/train'] } } },
      },
    ]),
  );
  t.equal(
    codeOf(await m.as(m.buyer, 'POST', `/v1/runs/${runId}/infer`, { inputs: '1\n' })),
    'INFERENCE_NO_PREDICT',
  );
});

t.test('a real short heartbeat timeout requeues the run (the sweeper timer)', async (t) => {
  const m = await nodeMarket(t, { now: () => new Date(), nodeTimeoutSeconds: 1, sweepSeconds: 0.2 });
  const node = await m.node();
  const run = await m.startRun();
  await takeJob(node);
  let state = 'placed';
  for (let i = 0; i < 100 && state !== 'queued'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    state = (await m.gw.app.gateway.runs.get(run.id)).state;
  }
  t.equal(state, 'queued', 'requeued once the node stopped heartbeating');
  t.match((await m.gw.app.gateway.nodes.registry.get(node.nodeId)).faults, [
    { runId: run.id, kind: 'offline' },
  ]);
});

t.test('enroll-token through a real listener with the SDK', async (t) => {
  const m = await nodeMarket(t);
  const url = await listenForTest(m.gw.app);
  const operator = new GatewayClient({ gateway: url, key: m.gw.operator.key });
  const made = await createEnrollToken(operator, { miner: m.miner.id, ttlSeconds: 120 });
  t.match(made.token, /^sgn1\.et_[a-z2-7]{26}\.[A-Za-z0-9_-]{43}\.[0-9a-f]{64}$/);
  const buyer = new GatewayClient({ gateway: url, key: m.buyer.key });
  await t.rejects(createEnrollToken(buyer, { miner: m.miner.id }), { code: 'AUTH_FORBIDDEN' });
});
