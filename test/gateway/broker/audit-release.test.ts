/**
 * The audit's release (docs/audit.md): one attestation releases the canary
 * set's data key and the sealed model's key, both sealed to the container's
 * ephemeral key, in one release record; the nonce stands for the job's two
 * ciphertexts (KEY_RELEASE_BINDS when they changed), and a seller-custody
 * dataset is refused. The world is release.test.ts's (a real sealed inspect).
 */
import t from 'tap';
import type { Test } from 'tap';
import { base64ToBytes, unwrapKey } from '../../../attest/index.js';
import type { ReleaseRecord } from '../../../gateway/index.js';
import { RELEASES_SUBLEVEL, put } from '../../../gateway/index.js';
import { JOBS_SUBLEVEL } from '../../../gateway/nodes/records.js';
import type { TestNode, TestRun } from './world.js';
import { BrokerWorld, generateBoxKeyPair } from './world.js';
import { sealedInspect } from './inspect.js';

async function world(t: Test): Promise<BrokerWorld | undefined> {
  const inspect = await sealedInspect(t);
  return inspect === undefined ? undefined : BrokerWorld.create(t, inspect);
}

// A settled run with a sealed model whose job is turned into an audit job: the dataset's blob
// stands for the canary set (data) and the run's output is bound beside it (modelBlob).
async function auditRun(
  w: BrokerWorld,
  node: TestNode,
  custody: 'broker' | 'seller' = 'broker',
): Promise<TestRun> {
  const run = await w.run(node, { kind: 'predict', custody });
  const jobs = w.store.sublevel(JOBS_SUBLEVEL);
  const job = (await jobs.get(run.jobId)) as Record<string, unknown>;
  await w.store.write([
    put(jobs, run.jobId, {
      ...job,
      kind: 'audit',
      auditId: 'aud_1',
      data: run.dataset.blob,
      modelBlob: job.data,
    }),
  ]);
  return run;
}

const releases = async (w: BrokerWorld) =>
  (await w.store.sublevel(RELEASES_SUBLEVEL).values().all()) as ReleaseRecord[];

t.test('one attestation, two keys', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const run = await auditRun(w, node);
  const eph = generateBoxKeyPair();
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, await w.nonce(node, run), eph));
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<{ wrappedKey: string; keyId: string; modelWrappedKey: string; modelKeyId: string }>();
  const broker = w.gw.app.gateway.identity.broker;
  const dek = unwrapKey(base64ToBytes(run.dataset.key.wrapped ?? '')!, broker.secretKey);
  t.same(unwrapKey(base64ToBytes(body.wrappedKey)!, eph.secretKey), dek, "the canary set's data key");
  t.same(unwrapKey(base64ToBytes(body.modelWrappedKey)!, eph.secretKey), run.key, "the sealed model's key");
  t.equal(body.keyId, run.dataset.key.keyId);
  t.type(body.modelKeyId, 'string');
  t.equal(await w.runState(run.runId), 'settled', 'the run is left as it is');
  const records = (await releases(w)).filter((r) => r.purpose === 'audit');
  t.equal(records.length, 1, 'one release record for both keys');
  t.match(records[0], { outcome: 'released', keyId: body.keyId, modelKeyId: body.modelKeyId });
});

t.test('the nonce stands for the two ciphertexts; seller custody is refused', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const eph = generateBoxKeyPair();

  const run = await auditRun(w, node);
  const nonce = await w.nonce(node, run);
  const jobs = w.store.sublevel(JOBS_SUBLEVEL);
  const job = (await jobs.get(run.jobId)) as Record<string, unknown>;
  const other = { digest: `sha256:${'0'.repeat(64)}`, size: 1 };
  await w.store.write([put(jobs, run.jobId, { ...job, modelBlob: other })]);
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, nonce, eph));
  t.equal(res.statusCode, 403, res.body);
  t.equal(res.json<{ error: { code: string } }>().error.code, 'KEY_RELEASE_BINDS');
  t.notMatch(res.body, /wrappedKey/);
  t.match((await releases(w)).at(-1), { outcome: 'refused', purpose: 'audit', code: 'KEY_RELEASE_BINDS' });

  const seller = await auditRun(w, node, 'seller');
  const refused = await w.sendEvidence(
    node,
    seller,
    w.evidence(node, seller.runId, await w.nonce(node, seller), eph),
  );
  t.equal(refused.statusCode, 409, refused.body);
  t.equal(refused.json<{ error: { code: string } }>().error.code, 'KEY_RELEASE_KEY_UNAVAILABLE');
  t.notMatch(refused.body, /wrappedKey/);
});
