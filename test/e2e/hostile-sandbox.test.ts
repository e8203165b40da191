/**
 * Issue 4's hostile images, file-system and process part, on the real parts
 * (test/e2e/world.ts): a model that writes outside /sealed/output meets the
 * read-only root (EROFS) everywhere it tries, and a fork bomb meets the pids
 * limit (EAGAIN). Each is published, listed and run as a buyer would; the
 * probes are what the buyer sees; nothing is left behind.
 */
import { constants } from 'node:os';
import t from 'tap';
import { SealedWorld, metricValues, publishHostile } from './world.js';

const EROFS = -constants.errno.EROFS;
const EAGAIN = -constants.errno.EAGAIN;

t.test('hostile file-system and process models, sealed', async (t) => {
  const world = await SealedWorld.create(t);
  const writer = await publishHostile(world, 'write-outside');
  // a small time limit bounds the run should the bomb never meet its limit
  const bomb = await publishHostile(world, 'fork-bomb', { resources: { maxSeconds: 40 } });
  const dataset = await world.listDataset({ rows: 20, models: [writer.digest, bomb.digest] });
  const node = await world.node();

  t.test('write-outside: /, /model, /etc and /sealed are read-only (EROFS)', async (t) => {
    const { run, events } = await world.trade(dataset.id, writer.id);
    // the model writes sealgate-probe-PID into each of /, /model, /etc and /sealed (main.js)
    for (const metric of ['write_root', 'write_model', 'write_etc', 'write_sealed']) {
      t.same(metricValues(events, metric), [EROFS], `${metric}: the buyer sees -30 (EROFS)`);
    }
    t.equal(run.state, 'settled', 'the model reported and exited 0: the run settles');
    await world.assertClean(t, node);
  });

  t.test('fork-bomb: spawning stops at the pids limit (EAGAIN)', async (t) => {
    const { run, events } = await world.trade(dataset.id, bomb.id, { hyperparameters: { seconds: 20 } });
    t.same(metricValues(events, 'probe'), [EAGAIN], 'the buyer sees probe -11 (EAGAIN)');
    const [children] = metricValues(events, 'children');
    t.ok(children < 64, `it started fewer children (${children}) than the pids limit of 64`);
    t.ok(
      run.state === 'settled' || run.reason?.code === 'RUN_TIME_LIMIT',
      `the run settled or met its time limit (${run.state} ${JSON.stringify(run.reason ?? null)})`,
    );
    await world.assertClean(t, node);
  });
});
