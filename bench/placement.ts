/**
 * The placement benchmark (issue 6 "scheduling a run among 10 000 nodes takes
 * under 10 ms", docs/bonds-and-placement.md): the median time of one
 * placement decision over 10 000 seeded node views - `rankNodes` (eligibility,
 * score, the best k) and the scheduler's `PlacementSnapshot.allows` (the same
 * pass for an asking node) - against a plain array scan of the same nodes
 * (online and fits, counted) measured alternately in the same run, so the
 * ratio shows what eligibility and scoring cost over touching every node.
 * SEALGATE_BENCH_PLACEMENT_NODES (default 10000) nodes, 201 decisions each.
 */
import { parseEconomicsParameters } from '../policies/index.js';
import type { PlacementNode, PlacementRequest } from '../gateway/index.js';
import { PlacementSnapshot, rankNodes } from '../gateway/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';

const GIB = 2 ** 30;
const ROUNDS = 201;

// mulberry32 (Tommy Ettinger's 32-bit PRNG): a seeded stream, so every run sees the same market.
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `n` node views: most online and bonded, mixed sizes, tiers, reputations and loads. */
export function marketNodes(n: number, seed = 6): PlacementNode[] {
  const r = seeded(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `node_${String(i).padStart(6, '0')}`,
    online: r() < 0.9,
    tier: r() < 0.1 ? 'hardware' : 'software',
    capacity: {
      nanoCpus: (1 + Math.floor(r() * 32)) * 1e9,
      memoryBytes: (1 + Math.floor(r() * 64)) * GIB,
      gpus: Math.floor(r() * 3),
    },
    bond: r() < 0.85 ? 10n ** 11n : 10n ** 9n,
    penalisedOut: r() < 0.02,
    pricePpm: 800_000 + Math.floor(r() * 400_000),
    successRate: r(),
    uptime: 0.9 + r() * 0.1,
    load: r() < 0.5 ? 0 : r(),
  }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// The baseline: one plain pass over the array, the least any placement must do.
function scan(nodes: readonly PlacementNode[], q: PlacementRequest): number {
  let fit = 0;
  for (const n of nodes) {
    const c = n.capacity;
    if (n.online && c && c.nanoCpus >= q.nanoCpus && c.memoryBytes >= q.memoryBytes && c.gpus >= q.gpus)
      fit++;
  }
  return fit;
}

export const placement: Benchmark = {
  name: 'placement',
  async run(log) {
    await Promise.resolve();
    const count = Number(process.env.SEALGATE_BENCH_PLACEMENT_NODES ?? 10_000);
    const economics = parseEconomicsParameters({});
    const nodes = marketNodes(count);
    const snapshot = new PlacementSnapshot(nodes, economics);
    const r = seeded(7);
    const requests: PlacementRequest[] = Array.from({ length: ROUNDS }, () => ({
      nanoCpus: (1 + Math.floor(r() * 8)) * 1e9,
      memoryBytes: (1 + Math.floor(r() * 16)) * GIB,
      gpus: r() < 0.3 ? 1 : 0,
      minTier: 'software',
    }));
    const rank: number[] = [];
    const allows: number[] = [];
    const base: number[] = [];
    let sink = 0;
    for (const q of requests) {
      let t0 = performance.now();
      sink += scan(nodes, q);
      base.push(performance.now() - t0);
      t0 = performance.now();
      sink += rankNodes(nodes, q, economics).eligible;
      rank.push(performance.now() - t0);
      t0 = performance.now();
      sink += snapshot.allows(nodes[Math.floor(r() * count)].id, q, 0) ? 1 : 0;
      allows.push(performance.now() - t0);
    }
    log(`placement: ${count} nodes, ${ROUNDS} decisions each (checksum ${sink})`);
    const ms = (x: number): string => `${x.toFixed(2)} ms`;
    const rankMs = median(rank);
    const allowsMs = median(allows);
    const baseMs = median(base);
    const rows: BenchRow[] = [
      { metric: `rank ${count} nodes (median)`, value: ms(rankMs), target: '< 10 ms', ok: rankMs < 10 },
      {
        metric: `scheduler decision, ${count} nodes`,
        value: ms(allowsMs),
        target: '< 10 ms',
        ok: allowsMs < 10,
      },
      {
        metric: 'rank vs plain array scan',
        value: ratio(rankMs / Math.max(baseMs, 1e-6)),
        target: '',
        note: `scan ${ms(baseMs)}: eligibility and scoring over touching every node`,
      },
    ];
    return rows;
  },
};
