/**
 * Unit costs in the gateway (DESIGN.md 9, issue 6): measured speeds per
 * (node, model) from usage receipts, the unit-cost adjustment on the
 * operator's interval, and a record of every adjustment so a quote can say
 * which unit cost it used. The publisher's `unitCost` is the starting point;
 * the adjusted cost lives beside the model, never in its descriptor.
 */
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import type { SpeedEstimate } from '../economics/index.js';
import { adjustUnitCosts, benchmarkSpeed, observeSpeed, speedOf } from '../economics/index.js';
import type { ModelRecord } from '../models/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';

/** Speeds: `${nodeId}/${modelId}` → SpeedEstimate. */
export const SPEEDS_SUBLEVEL = 'pricing-speeds';
/** Current unit costs: model id → UnitCostRecord (absent: the publisher's). */
export const UNIT_COSTS_SUBLEVEL = 'pricing-unit-costs';
/** Adjustments: id (`uca_` + 10-digit sequence) → AdjustmentRecord. */
export const ADJUSTMENTS_SUBLEVEL = 'pricing-adjustments';

/** A model's current unit cost, set by an adjustment. */
export interface UnitCostRecord {
  readonly model: string;
  /** Fiat base units per step (decimal string). */
  readonly unitCost: string;
  readonly adjustment: string;
  readonly at: string;
}

/** One adjustment: when, and each model whose cost moved, old → new. */
export interface AdjustmentRecord {
  readonly id: string;
  readonly at: string;
  /** Nodes whose speeds were used (at least one measured pair each). */
  readonly nodes: number;
  readonly changes: { readonly model: string; readonly from: string; readonly to: string }[];
}

/** The unit cost a quote uses. */
export interface CurrentUnitCost {
  readonly perStep: bigint;
  /** The adjustment that set it, or null for the publisher's own. */
  readonly adjustment: string | null;
}

/** Schedules `fn` every `ms`; returns how to stop. Injectable so tests drive adjustments by hand. */
export type Every = (fn: () => void, ms: number) => () => void;

/** setInterval, unref'd, capped at its 2^31 − 1 ms maximum. */
export const realEvery: Every = (fn, ms) => {
  const timer = setInterval(fn, Math.min(ms, 2 ** 31 - 1));
  timer.unref();
  return () => clearInterval(timer);
};

const speedKey = (node: string, model: string) => `${node}/${model}`;
const adjustmentId = (n: number) => `uca_${String(n).padStart(10, '0')}`;

/** Speeds, unit costs and their adjustments over the gateway's store. */
export class PricingService {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {}

  /** The unit cost a quote for `model` uses now. */
  async unitCostOf(model: Pick<ModelRecord, 'id' | 'descriptor'>): Promise<CurrentUnitCost> {
    const stored = await this.store.get<UnitCostRecord>(this.store.sublevel(UNIT_COSTS_SUBLEVEL), model.id);
    return stored
      ? { perStep: BigInt(stored.unitCost), adjustment: stored.adjustment }
      : { perStep: BigInt(model.descriptor.unitCost), adjustment: null };
  }

  /**
   * The op that folds a usage receipt (steps, node-reported duration) into the
   * speed of `model` on `node`. The caller holds the store's lock and writes the
   * op in its own batch (completion writes it with the run's settlement).
   */
  async observeLocked(
    node: string,
    model: Pick<ModelRecord, 'id' | 'descriptor'>,
    receipt: { readonly steps: number; readonly seconds: number },
  ): Promise<BatchOp> {
    const sub = this.store.sublevel(SPEEDS_SUBLEVEL);
    const key = speedKey(node, model.id);
    const previous = await this.store.get<SpeedEstimate>(sub, key);
    const reference = benchmarkSpeed(model.descriptor.benchmark);
    return put(sub, key, observeSpeed(previous, receipt, reference, this.now()));
  }

  /** Every stored speed estimate, as node → model → estimate. */
  async speeds(): Promise<Map<string, Map<string, SpeedEstimate>>> {
    const out = new Map<string, Map<string, SpeedEstimate>>();
    for await (const [key, value] of this.store.sublevel(SPEEDS_SUBLEVEL).iterator()) {
      const slash = key.lastIndexOf('/');
      const node = key.slice(0, slash);
      let row = out.get(node);
      if (!row) out.set(node, (row = new Map<string, SpeedEstimate>()));
      row.set(key.slice(slash + 1), value as SpeedEstimate);
    }
    return out;
  }

  /**
   * Re-balance the unit costs of every published model from the measured
   * speeds (gateway/economics/unit-cost.ts), and write the models whose cost
   * moved and the adjustment record in one batch. Returns the record, or
   * undefined when no cost moved (nothing is written then).
   */
  adjust(): Promise<AdjustmentRecord | undefined> {
    return this.store.exclusive(async () => {
      const models: ModelRecord[] = [];
      for await (const value of this.store.sublevel(MODELS_SUBLEVEL).values()) {
        const m = value as ModelRecord;
        if (m.status === 'published') models.push(m);
      }
      const current = new Map<string, bigint>();
      for (const m of models) current.set(m.id, (await this.unitCostOf(m)).perStep);
      const speeds = new Map<string, Map<string, number>>();
      for (const [node, row] of await this.speeds()) {
        const measured = new Map<string, number>();
        for (const [model, estimate] of row) {
          const s = speedOf(estimate);
          if (s !== undefined && current.has(model)) measured.set(model, s);
        }
        if (measured.size > 0) speeds.set(node, measured);
      }
      const next = adjustUnitCosts({
        unitCosts: current,
        benchmarks: new Map(models.map((m) => [m.id, benchmarkSpeed(m.descriptor.benchmark)])),
        speeds,
      });
      const changes = [...next]
        .filter(([m, c]) => c !== current.get(m))
        .map(([model, to]) => ({ model, from: String(current.get(model)), to: String(to) }));
      if (changes.length === 0) return undefined;
      const adjustments = this.store.sublevel(ADJUSTMENTS_SUBLEVEL);
      let last = 0;
      for await (const key of adjustments.keys({ reverse: true, limit: 1 })) last = Number(key.slice(4));
      const record: AdjustmentRecord = {
        id: adjustmentId(last + 1),
        at: this.now().toISOString(),
        nodes: speeds.size,
        changes,
      };
      const costs = this.store.sublevel(UNIT_COSTS_SUBLEVEL);
      await this.store.write([
        put(adjustments, record.id, record),
        ...changes.map((c) =>
          put(costs, c.model, { model: c.model, unitCost: c.to, adjustment: record.id, at: record.at }),
        ),
      ]);
      return record;
    });
  }

  /** The latest adjustments, newest first. */
  async adjustments(limit = 50): Promise<AdjustmentRecord[]> {
    const out: AdjustmentRecord[] = [];
    for await (const value of this.store.sublevel(ADJUSTMENTS_SUBLEVEL).values({ reverse: true, limit })) {
      out.push(value as AdjustmentRecord);
    }
    return out;
  }

  /** Adjust every `ms` (errors are dropped: the next tick tries again). Returns how to stop. */
  start(ms: number, every: Every = realEvery): () => void {
    return every(() => void this.adjust().catch(() => undefined), ms);
  }
}
