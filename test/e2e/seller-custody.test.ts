/**
 * Seller-held custody on the real parts (issue 4): the sealed container waits
 * for its key; the gateway never holds it. The run proceeds only after the
 * seller's own client has checked the evidence and the inspect document with
 * attest/ and policies/ on the seller's machine and wrapped the key itself.
 */
import t from 'tap';
import { approvePending, getRun, pendingReleases } from '../../client/index.js';
import { REFERENCE_MODEL, SealedWorld } from './world.js';

t.test('seller custody: the run waits for the seller, then proceeds', async (t) => {
  const world = await SealedWorld.create(t);
  const model = await world.publishModel(REFERENCE_MODEL, 'sealgate-test/reference:e2e');
  const dataset = await world.listDataset({ rows: 300, models: [model.digest], custody: 'seller' });
  const node = await world.node();
  const run = await world.startRun(dataset.id, model.id, 20);

  let pending = await pendingReleases(world.seller.client);
  for (let i = 0; i < 600 && pending.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
    pending = await pendingReleases(world.seller.client);
  }
  t.equal(pending.length, 1, 'one release waits for the seller');
  t.equal(pending[0].runId, run.id);
  // Give the node time to poll a few times: nothing may move without the seller.
  await new Promise((r) => setTimeout(r, 2000));
  t.equal((await getRun(world.buyer.client, run.id)).state, 'sealing', 'the run waits in sealing');
  t.notOk(
    node.events.some((e) => e.kind === 'key-released'),
    'no key reached the container',
  );

  const outcomes = await approvePending(world.seller.client, world.sellerHome);
  t.same(
    outcomes.map((o) => o.outcome),
    ['approved'],
    'the seller checked the evidence locally and approved',
  );
  const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled', 'flagged']);
  t.equal(
    done.state,
    'settled',
    `then the run proceeded and settled (${JSON.stringify(done.reason ?? null)})`,
  );
  t.ok(node.events.some((e) => e.kind === 'key-released'));
  t.equal(await world.containersLeft(), 0, 'no container left behind');
});
