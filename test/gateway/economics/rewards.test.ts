import t from 'tap';
import fc from 'fast-check';
import { parseEconomicsParameters } from '../../../policies/index.js';
import { blockRewards, rewardProbability } from '../../../gateway/index.js';
import type { NodeActivity } from '../../../gateway/index.js';

// The reward probabilities of DESIGN.md 9 (1%×95% on a first deployment,
// 99%×99% established, an interruption forfeits the period and multiplies by
// 1% for 100 hours) at their edges, and the sharing of a block's pool.

const params = parseEconomicsParameters({}).rewards;
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-01T00:00:00Z');
const period = (h: number) => ({ startMs: T0 + h * HOUR, endMs: T0 + (h + 1) * HOUR });
const FIRST = 9_500n * 1_000_000n; // 0.95 %, in parts per 10^12
const ESTABLISHED = 980_100n * 1_000_000n; // 98.01 %

t.test('first deployment and established', (t) => {
  const p = period(10);
  t.same(rewardProbability(params, p, { interruptionsMs: [] }), {
    basis: 'first-deployment',
    interruption: 'none',
    ppm2: FIRST,
  });
  // deployed for the first time during the period, even at its first millisecond
  t.equal(
    rewardProbability(params, p, { firstDeploymentMs: p.startMs, interruptionsMs: [] }).basis,
    'first-deployment',
  );
  t.equal(rewardProbability(params, p, { firstDeploymentMs: p.endMs - 1, interruptionsMs: [] }).ppm2, FIRST);
  // any deployment before the period: established
  const est = rewardProbability(params, p, { firstDeploymentMs: p.startMs - 1, interruptionsMs: [] });
  t.same(est, { basis: 'established', interruption: 'none', ppm2: ESTABLISHED });
  t.end();
});

t.test('an interruption in the period forfeits it', (t) => {
  const p = period(10);
  const node = (at: number) => ({ firstDeploymentMs: T0, interruptionsMs: [at] });
  t.same(rewardProbability(params, p, node(p.startMs)), {
    basis: 'established',
    interruption: 'forfeited',
    ppm2: 0n,
  });
  t.equal(rewardProbability(params, p, node(p.endMs - 1)).interruption, 'forfeited');
  // at the period's end it belongs to the next period: ignored here
  t.equal(rewardProbability(params, p, node(p.endMs)).interruption, 'none');
  // forfeiting wins over an earlier window
  t.equal(rewardProbability(params, p, { interruptionsMs: [p.startMs - HOUR, p.startMs + 5] }).ppm2, 0n);
  t.end();
});

t.test('the 100-hour window, at its edges', (t) => {
  const at = T0 + 30 * 60_000; // 00:30
  const node = { firstDeploymentMs: T0 - HOUR, interruptionsMs: [at] };
  // the period of the interruption is forfeited, the next one is multiplied by 1 %
  t.equal(rewardProbability(params, period(0), node).interruption, 'forfeited');
  const next = rewardProbability(params, period(1), node);
  t.same(next, { basis: 'established', interruption: 'window', ppm2: 980_100n * 10_000n }); // 0.9801 %
  // the last period starting inside the window starts at 100:00 (< 100:30); the one at 101:00 is free
  t.equal(rewardProbability(params, period(100), node).interruption, 'window');
  t.equal(rewardProbability(params, period(101), node).interruption, 'none');
  // exactly 100 hours after: outside (the window is half-open); 1 ms less: inside
  const exact = { startMs: at + 100 * HOUR, endMs: at + 101 * HOUR };
  t.equal(rewardProbability(params, exact, node).interruption, 'none');
  t.equal(
    rewardProbability(params, { startMs: exact.startMs - 1, endMs: exact.endMs }, node).interruption,
    'window',
  );
  // a first deployment inside the window: 1 % × 95 % × 1 %
  t.equal(rewardProbability(params, period(2), { interruptionsMs: [at] }).ppm2, 9_500n * 10_000n);
  // two interruptions in the window multiply once, the latest one sets the end
  const twice = { firstDeploymentMs: T0 - HOUR, interruptionsMs: [at, at + 50 * HOUR] };
  t.equal(rewardProbability(params, period(60), twice).ppm2, 980_100n * 10_000n);
  t.equal(rewardProbability(params, period(150), twice).interruption, 'window');
  t.equal(rewardProbability(params, period(151), twice).interruption, 'none');
  // a zero-hour window never multiplies
  const none = { ...params, interruptionHours: 0 };
  t.equal(rewardProbability(none, period(1), node).interruption, 'none');
  t.end();
});

