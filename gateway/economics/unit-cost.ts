/**
 * Unit-cost adjustment (DESIGN.md 9, issue 6), pure: unit costs are re-set so
 * that every model pays a node the same return per second,
 *
 *   unitCost_m = avg_i( avg_j(unitCost_j · speed_ij) / speed_im )
 *
 * where speed_ij is the measured speed (steps per second) of model j on node
 * i. Missing pairs are filled from the reference benchmarks (see `fillSpeeds`),
 * the price level is kept (see `adjustUnitCosts`), and the result is rounded
 * to whole fiat base units, at least 1.
 */

/** A speed matrix: node id → model id → steps per second (finite, > 0). */
export type SpeedTable = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** What an adjustment reads. */
export interface UnitCostInput {
  /** The current unit cost of each model (fiat base units per step). */
  readonly unitCosts: ReadonlyMap<string, bigint>;
  /** Each model's reference benchmark speed (model.json benchmark: steps / seconds). */
  readonly benchmarks: ReadonlyMap<string, number>;
  /** Measured speeds per (node, model); missing pairs are allowed. */
  readonly speeds: SpeedTable;
}

const usable = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x) && x > 0;

/**
 * Complete the speed matrix for `models`. A node's measured pairs give its
 * factor, the geometric mean of speed_ij / benchmark_j over the models it ran;
 * a pair it never ran is benchmark_m × that factor (the speeds are modelled
 * as node factor × model factor, and the benchmark is the model factor). A
 * node with no usable measurement says nothing about relative speeds and is
 * left out. A model without a benchmark is not priced (its cost is kept).
 */
export function fillSpeeds(
  speeds: SpeedTable,
  benchmarks: ReadonlyMap<string, number>,
  models: readonly string[],
): Map<string, Map<string, number>> {
  const filled = new Map<string, Map<string, number>>();
  for (const [node, row] of speeds) {
    let logSum = 0;
    let count = 0;
    for (const m of models) {
      const s = row.get(m);
      const b = benchmarks.get(m);
      if (usable(s) && usable(b)) {
        logSum += Math.log(s / b);
        count++;
      }
    }
    if (count === 0) continue;
    const factor = Math.exp(logSum / count);
    const full = new Map<string, number>();
    for (const m of models) {
      const s = row.get(m);
      full.set(m, usable(s) ? s : (benchmarks.get(m) as number) * factor);
    }
    filled.set(node, full);
  }
  return filled;
}

/** The mean over nodes of a node's average return per second, Σ_j unitCost_j · speed_ij / M. */
function meanReturn(costs: ReadonlyMap<string, number>, speeds: Map<string, Map<string, number>>): number {
  let sum = 0;
  for (const row of speeds.values()) {
    let r = 0;
    for (const [m, c] of costs) r += c * (row.get(m) as number);
    sum += r / costs.size;
  }
  return sum / speeds.size;
}

/**
 * One step of the rule, in floating point, on a filled matrix:
 * c'_m = avg_i( avg_j(c_j · s_ij) / s_im ), then every c'_m is scaled by one
 * factor so that the network's mean return per second is what it was. The
 * rule alone is homogeneous of degree 1 and its eigenvalue is 1 only when
 * speeds are exactly node factor × model factor; with noise it drifts above
 * 1, so without the rescaling repeated adjustments would inflate every price.
 * The rescaling sets the level (the operator's business); the rule sets the
 * ratios.
 */
export function adjustStep(
  costs: ReadonlyMap<string, number>,
  speeds: Map<string, Map<string, number>>,
): Map<string, number> {
  const next = new Map<string, number>();
  for (const m of costs.keys()) {
    let sum = 0;
    for (const row of speeds.values()) {
      let avg = 0;
      for (const [j, c] of costs) avg += c * (row.get(j) as number);
      sum += avg / costs.size / (row.get(m) as number);
    }
    next.set(m, sum / speeds.size);
  }
  const scale = meanReturn(costs, speeds) / meanReturn(next, speeds);
  for (const [m, c] of next) next.set(m, c * scale);
  return next;
}

/**
 * Adjust unit costs once. Models with a benchmark and a unit cost are priced
 * together; the rest keep their cost. With no node measured, nothing changes.
 * Rounding: each new cost is rounded half up to a whole fiat base unit, and at
 * least 1 (a step is never free). That rounding is at most 0.5 / unitCost of
 * the price, so equalising to 1% needs unit costs of about 50 base units or
 * more (docs/pricing.md).
 *
 * @example
 * ```ts
 * adjustUnitCosts({ unitCosts: new Map([['a', 100n], ['b', 100n]]),
 *   benchmarks: new Map([['a', 1], ['b', 2]]),
 *   speeds: new Map([['n1', new Map([['a', 1], ['b', 2]])]]) });
 * // Map { 'a' => 150n, 'b' => 75n }: the node earns 150 a second on either model
 * ```
 */
export function adjustUnitCosts(input: UnitCostInput): Map<string, bigint> {
  const out = new Map(input.unitCosts);
  const models = [...input.unitCosts.keys()].filter((m) => usable(input.benchmarks.get(m))).sort();
  if (models.length === 0) return out;
  const speeds = fillSpeeds(input.speeds, input.benchmarks, models);
  if (speeds.size === 0) return out;
  const costs = new Map(models.map((m) => [m, Number(input.unitCosts.get(m))]));
  for (const [m, c] of adjustStep(costs, speeds)) {
    const rounded = BigInt(Math.floor(c + 0.5));
    out.set(m, rounded < 1n ? 1n : rounded);
  }
  return out;
}

/**
 * Each node's return per second on each model, unitCost_m · speed_im, over
 * the filled matrix (for reports and tests).
 */
export function returnsPerSecond(input: UnitCostInput): Map<string, Map<string, number>> {
  const models = [...input.unitCosts.keys()].filter((m) => usable(input.benchmarks.get(m))).sort();
  const speeds = fillSpeeds(input.speeds, input.benchmarks, models);
  const out = new Map<string, Map<string, number>>();
  for (const [node, row] of speeds) {
    out.set(node, new Map(models.map((m) => [m, Number(input.unitCosts.get(m)) * (row.get(m) as number)])));
  }
  return out;
}

/**
 * The spread of a node's returns across models, max / min − 1 (0 when equal),
 * and its largest value over nodes.
 */
export function returnSpread(returns: ReadonlyMap<string, ReadonlyMap<string, number>>): {
  readonly max: number;
  readonly mean: number;
  readonly perNode: Map<string, number>;
} {
  const perNode = new Map<string, number>();
  for (const [node, row] of returns) {
    const values = [...row.values()];
    if (values.length === 0) continue;
    perNode.set(node, Math.max(...values) / Math.min(...values) - 1);
  }
  const all = [...perNode.values()];
  return {
    max: all.length === 0 ? 0 : Math.max(...all),
    mean: all.length === 0 ? 0 : all.reduce((a, b) => a + b, 0) / all.length,
    perNode,
  };
}
