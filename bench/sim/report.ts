/**
 * The simulator's figures (issue 6): per-node return per model before and
 * after unit-cost adjustment (the spread the rule removes), reward
 * distribution, queue times, and `ledger verify` at the end.
 */
import { ledgerSourceFromStore, returnSpread, returnsPerSecond, verifyLedger } from '../../gateway/index.js';
import type { History, Settled } from './engine.js';
import type { Market, SimOptions } from './market.js';

const HOUR = 3_600_000;
const round = (x: number, digits = 4) => Number(x.toFixed(digits));

/** One side of the spread: each node's return per second on each model, and the spread across models. */
export interface Returns {
  /** max over nodes of (a node's best model / its worst − 1). */
  readonly spreadMax: number;
  readonly spreadMean: number;
  /** node → model → fiat micro-units a second. */
  readonly perNode: Record<string, Record<string, number>>;
}

function table(returns: ReadonlyMap<string, ReadonlyMap<string, number>>): Returns {
  const spread = returnSpread(returns);
  const perNode: Record<string, Record<string, number>> = {};
  for (const [node, row] of returns)
    perNode[node] = Object.fromEntries([...row].map(([m, v]) => [m, round(v, 1)]));
  return { spreadMax: round(spread.max), spreadMean: round(spread.mean), perNode };
}

// Measured returns of the settled runs in [from, to): Σ compute / Σ seconds per (node, model).
function measured(settled: readonly Settled[], from: number, to: number): Returns {
  const sums = new Map<string, Map<string, { compute: number; seconds: number }>>();
  for (const s of settled) {
    if (s.at < from || s.at >= to) continue;
    let row = sums.get(s.node);
    if (!row) sums.set(s.node, (row = new Map<string, { compute: number; seconds: number }>()));
    const cell = row.get(s.model) ?? { compute: 0, seconds: 0 };
    row.set(s.model, { compute: cell.compute + s.compute, seconds: cell.seconds + s.seconds });
  }
  const returns = new Map(
    [...sums].map(([node, row]) => [node, new Map([...row].map(([m, c]) => [m, c.compute / c.seconds]))]),
  );
  return table(returns);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** The simulation's figures as one JSON-ready document. */
export async function report(m: Market, options: SimOptions, h: History, wallSeconds: number) {
  const benchmarks = new Map(m.models.map((x) => [x.record.id, x.benchmark]));
  const publisher = new Map(m.models.map((x) => [x.record.id, BigInt(x.record.descriptor.unitCost)]));
  const final = new Map<string, bigint>();
  for (const x of m.models) final.set(x.record.id, (await m.pricing.unitCostOf(x.record)).perStep);
  const end = m.start + options.hours * HOUR;
  const window = options.adjustHours * HOUR;
  const totalRewards = [...h.rewards.values()].reduce((a, b) => a + b, 0n);
  const sorted = [...h.queueSeconds].sort((a, b) => a - b);
  const verify = await verifyLedger(ledgerSourceFromStore(m.store), m.publicKey);
  return {
    options,
    market: {
      nodes: m.nodes.map((n) => ({
        id: n.id,
        speedFactor: round(n.factor),
        failureChance: round(n.failure),
        joinedAtHour: (n.joinsAt - m.start) / HOUR,
        done: n.done,
        interrupted: n.failed,
      })),
      models: m.models.map((x) => ({
        id: x.record.id,
        benchmarkStepsPerSecond: x.benchmark,
        publisherUnitCost: String(publisher.get(x.record.id)),
        finalUnitCost: String(final.get(x.record.id)),
      })),
    },
    runs: {
      arrived: h.arrived,
      settled: h.settled.length,
      failed: h.failed,
      requeued: h.requeued,
      unfinished: h.waiting,
    },
    returns: {
      // from the true speeds: what a node earns a second on each model at the publisher's unit costs ...
      before: table(returnsPerSecond({ unitCosts: publisher, benchmarks, speeds: m.speeds })),
      // ... and at the unit costs the adjustments left
      after: table(returnsPerSecond({ unitCosts: final, benchmarks, speeds: m.speeds })),
      // from the settlements: the first adjustment period against the last
      measuredFirstPeriod: measured(h.settled, m.start, m.start + window),
      measuredLastPeriod: measured(h.settled, end - window, end),
    },
    adjustments: { count: h.adjustments.filter((a) => a.changes > 0).length, ticks: h.adjustments.length },
    rewards: {
      blocks: h.blocks.length,
      emitted: String(h.blocks.reduce((a, b) => a + b.emission, 0n)),
      paid: String(h.blocks.reduce((a, b) => a + b.paid, 0n)),
      carry: String(m.rewards.carry),
      perNode: m.nodes.map((n) => {
        const amount = h.rewards.get(n.id) ?? 0n;
        const share = totalRewards === 0n ? 0 : Number((amount * 1_000_000n) / totalRewards) / 1_000_000;
        return { node: n.id, amount: String(amount), share };
      }),
    },
    queue: {
      runs: sorted.length,
      meanSeconds: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), 1),
      p50Seconds: round(percentile(sorted, 0.5), 1),
      p95Seconds: round(percentile(sorted, 0.95), 1),
      maxSeconds: round(sorted.at(-1) ?? 0, 1),
    },
    penalties: { proposed: h.penalties },
    ledger: {
      ok: verify.ok,
      entries: verify.entries,
      blocks: verify.blocks,
      problems: verify.problems.slice(0, 5).map((p) => `${p.code}: ${p.message}`),
    },
    wallSeconds: round(wallSeconds, 2),
  };
}

export type SimReport = Awaited<ReturnType<typeof report>>;
