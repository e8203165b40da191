/**
 * The price of a run (DESIGN.md 5 step 3, section 9), pure and in bigint
 * base units. Seed pricing: compute = unit cost × steps (the adjusted unit
 * cost when the gateway has one, issue 6); by-use pricing: compute = the
 * charge of the run's resources at its limits (gateway/economics/charges.ts).
 * Plus the model's base fee, plus the dataset's price, in fiat; the tokens at
 * the rate recorded with the order; the split frozen with it. Settlement
 * charges what was used.
 */
import type { EconomicsParameters, ModelDescriptor } from '../../policies/index.js';
import type { ResourceRates, UsageBasis, UsageLimits } from '../economics/index.js';
import { capUsage, chargeFor, checkRates, formatRates, parseRates, runUsage } from '../economics/index.js';
import type { ExchangeRate } from '../ledger/index.js';
import { fiatToTokens } from '../ledger/index.js';
import { RunError } from './errors.js';
import type { Price } from './record.js';

/** What a price is made of. */
export interface PriceInput {
  readonly model: Pick<ModelDescriptor, 'unitCost' | 'baseFee'>;
  /** The dataset's price, fiat base units (decimal string). */
  readonly dataPrice: string;
  /** Steps, already capped at the model's maxSteps. */
  readonly steps: number;
  readonly rate: ExchangeRate;
  readonly economics: Pick<EconomicsParameters, 'split' | 'fiat'>;
  /**
   * Seed pricing: the unit cost to use and the adjustment it came from (issue 6). Absent:
   * the model's own `unitCost`, adjustment null.
   */
  readonly unitCost?: { readonly perStep: bigint; readonly adjustment: string | null };
  /** By-use pricing (issue 6): rates, the operator's floors, the run's limits and basis. */
  readonly charges?: {
    readonly rates: ResourceRates;
    readonly floors: ResourceRates;
    readonly limits: UsageLimits;
    readonly basis: UsageBasis;
  };
}

/**
 * Price a run. Refuses with RUN_PRICE_BELOW_FLOOR when the fiat total is
 * below the operator's floor (DESIGN.md 9: "prices below the operator's floor
 * are refused"), and a by-use rate below its resource's floor with
 * PRICING_BELOW_FLOOR.
 *
 * @example
 * ```ts
 * priceRun({ model: { unitCost: '2', baseFee: '10' }, dataPrice: '100', steps: 5, rate, economics });
 * // fiat { compute: '10', baseFee: '10', data: '100', total: '120' }
 * ```
 */
export function priceRun(input: PriceInput): Price {
  let compute: bigint;
  let byUse: Pick<Price, 'charges' | 'unitCost'>;
  if (input.charges) {
    const { rates, floors, limits, basis } = input.charges;
    checkRates(rates, floors);
    const cap = chargeFor(rates, capUsage(input.steps, limits, basis));
    compute = cap.total;
    const milli = Object.fromEntries(Object.entries(cap.milli).map(([r, m]) => [r, String(m)]));
    byUse = { charges: { rates: formatRates(rates), basis: { ...basis }, cap: milli } };
  } else {
    const unitCost = input.unitCost ?? { perStep: BigInt(input.model.unitCost), adjustment: null };
    compute = unitCost.perStep * BigInt(input.steps);
    byUse = { unitCost: { perStep: String(unitCost.perStep), adjustment: unitCost.adjustment } };
  }
  const baseFee = BigInt(input.model.baseFee);
  const data = BigInt(input.dataPrice);
  const total = compute + baseFee + data;
  const floor = BigInt(input.economics.fiat.priceFloor);
  if (total < floor) {
    throw new RunError('RUN_PRICE_BELOW_FLOOR', `the price ${total} is below the floor of ${floor}`);
  }
  const { sellerBps, publisherBps, minerBps, platformBps } = input.economics.split;
  return {
    fiat: {
      compute: String(compute),
      baseFee: String(baseFee),
      data: String(data),
      total: String(total),
    },
    tokens: String(fiatToTokens(total, input.rate)),
    rate: { fiat: String(input.rate.fiat), tokens: String(input.rate.tokens) },
    ...byUse,
    split: { sellerBps, publisherBps, minerBps, platformBps },
  };
}

/** The rate frozen in `price`. */
export function rateOf(price: Price): ExchangeRate {
  return { fiat: BigInt(price.rate.fiat), tokens: BigInt(price.rate.tokens) };
}

/** What a node's usage receipt says a run used, and the size of its sealed output. */
export interface RunUsed {
  readonly steps: number;
  readonly cpuSeconds: number;
  readonly gpuSeconds: number;
  readonly seconds: number;
  readonly outputBytes: number;
}

/**
 * The fiat compute a run used. Seed pricing: the compute of the steps actually
 * run (at the quoted unit cost; never more steps than quoted). By-use pricing:
 * the charge of the receipt's resources at the frozen rates, never more than
 * the charge at the limits. `used` may be a step count alone (a by-use run
 * then charges its steps and nothing else). Settlement charges it, and a
 * node's contribution to a block (gateway/rewards) is it.
 */
export function usedCompute(price: Price, quotedSteps: number, used: number | RunUsed): bigint {
  const usage: RunUsed =
    typeof used === 'number'
      ? { steps: used, cpuSeconds: 0, gpuSeconds: 0, seconds: 0, outputBytes: 0 }
      : used;
  const steps = BigInt(Math.min(Math.max(usage.steps, 0), quotedSteps));
  const cap = BigInt(price.fiat.compute);
  if (!price.charges) return quotedSteps === 0 ? 0n : (cap * steps) / BigInt(quotedSteps);
  const clamp = (x: number) => (Number.isFinite(x) && x > 0 ? x : 0);
  const quantities = runUsage(
    {
      steps: Number(steps),
      cpuSeconds: clamp(usage.cpuSeconds),
      gpuSeconds: clamp(usage.gpuSeconds),
      seconds: clamp(usage.seconds),
    },
    price.charges.basis,
    clamp(usage.outputBytes),
  );
  const charge = chargeFor(parseRates(price.charges.rates), quantities).total;
  return charge < cap ? charge : cap;
}

/**
 * The tokens a run used: its {@link usedCompute}, then the base fee and the
 * data price, converted at the frozen rate and never more than the escrow.
 */
export function usedTokens(price: Price, quotedSteps: number, used: number | RunUsed): bigint {
  const compute = usedCompute(price, quotedSteps, used);
  const fiat = compute + BigInt(price.fiat.baseFee) + BigInt(price.fiat.data);
  const tokens = fiatToTokens(fiat, rateOf(price));
  const escrow = BigInt(price.tokens);
  return tokens < escrow ? tokens : escrow;
}