t.test('bad periods are programming mistakes', (t) => {
  t.throws(() => rewardProbability(params, { startMs: 2, endMs: 1 }, { interruptionsMs: [] }), TypeError);
  t.throws(() => rewardProbability(params, { startMs: 0.5, endMs: 1 }, { interruptionsMs: [] }), TypeError);
  t.throws(() => blockRewards(params, period(0), -1n, []), TypeError);
  t.throws(
    () => blockRewards(params, period(0), 1n, [{ node: 'n', contribution: -1n, interruptionsMs: [] }]),
    TypeError,
  );
  t.end();
});

t.test('a block: probability × contribution / network, the rest carries over', (t) => {
  const p = period(10);
  const old = p.startMs - 10 * HOUR;
  const nodes: NodeActivity[] = [
    { node: 'a', contribution: 600n, firstDeploymentMs: old, interruptionsMs: [] },
    { node: 'b', contribution: 300n, interruptionsMs: [] }, // first deployment
    { node: 'c', contribution: 100n, firstDeploymentMs: old, interruptionsMs: [p.startMs + 1] },
    { node: 'idle', contribution: 0n, firstDeploymentMs: old, interruptionsMs: [] },
  ];
  const pool = 1_000_000_000n;
  const r = blockRewards(params, p, pool, nodes);
  t.equal(r.network, 1000n);
  t.same(
    r.rewards.map((x) => [x.node, x.amount, x.basis, x.interruption]),
    [
      ['a', 588_060_000n, 'established', 'none'], // 1e9 × 0.9801 × 0.6
      ['b', 2_850_000n, 'first-deployment', 'none'], // 1e9 × 0.0095 × 0.3
      ['c', 0n, 'established', 'forfeited'], // its share stays in the pool
    ],
  );
  t.equal(r.paid, 590_910_000n);
  t.equal(r.carry, pool - r.paid);
  // floors: 7 units shared 1:1:1 at 98.01 % → 2 each; 1 unit carries
  const floors = blockRewards(params, p, 7n, [
    { node: 'x', contribution: 1n, firstDeploymentMs: old, interruptionsMs: [] },
    { node: 'y', contribution: 1n, firstDeploymentMs: old, interruptionsMs: [] },
    { node: 'z', contribution: 1n, firstDeploymentMs: old, interruptionsMs: [] },
  ]);
  t.same(
    floors.rewards.map((x) => x.amount),
    [2n, 2n, 2n],
  );
  t.equal(floors.carry, 1n);
  // no work: everything carries over
  const idle = blockRewards(params, p, pool, [nodes[3]]);
  t.same([idle.network, idle.rewards.length, idle.paid, idle.carry], [0n, 0, 0n, pool]);
  // probabilities of 100 %: one node takes the whole pool, never more
  const all = { ...params, establishedPpm: 1_000_000 };
  t.equal(blockRewards(all, p, pool, [nodes[0]]).paid, pool);
  t.end();
});

t.test('property: rewards never exceed the pool and the carry-over is exact', (t) => {
  const arbNode = fc.record({
    node: fc.string(),
    contribution: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    firstDeploymentMs: fc.option(fc.integer({ min: T0 - 200 * HOUR, max: T0 + 200 * HOUR }), {
      nil: undefined,
    }),
    interruptionsMs: fc.array(fc.integer({ min: T0 - 200 * HOUR, max: T0 + 200 * HOUR }), { maxLength: 3 }),
  });
  fc.assert(
    fc.property(
      fc.bigInt({ min: 0n, max: 10n ** 20n }),
      fc.array(arbNode, { maxLength: 12 }),
      fc.record({
        firstDeploymentPpm: fc.integer({ min: 0, max: 1_000_000 }),
        establishedPpm: fc.integer({ min: 0, max: 1_000_000 }),
        interruptionMultiplierPpm: fc.integer({ min: 0, max: 1_000_000 }),
        interruptionHours: fc.integer({ min: 0, max: 200 }),
      }),
      (pool, nodes, rp) => {
        const clean = nodes.map(({ firstDeploymentMs, ...n }) =>
          firstDeploymentMs === undefined ? n : { ...n, firstDeploymentMs },
        );
        const r = blockRewards(rp, period(0), pool, clean);
        const sum = r.rewards.reduce((s, x) => s + x.amount, 0n);
        return (
          sum === r.paid &&
          r.paid <= r.pool &&
          r.carry === pool - r.paid &&
          r.rewards.every((x) => x.amount >= 0n && (x.interruption !== 'forfeited' || x.amount === 0n))
        );
      },
    ),
    { numRuns: 500 },
  );
  t.pass('held for 500 random blocks');
  t.end();
});
