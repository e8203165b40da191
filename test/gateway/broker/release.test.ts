/**
 * The key broker's release (docs/node-protocol.md §3, issue 4 "Forged or
 * wrong evidence releases nothing and names the rule"): real LevelDB, the
 * broker's node routes through inject, and a real inspect document of a
 * sealed container created on the real dockerd (./inspect.ts). Every
 * refusal: its status and code, no key in the reply, an audit record with
 * that code and rule, and the run state unchanged.
 */
import t from 'tap';
import type { Test } from 'tap';
import type { LightMyRequestResponse } from 'fastify';
import nacl from 'tweetnacl';
import { base64ToBytes, unwrapKey } from '../../../attest/index.js';
import type { ReleaseRecord } from '../../../gateway/index.js';
import { RELEASES_SUBLEVEL } from '../../../gateway/index.js';
import { sealedInspect } from './inspect.js';

import { BrokerWorld, generateBoxKeyPair } from './world.js';

async function world(t: Test): Promise<BrokerWorld | undefined> {
  const inspect = await sealedInspect(t);
  return inspect === undefined ? undefined : BrokerWorld.create(t, inspect);
}

async function audit(w: BrokerWorld): Promise<ReleaseRecord[]> {
  return (await w.store.sublevel(RELEASES_SUBLEVEL).values().all()) as ReleaseRecord[];
}

/** Assert a refusal: status, code, rule in the message, no key, an audit record, the run unchanged. */
async function refused(
  t: Test,
  w: BrokerWorld,
  res: LightMyRequestResponse,
  expected: { status: number; code: string; rule: string; runId: string; state: string },
): Promise<void> {
  t.equal(res.statusCode, expected.status, `${expected.code}: status`);
  const body = res.json<{ error: { code: string; message: string }; wrappedKey?: unknown }>();
  t.equal(body.error.code, expected.code);
  t.match(body.error.message, `rule ${expected.rule}`, 'the message names the rule');
  t.notMatch(res.body, /wrappedKey/, 'no key in the reply');
  const last = (await audit(w)).at(-1);
  t.match(last, { outcome: 'refused', code: expected.code, rule: expected.rule, runId: expected.runId });
  t.notOk(last && 'wrappedKey' in last, 'the audit record holds no key');
  t.equal(await w.runState(expected.runId), expected.state, 'the run state is unchanged');
}

t.test('the happy path: nonce, evidence, the DEK sealed to the container; the run runs', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const run = await w.run(node);
  const nonce = await w.nonce(node, run);
  t.equal(await w.runState(run.runId), 'sealing', 'the first nonce starts sealing');
  const eph = generateBoxKeyPair();
  const evidence = w.evidence(node, run.runId, nonce, eph);
  const res = await w.sendEvidence(node, run, evidence);
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<{ status: string; wrappedKey: string; keyId: string; releaseId: string }>();
  t.equal(body.status, 'released');
  t.equal(body.keyId, run.dataset.key.keyId);
  t.same(
    unwrapKey(base64ToBytes(body.wrappedKey) as Uint8Array, eph.secretKey),
    run.key,
    'it opens to the DEK',
  );
  t.equal(await w.runState(run.runId), 'running');
  const [record] = await audit(w);
  t.match(record, {
    id: body.releaseId,
    outcome: 'released',
    purpose: 'data',
    runId: run.runId,
    jobId: run.jobId,
    nodeId: node.id,
    dataset: run.dataset.id,
    keyId: run.dataset.key.keyId,
    measurementDigest: /^sha256:/,
  });
  t.ok(
    record.judgements.length >= 12 && record.judgements.every((j) => j.ok),
    'every rule judged and passed',
  );
  t.notMatch(JSON.stringify(record), body.wrappedKey, 'the audit record never holds the key');

  // The same evidence again: its nonce is spent (and the run is running, so no second key).
  await refused(t, w, await w.sendEvidence(node, run, evidence), {
    status: 409,
    code: 'KEY_RELEASE_RUN_STATE',
    rule: 'run-state',
    runId: run.runId,
    state: 'running',
  });
});

