/**
 * The canary audit's gateway side (docs/audit.md) with a fake node over real
 * mTLS: startAudit's refusals, the audit job (the canary set as data, the
 * sealed model beside it), the losses turned into figures, losses that give no
 * figure, a node's failure, and the sweeper's requeue of an audit whose node
 * went offline. The pure result from answers is checked by hand.
 */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import type { AuditDeps, DatasetRecord, ModelRecord, RunRecord, WireJob } from '../../../gateway/index.js';
import {
  AUDITS_SUBLEVEL,
  DATASETS_SUBLEVEL,
  MODELS_SUBLEVEL,
  RUNS_SUBLEVEL,
  auditFor,
  auditResult,
  canariesOf,
  put,
  startAudit,
} from '../../../gateway/index.js';
import { parseModelDescriptor } from '../../../policies/index.js';
import type { FakeNode, NodeMarket } from '../nodes/fixture.js';
import { nodeMarket } from '../nodes/fixture.js';

async function takeJob(node: FakeNode): Promise<WireJob> {
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  if (res.status !== 200) throw new Error(`jobs: ${res.status}`);
  return res.json<{ job: WireJob }>().job;
}

const digestOf = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// Train and settle a run on `node` (test/gateway/inference/inference.test.ts's way).
async function settledRun(m: NodeMarket, node: FakeNode): Promise<RunRecord> {
  const run = await m.startRun();
  const job = await takeJob(node);
  for (const e of ['seal', 'start'] as const) await m.gw.app.gateway.runs.transition(run.id, e);
  const sealed = randomBytes(2048);
  await node.call('PUT', `/v1/node/blobs/${digestOf(sealed)}`, sealed);
  const output = {
    digest: digestOf(sealed),
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
  const { store } = m.gw.app.gateway;
  return (await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), run.id))!;
}

t.test('the pure result: planted rows first, then held-out; bad answers are refused', (t) => {
  const set = { digest: `sha256:${'a'.repeat(64)}`, size: 1, planted: 2, heldOut: 3 };
  const r = auditResult(set, [0.1, 0.2, 1, 2, 3]);
  t.same(r.losses, { planted: [0.1, 0.2], heldOut: [1, 2, 3] });
  t.same(r.membership, { auc: 1, advantage: 1 });
  t.equal(r.exposure.mean, 2);
  t.throws(() => auditResult(set, [1, 2]), { name: 'AuditError', code: 'AUDIT_ANSWERS_INVALID' });
  t.throws(() => auditResult(set, [1, 2, 3, null, 5]), { code: 'AUDIT_ANSWERS_INVALID' });
  t.equal(canariesOf({ canaries: { ...set, planted: 0 } } as unknown as DatasetRecord), undefined);
  t.equal(canariesOf({ canaries: { ...set, digest: 'md5:x' } } as unknown as DatasetRecord), undefined);
  t.same(canariesOf({ canaries: set } as unknown as DatasetRecord), set);
  t.end();
});

t.test('an audit job end to end over the node routes', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const { store, nodes, now } = m.gw.app.gateway;
  const deps: AuditDeps = { store, scheduler: nodes.scheduler, now };
  const run = await settledRun(m, node);
  const datasets = store.sublevel(DATASETS_SUBLEVEL);
  const dataset = (await store.get<DatasetRecord>(datasets, run.dataset))!;

  await t.rejects(startAudit(deps, run, dataset), { name: 'AuditError', code: 'AUDIT_NO_CANARIES' });
  const canaryBytes = randomBytes(512);
  await node.call('PUT', `/v1/node/blobs/${digestOf(canaryBytes)}`, canaryBytes);
  const canaries = { digest: digestOf(canaryBytes), size: canaryBytes.length, planted: 2, heldOut: 4 };
  // The audit needs the data key in broker custody (the fixture's dataset is in the seller's).
  const listed = {
    ...dataset,
    key: { ...dataset.key, custody: 'broker' as const, wrapped: 'AAAA' },
    canaries,
  };
  await store.exclusive(() => store.write([put(datasets, dataset.id, listed)]));
  await t.rejects(startAudit(deps, { ...run, state: 'running' }, listed), { code: 'AUDIT_RUN_NOT_SETTLED' });
  await t.rejects(startAudit(deps, run, { ...listed, key: { ...listed.key, custody: 'seller' } }), {
    code: 'AUDIT_SELLER_CUSTODY',
  });
  await t.rejects(startAudit(deps, run, listed), { code: 'AUDIT_NO_LOSS' });
  const models = store.sublevel(MODELS_SUBLEVEL);
  const model = (await store.get<ModelRecord>(models, run.model))!;
  const withLoss = {
    ...model,
    descriptor: parseModelDescriptor({
      ...model.descriptor,
      entrypoints: { ...model.descriptor.entrypoints, loss: ['/bin/loss'] },
    }),
  };
  await store.exclusive(() => store.write([put(models, model.id, withLoss)]));

  const audit = await startAudit(deps, run, listed);
  t.match(audit, { state: 'queued', runId: run.id, datasetId: dataset.id, canaries });
  const job = await takeJob(node);
  t.match(job, { kind: 'audit', auditId: audit.id, runId: run.id, data: { digest: canaries.digest } });
  t.equal(job.modelBlob?.digest, run.output?.digest, 'the sealed model is bound beside the canaries');
  t.notMatch(JSON.stringify(job), /acct_/, 'no account id in an audit job');
  t.equal((await auditFor(store, audit.id)).state, 'running');
  const answered = await node.call('POST', `/v1/node/audits/${audit.id}/answers`, {
    jobId: job.jobId,
    answers: [0.01, 0.02, 1, 2, 3, 4],
  });
  t.same(answered.json(), { auditId: audit.id, state: 'done' });
  const done = await auditFor(store, audit.id);
  t.same(done.result?.membership, { auc: 1, advantage: 1 });
  t.equal(done.result?.exposure.maxPossible, Math.log2(5));
  t.equal(done.node, undefined, 'a finished audit is held by no node');
  const again = await node.call('POST', `/v1/node/audits/${audit.id}/answers`, {
    jobId: job.jobId,
    answers: [],
  });
  t.equal(again.status, 409, 'the job has ended');

  // Losses that give no figure fail the audit, not the report.
  const bad = await startAudit(deps, run, listed);
  const badJob = await takeJob(node);
  const reply = await node.call('POST', `/v1/node/audits/${bad.id}/answers`, {
    jobId: badJob.jobId,
    answers: [1],
  });
  t.same(reply.json(), { auditId: bad.id, state: 'failed' });
  t.match(await auditFor(store, bad.id), { state: 'failed', reason: { code: 'AUDIT_ANSWERS_INVALID' } });

  // A node's failure.
  const failing = await startAudit(deps, run, listed);
  const failJob = await takeJob(node);
  await node.call('POST', `/v1/node/audits/${failing.id}/fail`, {
    jobId: failJob.jobId,
    code: 'AGENT_CONTAINER_OOM',
    message: 'out of memory',
  });
  t.match(await auditFor(store, failing.id), { state: 'failed', reason: { code: 'AGENT_CONTAINER_OOM' } });

  // The node goes offline holding an audit: the sweeper requeues it.
  const held = await startAudit(deps, run, listed);
  await takeJob(node);
  m.advance(3600 * 1000);
  await nodes.sweeper.sweep();
  t.equal((await auditFor(store, held.id)).state, 'queued', 'requeued after the node went offline');
  await t.rejects(auditFor(store, 'aud_nope'), { code: 'AUDIT_NOT_FOUND' });
  t.ok(await store.get(store.sublevel(AUDITS_SUBLEVEL), held.id));
});
