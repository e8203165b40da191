import t from 'tap';
import fc from 'fast-check';
import { parseEconomicsParameters } from '../../../policies/index.js';
import type { PlacementNode, PlacementRequest } from '../../../gateway/index.js';
import { ineligibility, placementScore, queueEstimate, rankNodes } from '../../../gateway/index.js';

// Eligibility, the score, the best-k ranking and the queue estimate
// (gateway/economics/placement.ts), from hand-made node views.

const params = parseEconomicsParameters({ bonds: { minimumBond: '100' } });
const request: PlacementRequest = { nanoCpus: 2e9, memoryBytes: 2 ** 30, gpus: 0, minTier: 'software' };

function node(id: string, over: Partial<PlacementNode> = {}): PlacementNode {
  return {
    id,
    online: true,
    tier: 'software',
    capacity: { nanoCpus: 4e9, memoryBytes: 8 * 2 ** 30, gpus: 0 },
    bond: 100n,
    penalisedOut: false,
    successRate: 1,
    uptime: 1,
    load: 0,
    ...over,
  };
}

t.test('eligibility: online, capable, tier, bond, not penalised out', (t) => {
  t.equal(ineligibility(node('a'), request, 100n), undefined);
  t.equal(ineligibility(node('a', { online: false }), request, 100n), 'offline');
  const { capacity: _c, ...noCapacity } = node('a');
  void _c;
  t.equal(ineligibility(noCapacity, request, 100n), 'incapable', 'no heartbeat capacity');
  t.equal(
    ineligibility(
      node('a', { capacity: { nanoCpus: 1e9, memoryBytes: 8 * 2 ** 30, gpus: 0 } }),
      request,
      100n,
    ),
    'incapable',
  );
  t.equal(ineligibility(node('a'), { ...request, gpus: 1 }, 100n), 'incapable', 'no GPU');
  t.equal(ineligibility(node('a'), { ...request, minTier: 'hardware' }, 100n), 'tier');
  t.equal(
    ineligibility(node('a', { tier: 'hardware' }), { ...request, minTier: 'hardware' }, 100n),
    undefined,
  );
  t.equal(ineligibility(node('a', { bond: 99n }), request, 100n), 'bond', 'one unit below the minimum');
  t.equal(ineligibility(node('a', { penalisedOut: true }), request, 100n), 'penalised');
  t.end();
});

t.test('the score: cheaper, more reliable and less loaded is better', (t) => {
  const w = params.placement;
  t.equal(placementScore(node('a'), w), 1, 'list price, perfect, idle');
  t.ok(placementScore(node('a', { pricePpm: 2_000_000 }), w) < 1, 'twice the list price');
  t.equal(placementScore(node('a', { pricePpm: 500_000 }), w), 1, 'below list counts as list');
  t.ok(
    placementScore(node('a', { successRate: 0.5 }), w) < placementScore(node('b', { successRate: 0.9 }), w),
  );
  t.ok(placementScore(node('a', { uptime: 0.5 }), w) < placementScore(node('b'), w));
  t.ok(placementScore(node('a', { load: 0.9 }), w) < placementScore(node('b', { load: 0.1 }), w));
  t.equal(
    placementScore(node('a'), { ...w, priceWeightPpm: 0, reputationWeightPpm: 0, loadWeightPpm: 0 }),
    0,
  );
  t.end();
});

t.test('the ranking keeps the best k, ties by id, and counts the eligible and idle', (t) => {
  const nodes = [
    node('n1', { load: 0.5 }),
    node('n2'),
    node('n3', { bond: 0n }),
    node('n4', { successRate: 0.2 }),
    node('n5'),
    node('n6', { online: false }),
  ];
  const r = rankNodes(nodes, request, params, 3);
  t.equal(r.eligible, 4);
  t.equal(r.idle, 3, 'n2, n4, n5 hold nothing');
  t.same(
    r.best.map((c) => c.id),
    ['n2', 'n5', 'n1'],
  );
  t.same(rankNodes([], request, params).best, []);
  t.equal(rankNodes(nodes, request, params, 1).best[0].id, 'n2');
  t.end();
});

t.test('property: the one-pass best k equals a full sort', (t) => {
  const arb = fc.array(
    fc.record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      online: fc.boolean(),
      bond: fc.bigInt({ min: 0n, max: 200n }),
      successRate: fc.constantFrom(0, 0.25, 0.5, 1),
      load: fc.constantFrom(0, 0.5, 1),
    }),
    { maxLength: 60 },
  );
  fc.assert(
    fc.property(arb, fc.integer({ min: 1, max: 8 }), (raw, k) => {
      const seen = new Set<string>();
      const nodes = raw.filter((r) => !seen.has(r.id) && seen.add(r.id)).map((r) => node(r.id, r));
      const got = rankNodes(nodes, request, params, k).best.map((c) => c.id);
      const want = nodes
        .filter((n) => ineligibility(n, request, 100n) === undefined)
        .map((n) => ({ id: n.id, score: placementScore(n, params.placement) }))
        .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
        .slice(0, k)
        .map((c) => c.id);
      t.same(got, want);
      return got.length === want.length && got.every((id, i) => id === want[i]);
    }),
  );
  t.end();
});

t.test('the queue estimate', (t) => {
  t.equal(queueEstimate({ eligible: 0, idle: 0 }, 5, 600), 0, 'no node: 0, and the quote says 0 nodes');
  t.equal(queueEstimate({ eligible: 4, idle: 2 }, 0, 600), 0, 'an idle node is left');
  t.equal(queueEstimate({ eligible: 4, idle: 2 }, 1, 600), 0);
  t.equal(queueEstimate({ eligible: 4, idle: 2 }, 2, 600), 600, 'the idle ones are taken: one wave');
  t.equal(queueEstimate({ eligible: 4, idle: 2 }, 5, 600), 600);
  t.equal(queueEstimate({ eligible: 4, idle: 2 }, 6, 600), 1200, 'a second wave');
  t.equal(queueEstimate({ eligible: 4, idle: 0 }, 0, 600), 600, 'all busy');
  t.end();
});