t.test('forged or wrong evidence releases nothing and names the rule', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const run = await w.run(node);
  const eph = generateBoxKeyPair();
  const expect = (code: string, rule: string, status = 403) => ({
    status,
    code,
    rule,
    runId: run.runId,
    state: 'sealing',
  });

  await t.test('bad signature', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const sig = base64ToBytes(ev.signature) as Uint8Array;
    sig[0] ^= 1;
    const forged = { ...ev, signature: Buffer.from(sig).toString('base64') };
    await refused(
      t,
      w,
      await w.sendEvidence(node, run, forged),
      expect('EVIDENCE_BAD_SIGNATURE', 'signature'),
    );
  });

  await t.test("unknown node: signed by a key that is not the certificate's", async (t) => {
    const stranger = nacl.sign.keyPair();
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph, { signer: stranger.secretKey });
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('EVIDENCE_BAD_SIGNATURE', 'signature'));
  });

  await t.test('replayed nonce', async (t) => {
    const nonce = await w.nonce(node, run);
    const first = w.evidence(node, run.runId, nonce, eph, {
      measurement: { supervisorDigest: `sha256:${'00'.repeat(32)}` },
    });
    await refused(
      t,
      w,
      await w.sendEvidence(node, run, first),
      expect('EVIDENCE_MEASUREMENT_MISMATCH', 'measurement.supervisorDigest'),
    );
    const again = w.evidence(node, run.runId, nonce, eph);
    await refused(t, w, await w.sendEvidence(node, run, again), expect('NONCE_REPLAYED', 'nonce'));
  });

  await t.test("another run's nonce", async (t) => {
    const other = await w.run(node);
    const nonce = await w.nonce(node, other);
    const ev = w.evidence(node, run.runId, nonce, eph);
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('NONCE_WRONG_RUN', 'nonce'));
  });

  await t.test('a nonce the gateway never issued', async (t) => {
    const ev = w.evidence(node, run.runId, 'A'.repeat(43), eph);
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('NONCE_UNKNOWN', 'nonce'));
  });

  await t.test('expired nonce (frozen clock moved past the TTL)', async (t) => {
    const nonce = await w.nonce(node, run);
    w.clock.advance(61);
    const ev = w.evidence(node, run.runId, nonce, eph);
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('NONCE_EXPIRED', 'nonce'));
  });

  await t.test('stale evidence', async (t) => {
    const nonce = await w.nonce(node, run);
    const ev = w.evidence(node, run.runId, nonce, eph, { time: Math.floor(w.clock.ms / 1000) - 3600 });
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('EVIDENCE_STALE', 'time'));
  });

  await t.test('wrong image digest: the job names another image', async (t) => {
    const wrong = await w.run(node, { jobImage: `sha256:${'ab'.repeat(32)}` });
    const ev = w.evidence(node, wrong.runId, await w.nonce(node, wrong), eph);
    await refused(t, w, await w.sendEvidence(node, wrong, ev), {
      ...expect('EVIDENCE_MEASUREMENT_MISMATCH', 'measurement.imageDigest'),
      runId: wrong.runId,
    });
  });

  await t.test('a config with a network (NetworkMode bridge, measured as such)', async (t) => {
    const inspect = structuredClone(w.inspect);
    inspect.HostConfig.NetworkMode = 'bridge';
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph, { inspect });
    const res = await w.sendEvidence(node, run, ev, inspect);
    await refused(t, w, res, expect('KEY_RELEASE_SANDBOX', 'sandbox'));
    t.match(res.json<{ error: { message: string } }>().error.message, 'SANDBOX_NETWORK');
  });

  await t.test('an inspect that does not match the measured digest', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const inspect = structuredClone(w.inspect);
    inspect.HostConfig.PidsLimit = 4096;
    await refused(
      t,
      w,
      await w.sendEvidence(node, run, ev, inspect),
      expect('KEY_RELEASE_INSPECT_MISMATCH', 'inspect'),
    );
  });

  await t.test('an inspect of another image', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const inspect = { ...structuredClone(w.inspect), Image: `sha256:${'cd'.repeat(32)}` };
    await refused(
      t,
      w,
      await w.sendEvidence(node, run, ev, inspect),
      expect('KEY_RELEASE_INSPECT_MISMATCH', 'inspect'),
    );
  });

  await t.test('an inspect that is not Docker-shaped', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    await refused(
      t,
      w,
      await w.sendEvidence(node, run, ev, { HostConfig: 7 }),
      expect('KEY_RELEASE_INSPECT_MALFORMED', 'inspect', 400),
    );
  });

  await t.test('malformed evidence', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const bad = { ...ev, body: { ...ev.body, nodeId: 'nobody' } };
    await refused(t, w, await w.sendEvidence(node, run, bad), expect('EVIDENCE_MALFORMED', 'parse', 400));
  });

  await t.test('no such job, or not this node’s job', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    await refused(
      t,
      w,
      await w.sendEvidence(node, { runId: run.runId, jobId: 'job_nope' }, ev),
      expect('KEY_RELEASE_NO_JOB', 'job', 404),
    );
    const intruder = await w.node();
    const forged = w.evidence(intruder, run.runId, 'B'.repeat(43), eph);
    await refused(
      t,
      w,
      await w.sendEvidence(intruder, run, forged),
      expect('KEY_RELEASE_NOT_YOUR_JOB', 'job'),
    );
    const nonce = await w.nonceRequest(intruder, run.runId, run.jobId);
    t.equal(nonce.statusCode, 403, 'and it gets no nonce for it');
  });

  await t.test('revoked node: its record says so, and its certificate is revoked', async (t) => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const { NODES_SUBLEVEL } = await import('../../../gateway/nodes/records.js');
    const { put } = await import('../../../gateway/index.js');
    const sub = w.store.sublevel(NODES_SUBLEVEL);
    const record = (await sub.get(node.id)) as Record<string, unknown>;
    await w.store.write([put(sub, node.id, { ...record, revoked: w.clock.now().toISOString() })]);
    await refused(t, w, await w.sendEvidence(node, run, ev), expect('AUTH_NOT_NODE', 'node'));
    await w.store.write([put(sub, node.id, record)]);
    await w.pki.revoke(node.serial, 'keyCompromise', w.clock.now());
    const res = await w.sendEvidence(node, run, ev);
    t.equal(res.statusCode, 403);
    t.equal(
      res.json<{ error: { code: string } }>().error.code,
      'AUTH_NOT_NODE',
      'the listener refuses it first',
    );
    t.equal(await w.runState(run.runId), 'sealing');
  });
});

