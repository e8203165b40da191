/**
 * Placement in the scheduler (docs/bonds-and-placement.md): with
 * `placement.candidates` 1, a node gets a queued run only while it is the
 * best-scoring eligible node (ties by id), a loaded node yields to an idle
 * one, and a run that has waited `patienceSeconds` goes to any eligible node
 * that asks. One market on loopback, frozen clock.
 */
import t from 'tap';
import type { WireJob } from '../../../gateway/index.js';
import { credit } from '../runs/market.js';
import type { FakeNode } from '../nodes/fixture.js';
import { nodeMarket } from '../nodes/fixture.js';

async function takeJob(node: FakeNode): Promise<WireJob | undefined> {
  const res = await node.call('GET', '/v1/node/jobs?waitSeconds=0');
  if (res.status === 204) return undefined;
  if (res.status !== 200) throw new Error(`jobs: ${res.status} ${res.body.toString()}`);
  return res.json<{ job: WireJob }>().job;
}

t.test('only the best candidates get a run, until it has waited long enough', async (t) => {
  const m = await nodeMarket(t, {
    economics: { bonds: { minimumBond: '100' }, placement: { candidates: 1, patienceSeconds: 60 } },
  });
  await credit(m.gw, m.miner.id, 1000n);
  const [x, y] = [await m.node(), await m.node()];
  for (const n of [x, y]) {
    const res = await m.as(m.miner, 'POST', `/v1/nodes/${n.nodeId}/bond`, { amount: '100' });
    t.equal(res.statusCode, 201);
  }
  const [best, other] = x.nodeId < y.nodeId ? [x, y] : [y, x];

  const run1 = await m.startRun();
  const q = await m.as(m.buyer, 'POST', '/v1/quotes', {
    dataset: run1.dataset,
    model: run1.model,
    steps: 10,
  });
  t.match(
    q.json(),
    { nodeCount: 2, candidates: [{ id: best.nodeId }, { id: other.nodeId }] },
    'equal scores: by id',
  );
  t.equal(await takeJob(other), undefined, 'not the best candidate: nothing');
  t.equal((await takeJob(best))?.runId, run1.id, 'the best candidate gets it');

  const run2 = await m.startRun();
  t.equal(await takeJob(best), undefined, 'now loaded, it yields to the idle node');
  t.equal((await takeJob(other))?.runId, run2.id);

  const run3 = await m.startRun();
  t.equal(await takeJob(other), undefined, 'equally loaded again: the id breaks the tie');
  m.advance(61_000);
  await best.heartbeat([run1.id]);
  await other.heartbeat([run2.id]);
  t.equal((await takeJob(other))?.runId, run3.id, 'after patienceSeconds any eligible node may take it');
});
