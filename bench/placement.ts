/**
 * The placement benchmark (issue 6 "scheduling a run among 10 000 nodes takes
 * under 10 ms", docs/bonds-and-placement.md): the median time of one
 * placement decision over 10 000 seeded node views - `rankNodes` (eligibility,
 * score, the best k) and the scheduler's `PlacementSnapshot.allows` (the same
 * pass for an asking node) - against a plain array scan of the same nodes
 * (online and fits, counted) measured alternately in the same run, so the
 * ratio shows what eligibility and scoring cost over touching every node.
 * End to end: the same decision as the gateway makes it on a claim
 * - the snapshot (every node record, the active jobs, bonds and debt from the
 * ledger, open penalties) and the ranking - over a real LevelDB store seeded
 * with as many nodes (placement-store.ts), once read from the store on every
 * decision (the path before the in-memory directory) and once from the in-memory directory
 * (PlacementIndex), each with its ratio to the pure ranking of the same run.
 * SEALGATE_BENCH_PLACEMENT_NODES (default 10000) nodes, 201 decisions each
 * (21 end to end).
 */
import { parseEconomicsParameters } from '../policies/index.js';
import type { PlacementNode, PlacementRequest } from '../gateway/index.js';
import { PlacementSnapshot, placementSnapshot, rankNodes } from '../gateway/index.js';
import { PlacementIndex } from '../gateway/bonds/placement-index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';
import { seededStore } from './placement-store.js';

const GIB = 2 ** 30;
const ROUNDS = 201;
const E2E_ROUNDS = 21;

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
    rows.push(...(await endToEnd(count, economics, ms)));
    return rows;
  },
};

// One scheduling decision as the gateway makes it (snapshot + rank for a job), from LevelDB and from memory.
async function endToEnd(
  count: number,
  economics: ReturnType<typeof parseEconomicsParameters>,
  ms: (x: number) => string,
): Promise<BenchRow[]> {
  const seeded7 = seeded(8);
  const t = performance.now();
  const w = await seededStore(count, seeded7);
  const seedMs = performance.now() - t;
  try {
    const deps = { store: w.store, ledger: w.ledger, economics, now: w.now, nodeTimeoutSeconds: 90 };
    let t0 = performance.now();
    const index = await PlacementIndex.open(deps);
    const openMs = performance.now() - t0;
    const q: PlacementRequest = { nanoCpus: 1e9, memoryBytes: 2 ** 30, gpus: 0, minTier: 'software' };
    const fromStore: number[] = [];
    const fromMemory: number[] = [];
    const rank: number[] = [];
    let sink = 0;
    for (let i = 0; i < E2E_ROUNDS; i++) {
      const asker = w.ids[Math.floor(seeded7() * count)];
      t0 = performance.now();
      sink += (await placementSnapshot(deps)).allows(asker, q, 0) ? 1 : 0;
      fromStore.push(performance.now() - t0);
      t0 = performance.now();
      const snap = await index.snapshot();
      sink += snap.allows(asker, q, 0) ? 1 : 0;
      fromMemory.push(performance.now() - t0);
      t0 = performance.now();
      sink += rankNodes(snap.nodes, q, economics).eligible;
      rank.push(performance.now() - t0);
    }
    index.close();
    const [storeMs, memoryMs, rankMs] = [median(fromStore), median(fromMemory), median(rank)];
    const vs = (x: number): string => `${ratio(x / Math.max(rankMs, 1e-6))} the pure ranking (${ms(rankMs)})`;
    return [
      {
        metric: `decision read from LevelDB, ${count} nodes`,
        value: ms(storeMs),
        target: '',
        note: `${vs(storeMs)}; the store path, kept for reference (checksum ${sink})`,
      },
      {
        metric: `decision from the in-memory directory, ${count} nodes`,
        value: ms(memoryMs),
        target: '< 10 ms',
        ok: memoryMs < 10,
        note: `${vs(memoryMs)}; what a claim and a quote cost now`,
      },
      {
        metric: 'in-memory directory: first read at start',
        value: ms(openMs),
        target: '',
        note: `store seeded in ${(seedMs / 1000).toFixed(1)} s`,
      },
    ];
  } finally {
    await w.close();
  }
}
