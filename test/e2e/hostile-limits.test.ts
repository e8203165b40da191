/**
 * Issue 4's hostile images, resource limits, on the real parts
 * (test/e2e/world.ts): a memory bomb is killed at the memory limit and the
 * run fails with RUN_OOM; a model that never ends is killed at its time
 * limit and the run fails with RUN_TIME_LIMIT. The buyer is refunded, and
 * nothing is left behind.
 */
import t from 'tap';
import { SealedWorld, metricValues, publishHostile } from './world.js';

t.test('hostile resource models, sealed', async (t) => {
  const world = await SealedWorld.create(t);
  const memory = await publishHostile(world, 'memory-bomb');
  const endless = await publishHostile(world, 'never-ends', { resources: { maxSeconds: 3 } });
  const dataset = await world.listDataset({ rows: 20, models: [memory.digest, endless.digest] });
  const node = await world.node();

  t.test('memory-bomb: killed at the memory limit, the run fails RUN_OOM', async (t) => {
    const { run, events } = await world.trade(dataset.id, memory.id);
    t.equal(run.state, 'failed', 'the run failed');
    t.equal(run.reason?.code, 'RUN_OOM', JSON.stringify(run.reason ?? null));
    t.same(metricValues(events, 'probe'), [], 'it never finished: no probe');
    const allocated = metricValues(events, 'allocated_mib');
    t.ok(
      allocated.every((mib) => mib <= 256),
      `it never held more than its 256 MiB (${allocated.join(', ')})`,
    );
    t.ok(run.settlement === undefined, 'nothing was paid out');
    await world.assertClean(t, node);
  });

  t.test('never-ends: killed at its 3 s time limit, the run fails RUN_TIME_LIMIT', async (t) => {
    const { run, events } = await world.trade(dataset.id, endless.id);
    t.equal(run.state, 'failed', 'the run failed');
    t.equal(run.reason?.code, 'RUN_TIME_LIMIT', JSON.stringify(run.reason ?? null));
    const ticks = metricValues(events, 'tick');
    t.ok(
      ticks.every((s) => s <= 3),
      `no tick after the limit (${ticks.join(', ')})`,
    );
    await world.assertClean(t, node);
  });
});
