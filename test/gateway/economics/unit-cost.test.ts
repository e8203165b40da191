/**
 * Unit-cost adjustment (DESIGN.md 9, issue 6): on a seeded randomised market
 * (speeds = node factor × model factor × noise) iterating the rule converges
 * and equalises each node's return per second across models within 1%; a
 * fast-check property does the same over random seeds and shapes. Markets
 * come from the generator below (mulberry32), not from recorded data.
 */
import t from 'tap';
import fc from 'fast-check';
import type { UnitCostInput } from '../../../gateway/index.js';
import {
  adjustStep,
  adjustUnitCosts,
  fillSpeeds,
  returnSpread,
  returnsPerSecond,
} from '../../../gateway/index.js';

// mulberry32 (Tommy Ettinger's 32-bit generator): a seeded uniform [0, 1)
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

interface MarketShape {
  readonly nodes: number;
  readonly models: number;
  /** Multiplicative noise per (node, model), ± this fraction. */
  readonly noise: number;
  /** Fraction of (node, model) pairs never measured. */
  readonly missing: number;
}

/** A market: node factors 0.5-4, model factors 0.1-10 (the benchmark), publisher costs 100-100 000. */
function market(seed: number, shape: MarketShape): UnitCostInput {
  const r = rng(seed);
  const modelIds = Array.from({ length: shape.models }, (_, j) => `m${j}`);
  const benchmarks = new Map(modelIds.map((m) => [m, 0.1 * 100 ** r()]));
  const unitCosts = new Map(modelIds.map((m) => [m, BigInt(Math.floor(100 * 1000 ** r()))]));
  const speeds = new Map<string, Map<string, number>>();
  for (let i = 0; i < shape.nodes; i++) {
    const nodeFactor = 0.5 * 8 ** r();
    const row = new Map<string, number>();
    for (const m of modelIds) {
      const s = nodeFactor * (benchmarks.get(m) as number) * (1 + shape.noise * (2 * r() - 1));
      if (r() >= shape.missing) row.set(m, s);
    }
    speeds.set(`n${i}`, row);
  }
  return { unitCosts, benchmarks, speeds };
}

/**
 * Iterate the rule until it has converged: no cost moves by more than one base unit or 0.01%
 * (rounding to whole base units leaves the level wandering by about a unit a round), or `limit`
 * rounds. Returns the costs and the rounds it took.
 */
function iterate(input: UnitCostInput, limit = 50) {
  let costs = input.unitCosts;
  for (let round = 1; round <= limit; round++) {
    const next = adjustUnitCosts({ ...input, unitCosts: costs });
    const moved = [...next].some(([m, c]) => {
      const d = Number(c - (costs.get(m) as bigint));
      return Math.abs(d) > 1 && Math.abs(d) / Number(c) > 1e-4;
    });
    costs = next;
    if (!moved) return { costs, rounds: round };
  }
  return { costs, rounds: limit + 1 };
}

t.test('the worked example: one node, two models', (t) => {
  const out = adjustUnitCosts({
    unitCosts: new Map([
      ['a', 100n],
      ['b', 100n],
    ]),
    benchmarks: new Map([
      ['a', 1],
      ['b', 2],
    ]),
    speeds: new Map([
      [
        'n1',
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ],
    ]),
  });
  t.same(
    [...out],
    [
      ['a', 150n],
      ['b', 75n],
    ],
  );
  t.end();
});

t.test('a seeded market of 12 nodes × 6 models converges and equalises within 1%', (t) => {
  const input = market(20261129, { nodes: 12, models: 6, noise: 0.002, missing: 0.25 });
  const before = returnSpread(returnsPerSecond(input));
  t.ok(
    before.max > 1,
    `publisher prices: a node's best model pays ${(before.max + 1).toFixed(1)}x its worst`,
  );
  const { costs, rounds } = iterate(input);
  t.ok(rounds <= 5, `converged in ${rounds} rounds`);
  const after = returnSpread(returnsPerSecond({ ...input, unitCosts: costs }));
  t.ok(after.max < 0.01, `every node's returns within 1% (worst ${(after.max * 100).toFixed(3)}%)`);
  // at the fixed point, ten more adjustments move no cost by more than 0.1%
  let later = costs;
  for (let i = 0; i < 10; i++) later = adjustUnitCosts({ ...input, unitCosts: later });
  t.ok([...later].every(([m, c]) => Math.abs(Number(c) / Number(costs.get(m)) - 1) < 1e-3));
  t.end();
});