t.test('the policy must still hold, and the tier and model must be allowed', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const eph = generateBoxKeyPair();
  const expired = await w.run(node, { expiresAt: new Date(w.clock.ms + 30_000).toISOString() });
  const nonce = await w.nonce(node, expired);
  w.clock.advance(31);
  const res = await w.sendEvidence(node, expired, w.evidence(node, expired.runId, nonce, eph));
  await refused(t, w, res, {
    status: 403,
    code: 'KEY_RELEASE_EXPIRED',
    rule: 'policy.expiresAt',
    runId: expired.runId,
    state: 'sealing',
  });

  const ended = await w.run(node, { state: 'cancelled' });
  const refusedNonce = await w.nonceRequest(node, ended.runId, ended.jobId);
  t.equal(refusedNonce.statusCode, 409);
  t.equal(refusedNonce.json<{ error: { code: string } }>().error.code, 'KEY_RELEASE_RUN_STATE');
});

t.test('predict: the sealed model key, only to the run’s own model image', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const eph = generateBoxKeyPair();
  const run = await w.run(node, { kind: 'predict' });
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, await w.nonce(node, run), eph));
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<{ wrappedKey: string; keyId: string }>();
  t.same(
    unwrapKey(base64ToBytes(body.wrappedKey) as Uint8Array, eph.secretKey),
    run.key,
    'it opens to the model key',
  );
  t.equal(await w.runState(run.runId), 'settled', 'a predict release leaves the run as it is');
  t.match((await audit(w)).at(-1), { outcome: 'released', purpose: 'model' });

  // A predict job whose image is not the run's model: the model rule refuses.
  const other = await w.run(node, { kind: 'predict' });
  const inspect = { ...structuredClone(w.inspect), Image: `sha256:${'ef'.repeat(32)}` };
  const { JOBS_SUBLEVEL } = await import('../../../gateway/nodes/records.js');
  const { put } = await import('../../../gateway/index.js');
  const jobs = w.store.sublevel(JOBS_SUBLEVEL);
  const job = (await jobs.get(other.jobId)) as Record<string, unknown>;
  await w.store.write([put(jobs, other.jobId, { ...job, image: { digest: inspect.Image } })]);
  const ev = w.evidence(node, other.runId, await w.nonce(node, other), eph, { inspect });
  await refused(t, w, await w.sendEvidence(node, other, ev, inspect), {
    status: 403,
    code: 'EVIDENCE_MODEL_NOT_ALLOWED',
    rule: 'model',
    runId: other.runId,
    state: 'settled',
  });
});
