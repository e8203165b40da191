/**
 * The nonce handed out with a job (docs/sealing-figures.md, node-protocol
 * §3.1): the release takes evidence over it while the run is still placed,
 * moves the run placed -> sealing -> running (its state events in that
 * order), and the nonce stays single use, run-, job- and node-bound and
 * short-lived. Real LevelDB and a real sealed container's inspect (./inspect.ts).
 */
import t from 'tap';
import type { Test } from 'tap';
import { base64ToBytes, unwrapKey } from '../../../attest/index.js';
import type { ReleaseRecord } from '../../../gateway/index.js';
import { RELEASES_SUBLEVEL } from '../../../gateway/index.js';
import { sealedInspect } from './inspect.js';
import type { TestRun } from './world.js';
import { BrokerWorld, generateBoxKeyPair } from './world.js';

async function world(t: Test): Promise<BrokerWorld | undefined> {
  const inspect = await sealedInspect(t);
  return inspect === undefined ? undefined : BrokerWorld.create(t, inspect);
}

// What the jobs route asks of the broker for a train job of `run` given to `nodeId`.
function jobNonce(w: BrokerWorld, nodeId: string, run: TestRun) {
  return w.gw.app.gateway.broker.issueJobNonce(nodeId, {
    kind: 'train',
    runId: run.runId,
    jobId: run.jobId,
    data: { digest: run.dataset.blob.digest },
  });
}

const codeOf = (res: { json<T>(): T }) => res.json<{ error: { code: string } }>().error.code;

t.test('evidence over the job nonce releases on a placed run, which then runs', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const run = await w.run(node);
  const states: string[] = [];
  const off = w.gw.app.gateway.runs.events.subscribe(run.runId, (e) => {
    if (e.type === 'state') states.push(e.state);
  });
  t.teardown(off);
  const issued = await jobNonce(w, node.id, run);
  t.equal(issued.ttlSeconds, 60, 'the broker TTL (default 60 s)');
  t.equal(await w.runState(run.runId), 'placed', 'issuing moves no run');

  const eph = generateBoxKeyPair();
  const evidence = w.evidence(node, run.runId, issued.nonce, eph);
  const res = await w.sendEvidence(node, run, evidence);
  t.equal(res.statusCode, 200);
  const body = res.json<{ wrappedKey: string }>();
  t.same(unwrapKey(base64ToBytes(body.wrappedKey) as Uint8Array, eph.secretKey), run.key);
  t.equal(await w.runState(run.runId), 'running');
  t.same(states, ['sealing', 'running'], 'placed -> sealing -> running, in order');

  const again = await w.sendEvidence(node, run, evidence);
  t.equal(again.statusCode, 409, 'the run no longer waits');
  t.equal(codeOf(again), 'KEY_RELEASE_RUN_STATE');
});

t.test('a job nonce is single use', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const run = await w.run(node, { custody: 'seller' });
  const issued = await jobNonce(w, node.id, run);
  const first = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, issued.nonce, generateBoxKeyPair()),
  );
  t.equal(first.statusCode, 202, 'seller custody: the release waits, the run stays sealing');
  const replay = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, issued.nonce, generateBoxKeyPair()),
  );
  t.equal(replay.statusCode, 403);
  t.equal(codeOf(replay), 'NONCE_REPLAYED');
});

t.test('a job nonce is bound to its node, run and job, and expires', async (t) => {
  const w = await world(t);
  if (!w) return;
  const node = await w.node();
  const other = await w.node();
  const run = await w.run(node);
  const second = await w.run(node);

  // Issued to another node for this very job (which the jobs route never does): refused by node.
  const foreign = await jobNonce(w, other.id, run);
  const wrongNode = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, foreign.nonce, generateBoxKeyPair()),
  );
  t.equal(wrongNode.statusCode, 403);
  t.equal(codeOf(wrongNode), 'NONCE_WRONG_NODE');
  t.equal(await w.runState(run.runId), 'sealing', 'the node asked about its own job: the run is sealing');

  const forSecond = await jobNonce(w, node.id, second);
  const wrongRun = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, forSecond.nonce, generateBoxKeyPair()),
  );
  t.equal(codeOf(wrongRun), 'NONCE_WRONG_RUN');

  const late = await jobNonce(w, node.id, run);
  w.clock.advance(61);
  const expired = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, late.nonce, generateBoxKeyPair()),
  );
  t.equal(expired.statusCode, 403);
  t.equal(codeOf(expired), 'NONCE_EXPIRED');

  const records = (await w.store.sublevel(RELEASES_SUBLEVEL).values().all()) as ReleaseRecord[];
  t.same(
    records.map((r) => [r.outcome, r.code]).sort(),
    [
      ['refused', 'NONCE_EXPIRED'],
      ['refused', 'NONCE_WRONG_NODE'],
      ['refused', 'NONCE_WRONG_RUN'],
    ],
    'each refusal is in the audit log with its code, and nothing was released',
  );
});