t.test('the price level is kept: the mean return per second does not move', (t) => {
  const input = market(7, { nodes: 8, models: 5, noise: 0.05, missing: 0 });
  const mean = (costs: ReadonlyMap<string, bigint>) => {
    const rows = [...returnsPerSecond({ ...input, unitCosts: costs }).values()];
    return (
      rows.reduce((s, row) => s + [...row.values()].reduce((a, b) => a + b, 0) / row.size, 0) / rows.length
    );
  };
  const { costs } = iterate(input, 30);
  t.ok(Math.abs(mean(costs) / mean(input.unitCosts) - 1) < 1e-3, 'the level stays within rounding');
  // the bare rule (no rescaling) has an eigenvalue above 1 on a noisy market: the level would creep up
  const speeds = fillSpeeds(input.speeds, input.benchmarks, [...input.unitCosts.keys()]);
  const level = (c: ReadonlyMap<string, number>) =>
    [...speeds.values()].reduce(
      (s, row) => s + [...c].reduce((a, [m, x]) => a + x * (row.get(m) as number), 0),
      0,
    );
  let bare = new Map([...input.unitCosts].map(([m, c]) => [m, Number(c)]));
  const start = level(bare);
  for (let i = 0; i < 20; i++) {
    const prev = bare;
    bare = new Map(
      [...prev.keys()].map((m) => {
        let sum = 0;
        for (const row of speeds.values()) {
          const avg = [...prev].reduce((a, [j, c]) => a + c * (row.get(j) as number), 0) / prev.size;
          sum += avg / (row.get(m) as number);
        }
        return [m, sum / speeds.size];
      }),
    );
  }
  t.ok(level(bare) > start * 1.0001, `the bare rule moved the level by ${(level(bare) / start - 1) * 100}%`);
  const kept = adjustStep(new Map([...input.unitCosts].map(([m, c]) => [m, Number(c)])), speeds);
  t.ok(Math.abs(level(kept) / start - 1) < 1e-12, 'adjustStep keeps it exactly (in floating point)');
  t.end();
});

t.test('missing pairs are filled from the benchmark and the node factor', (t) => {
  const speeds = new Map([
    ['n1', new Map([['a', 4]])], // a node 2x the reference on a
    ['n2', new Map<string, number>()], // never ran anything: left out
  ]);
  const filled = fillSpeeds(
    speeds,
    new Map([
      ['a', 2],
      ['b', 10],
    ]),
    ['a', 'b'],
  );
  t.same([...filled.keys()], ['n1']);
  t.equal(filled.get('n1')?.get('b'), 20, 'b at the node factor 2 × its benchmark 10');
  t.end();
});

t.test('nothing to learn from changes nothing; unbenchmarked models keep their cost', (t) => {
  const unitCosts = new Map([
    ['a', 100n],
    ['b', 7n],
  ]);
  const none = adjustUnitCosts({ unitCosts, benchmarks: new Map([['a', 1]]), speeds: new Map() });
  t.same(none, unitCosts, 'no node measured');
  const some = adjustUnitCosts({
    unitCosts,
    benchmarks: new Map([['a', 1]]),
    speeds: new Map([
      [
        'n',
        new Map([
          ['a', 3],
          ['b', 1],
        ]),
      ],
    ]),
  });
  t.equal(some.get('b'), 7n, 'b has no benchmark: kept');
  t.equal(some.get('a'), 100n, 'a alone is its own average');
  const empty = adjustUnitCosts({
    unitCosts: new Map([['b', 7n]]),
    benchmarks: new Map(),
    speeds: new Map(),
  });
  t.same(empty, new Map([['b', 7n]]));
  t.end();
});

t.test('a cost never rounds below one base unit', (t) => {
  const out = adjustUnitCosts({
    unitCosts: new Map([
      ['slow', 1n],
      ['fast', 1n],
    ]),
    benchmarks: new Map([
      ['slow', 1],
      ['fast', 1000],
    ]),
    speeds: new Map([
      [
        'n',
        new Map([
          ['slow', 1],
          ['fast', 1000],
        ]),
      ],
    ]),
  });
  t.equal(out.get('fast'), 1n);
  t.ok((out.get('slow') as bigint) > 1n);
  t.end();
});

t.test('property: any seeded market converges and equalises within 1%', (t) => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 8 }),
      fc.double({ min: 0, max: 0.5, noNaN: true }),
      (seed, nodes, models, missing) => {
        const input = market(seed, { nodes, models, noise: 0.002, missing });
        const { costs, rounds } = iterate(input);
        if (rounds > 10) return false;
        return returnSpread(returnsPerSecond({ ...input, unitCosts: costs })).max < 0.01;
      },
    ),
    { numRuns: 200, seed: 6 },
  );
  t.pass('200 markets');
  t.end();
});

t.test('returnSpread of nothing is 0', (t) => {
  t.same(returnSpread(new Map([['n', new Map()]])), { max: 0, mean: 0, perNode: new Map() });
  t.end();
});
