/**
 * Seller-held custody end to end (issue 4 "Seller-held custody: the run
 * waits, and proceeds only after the seller's approval"): the broker parks a
 * release whose evidence passed; the seller's client (client/sdk/releases.ts)
 * lists it, checks it locally with attest and policies, seals its own DEK
 * (kept in its home, as `dataset publish` keeps it) to the container's
 * ephemeral key and approves; the node's poll then opens to the DEK and the
 * run runs. A decline refuses the node; evidence that fails the seller's
 * check is declined by the client. Real LevelDB, a real inspect document.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { base64ToBytes, encodeDataKeyFile, unwrapKey } from '../../../attest/index.js';
import type { ReleaseRecord } from '../../../gateway/index.js';
import { RELEASES_SUBLEVEL } from '../../../gateway/index.js';
import { approvePending, declineRelease, pendingReleases } from '../../../client/index.js';
import { sealedInspect } from '../../gateway/broker/inspect.js';
import type { TestNode, TestRun } from '../../gateway/broker/world.js';
import { BrokerWorld, generateBoxKeyPair } from '../../gateway/broker/world.js';

async function sellerHome(dir: string, run: TestRun): Promise<string> {
  await mkdir(join(dir, 'datasets'), { recursive: true });
  await writeFile(join(dir, 'datasets', `${run.dataset.key.keyId}.key`), encodeDataKeyFile(run.key), {
    mode: 0o600,
  });
  return dir;
}

function poll(w: BrokerWorld, node: TestNode, releaseId: string) {
  return w.nodeApp.inject({ method: 'GET', url: `/v1/node/releases/${releaseId}`, headers: node.headers });
}

t.test('the run waits for the seller, and proceeds only after the approval', async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node, { custody: 'seller' });
  const home = await sellerHome(t.testdir(), run);
  const eph = generateBoxKeyPair();
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, await w.nonce(node, run), eph));
  t.equal(res.statusCode, 202, res.body);
  const { releaseId, status } = res.json<{ releaseId: string; status: string }>();
  t.equal(status, 'pending');
  t.notMatch(res.body, /wrappedKey/);
  t.equal((await poll(w, node, releaseId)).statusCode, 202, 'the node waits');
  t.equal(await w.runState(run.runId), 'sealing', 'the run waits');

  const other = await w.node();
  t.equal((await poll(w, other, releaseId)).statusCode, 404, 'another node cannot poll it');

  const seller = w.gw.client(w.seller.key);
  const pending = await pendingReleases(seller);
  t.equal(pending.length, 1);
  t.match(pending[0], { releaseId, runId: run.runId, dataset: run.dataset.id, keyId: run.dataset.key.keyId });
  const stranger = await w.gw.account('seller');
  t.same(await pendingReleases(stranger.client), [], 'another seller sees nothing');

  const outcomes = await approvePending(seller, home, { releaseId, now: w.clock.now });
  t.match(outcomes, [{ releaseId, outcome: 'approved', runId: run.runId }]);
  const done = await poll(w, node, releaseId);
  t.equal(done.statusCode, 200);
  const key = unwrapKey(
    base64ToBytes(done.json<{ wrappedKey: string }>().wrappedKey) as Uint8Array,
    eph.secretKey,
  );
  t.same(key, run.key, 'the container opens the DEK the seller sealed');
  t.equal(await w.runState(run.runId), 'running');
  t.same(await pendingReleases(seller), [], 'nothing waits any more');
  const again = await signedApprove(w, releaseId);
  t.equal(again.statusCode, 409);
  t.equal(again.json<{ error: { code: string } }>().error.code, 'KEY_RELEASE_NOT_PENDING');

  const records = (await w.store.sublevel(RELEASES_SUBLEVEL).values().all()) as ReleaseRecord[];
  t.match(records, [
    { id: releaseId, outcome: 'pending' },
    { outcome: 'released', ref: releaseId, keyId: run.dataset.key.keyId },
  ]);
});

t.test('a decline refuses the node; the run stays as it was', async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node, { custody: 'seller' });
  const eph = generateBoxKeyPair();
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, await w.nonce(node, run), eph));
  const { releaseId } = res.json<{ releaseId: string }>();
  await declineRelease(w.gw.client(w.seller.key), releaseId);
  const polled = await poll(w, node, releaseId);
  t.equal(polled.statusCode, 403);
  t.equal(polled.json<{ error: { code: string } }>().error.code, 'KEY_RELEASE_DECLINED');
  t.notMatch(polled.body, /wrappedKey/);
  t.equal(await w.runState(run.runId), 'sealing');
  const last = ((await w.store.sublevel(RELEASES_SUBLEVEL).values().all()) as ReleaseRecord[]).at(-1);
  t.match(last, { outcome: 'refused', code: 'KEY_RELEASE_DECLINED', rule: 'seller', ref: releaseId });
});

t.test("the seller's own check declines what its policy does not allow", async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node, { custody: 'seller' });
  const home = await sellerHome(t.testdir(), run);
  const eph = generateBoxKeyPair();
  const res = await w.sendEvidence(node, run, w.evidence(node, run.runId, await w.nonce(node, run), eph));
  const { releaseId } = res.json<{ releaseId: string }>();
  // The broker accepted the container; the seller's own sandbox profile is stricter (pids 8 < 64).
  const { sealedSandboxProfile } = await import('../../../policies/index.js');
  const strict = sealedSandboxProfile({ limits: { pids: 8 } });
  const outcomes = await approvePending(w.gw.client(w.seller.key), home, {
    now: w.clock.now,
    profile: strict,
  });
  t.match(outcomes, [{ releaseId, outcome: 'declined', code: 'RELEASE_SANDBOX' }]);
  t.equal((await poll(w, node, releaseId)).statusCode, 403);
  t.equal(await w.runState(run.runId), 'sealing');
  await t.rejects(approvePending(w.gw.client(w.seller.key), home, { releaseId }), {
    code: 'RELEASE_NOT_PENDING',
  });
});

async function signedApprove(w: BrokerWorld, releaseId: string) {
  const { signedInject } = await import('../../helpers/gateway.js');
  return signedInject(w.gw.app, {
    method: 'POST',
    url: `/v1/releases/${releaseId}/approve`,
    body: { wrappedKey: Buffer.alloc(80).toString('base64') },
    key: w.seller.key,
    now: w.clock.now(),
  });
}
