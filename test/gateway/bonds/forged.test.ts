/**
 * The key broker as a penalty detector (docs/bonds-and-placement.md): evidence
 * judged false (a forged signature) proposes a forged-evidence penalty on the
 * node in the same batch as the refusal's audit record, once per job; a
 * refusal that is not a lie (stale evidence) proposes nothing. The world is
 * the broker's own (test/gateway/broker/world.ts: real LevelDB, a real
 * dockerd inspect document); without dockerd the test is skipped there.
 */
import t from 'tap';
import { base64ToBytes } from '../../../attest/index.js';
import type { PenaltyRecord } from '../../../gateway/index.js';
import { nodePenalties } from '../../../gateway/index.js';
import { sealedInspect } from '../broker/inspect.js';
import { BrokerWorld, generateBoxKeyPair } from '../broker/world.js';

t.test('forged evidence proposes a penalty; stale evidence does not', async (t) => {
  const inspect = await sealedInspect(t);
  if (inspect === undefined) return;
  const w = await BrokerWorld.create(t, inspect);
  const eph = generateBoxKeyPair();

  const stale = await w.node();
  const staleRun = await w.run(stale);
  const old = w.evidence(stale, staleRun.runId, await w.nonce(stale, staleRun), eph, {
    time: Math.floor(w.clock.ms / 1000) - 3600,
  });
  t.equal((await w.sendEvidence(stale, staleRun, old)).statusCode, 403);
  t.same(await nodePenalties(w.store, stale.id), [], 'EVIDENCE_STALE is not a lie: no penalty');

  const node = await w.node();
  const run = await w.run(node);
  const forge = async () => {
    const ev = w.evidence(node, run.runId, await w.nonce(node, run), eph);
    const sig = base64ToBytes(ev.signature) as Uint8Array;
    sig[0] ^= 1;
    return w.sendEvidence(node, run, { ...ev, signature: Buffer.from(sig).toString('base64') });
  };
  t.equal((await forge()).statusCode, 403);
  const [penalty] = await nodePenalties(w.store, node.id);
  t.match(penalty, {
    id: `pen_forged-evidence_${run.jobId}`,
    nodeId: node.id,
    cause: 'forged-evidence',
    runId: run.runId,
    jobId: run.jobId,
    code: 'EVIDENCE_BAD_SIGNATURE',
    state: 'proposed',
  } satisfies Partial<PenaltyRecord>);
  t.equal((await forge()).statusCode, 403);
  t.equal(
    (await nodePenalties(w.store, node.id)).length,
    1,
    'a second forgery on the same job proposes nothing new',
  );
  const out = await w.gw.app.gateway.bonds.penalisedOut([node.id, stale.id]);
  t.same([...out], [node.id], 'the node is out while the penalty is pending');
});
