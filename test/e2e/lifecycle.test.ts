/**
 * The container engine's lifecycle from the buyer's side (issue 4): pause
 * freezes a running sealed container and resume lets it finish; cancel stops
 * it, the buyer is refunded in full, and nothing is left on the node.
 */
import { join } from 'node:path';
import t from 'tap';
import { myBalance } from '../../client/index.js';
import { SealedWorld, slowModel } from './world.js';

type Test = Parameters<Parameters<typeof t.test>[0]>[0];

t.test('pause, resume and cancel a running sealed run', async (t) => {
  const world = await SealedWorld.create(t);
  const model = await world.publishModel(
    await slowModel(join(world.dir, 'slow'), 3),
    'sealgate-test/slow:e2e',
  );
  const dataset = await world.listDataset({ rows: 20, models: [model.digest] });
  await world.node();
  const container = async (runId: string) => {
    const [c] = await world.docker.listContainers({
      all: true,
      filters: { label: [`sealgate.run=${runId}`] },
    });
    return c
      ? ((await world.docker.getContainer(c.Id).inspect()) as { State: { Paused: boolean } })
      : undefined;
  };
  const waitFor = async (t: Test, what: () => Promise<boolean>, label: string): Promise<void> => {
    for (let i = 0; i < 300; i++) {
      if (await what()) {
        t.pass(label);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    t.fail(label);
  };

  await t.test('pause freezes the container, resume lets the run finish', async (t) => {
    const run = await world.startRun(dataset.id, model.id, 6);
    await world.waitRun(run.id, ['running']);
    await world.buyer.client.request('POST', `/v1/runs/${run.id}/pause`, { body: {}, signed: true });
    await waitFor(
      t,
      async () => (await container(run.id))?.State.Paused === true,
      'the node paused the container',
    );
    await world.buyer.client.request('POST', `/v1/runs/${run.id}/resume`, { body: {}, signed: true });
    await waitFor(t, async () => (await container(run.id))?.State.Paused === false, 'and resumed it');
    const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled']);
    t.equal(done.state, 'settled', JSON.stringify(done.reason ?? null));
  });

  await t.test('cancel stops the container and refunds the buyer in full', async (t) => {
    const before = (await myBalance(world.buyer.client)).balance;
    const run = await world.startRun(dataset.id, model.id, 6);
    await world.waitRun(run.id, ['running']);
    await world.buyer.client.request('POST', `/v1/runs/${run.id}/cancel`, { body: {}, signed: true });
    const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled'], 60_000);
    t.equal(done.state, 'cancelled');
    await waitFor(t, async () => (await container(run.id)) === undefined, 'the container is gone');
    t.equal((await myBalance(world.buyer.client)).balance, before, 'the buyer has every token back');
  });
  t.equal(await world.containersLeft(), 0, 'no container left behind');
});
