/**
 * PricingService on a real store (LevelDB in a temp dir, no gateway): speeds
 * folded from receipts, an adjustment written with its record (which model,
 * old → new, when), quotes' unit cost from it, the timer injected, and
 * nothing written when no cost moves. Models are synthetic records shaped
 * as gateway/models/record.ts says.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { parseModelDescriptor } from '../../../policies/index.js';
import type { ModelRecord, SpeedEstimate } from '../../../gateway/index.js';
import {
  MODELS_SUBLEVEL,
  PricingService,
  SPEEDS_SUBLEVEL,
  Store,
  put,
  speedOf,
} from '../../../gateway/index.js';

const T0 = new Date('2030-01-01T00:00:00.000Z');

function model(
  id: string,
  unitCost: string,
  benchmarkSteps: number,
  status: ModelRecord['status'] = 'published',
): ModelRecord {
  return {
    id,
    publisher: 'acct_p',
    descriptor: parseModelDescriptor({
      name: id,
      version: '1.0.0',
      entrypoints: { train: ['/bin/train'] },
      metrics: ['loss'],
      unitCost,
      baseFee: '0',
      benchmark: { steps: benchmarkSteps, seconds: 1 },
    }),
    image: { digest: `sha256:${'a'.repeat(64)}` },
    status,
    createdAt: T0.toISOString(),
    updatedAt: T0.toISOString(),
  };
}

async function open(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-pricing-'));
  const store = await Store.open(dir);
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  let now = T0.getTime();
  const pricing = new PricingService(store, () => new Date(now));
  return { store, pricing, advance: (ms: number) => void (now += ms) };
}

t.test('receipts, an adjustment, and the unit cost a quote uses', async (t) => {
  const { store, pricing, advance } = await open(t);
  const a = model('mdl_a', '100', 1); // reference: 1 step/s
  const b = model('mdl_b', '100', 2); // reference: 2 steps/s
  const old = model('mdl_old', '5', 1, 'deprecated');
  await store.exclusive(() =>
    store.write([a, b, old].map((m) => put(store.sublevel(MODELS_SUBLEVEL), m.id, m))),
  );
  t.same(await pricing.unitCostOf(a), { perStep: 100n, adjustment: null }, "the publisher's to start with");
  t.equal(await pricing.adjust(), undefined, 'no speeds yet: nothing moves, nothing is written');

  // node n1 runs a at 1 step/s and b at 2 steps/s (the reference's ratio)
  await store.exclusive(async () => {
    await store.write([
      await pricing.observeLocked('n1', a, { steps: 600, seconds: 600 }),
      await pricing.observeLocked('n1', b, { steps: 1200, seconds: 600 }),
    ]);
  });
  const speeds = await pricing.speeds();
  t.equal(speedOf(speeds.get('n1')?.get('mdl_b')), 2);
  const stored = await store.get<SpeedEstimate>(store.sublevel(SPEEDS_SUBLEVEL), 'n1/mdl_b');
  t.equal(stored?.samples, 1);

  advance(86_400_000);
  const first = await pricing.adjust();
  t.same(first, {
    id: 'uca_0000000001',
    at: '2030-01-02T00:00:00.000Z',
    nodes: 1,
    changes: [
      { model: 'mdl_a', from: '100', to: '150' },
      { model: 'mdl_b', from: '100', to: '75' },
    ],
  });
  t.same(await pricing.unitCostOf(a), { perStep: 150n, adjustment: 'uca_0000000001' });
  t.same(
    await pricing.unitCostOf(old),
    { perStep: 5n, adjustment: null },
    'deprecated models are left alone',
  );
  t.equal(await pricing.adjust(), undefined, 'balanced: the next adjustment moves nothing');
  t.same(
    (await pricing.adjustments()).map((x) => x.id),
    ['uca_0000000001'],
  );

  // the node turns out slower on b: b's cost rises, a's falls, the record names both
  await store.exclusive(async () => {
    for (let i = 0; i < 20; i++)
      await store.write([await pricing.observeLocked('n1', b, { steps: 600, seconds: 600 })]);
  });
  advance(86_400_000);
  const second = await pricing.adjust();
  t.equal(second?.id, 'uca_0000000002');
  t.same(
    second?.changes.map((c) => c.model),
    ['mdl_a', 'mdl_b'],
  );
  t.same(
    (await pricing.adjustments(1)).map((x) => x.id),
    ['uca_0000000002'],
    'newest first',
  );
});

t.test('the timer is injectable and adjusts on each tick', async (t) => {
  const { pricing } = await open(t);
  let tick: (() => void) | undefined;
  let stopped = false;
  const stop = pricing.start(86_400_000, (fn, ms) => {
    t.equal(ms, 86_400_000);
    tick = fn;
    return () => void (stopped = true);
  });
  t.ok(tick, 'scheduled');
  tick?.();
  stop();
  t.ok(stopped);
  // the real timer starts and stops
  pricing.start(2 ** 40)();
});
