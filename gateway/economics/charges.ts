/**
 * Resource-based charges (DESIGN.md 9, issue 6), pure: a run priced by what
 * it used — steps or FLOPs, GPU-seconds, CPU-seconds, memory-time, storage,
 * traffic — each at a rate in fiat base units per unit, with the operator's
 * floor per resource. The escrow is the charge at the run's limits (`capUsage`);
 * settlement charges the receipt's use (`runUsage`), never more than the cap.
 */
import { PricingError } from './pricing-errors.js';

/** The priced resources and their units. */
export const RESOURCES = [
  'step', // one training step
  'gflop', // 10^9 floating-point operations (steps × the model's declared GFLOPs per step)
  'gpuSecond', // one GPU for one second (the receipt's gpuSeconds)
  'cpuSecond', // one CPU for one second (the receipt's cpuSeconds)
  'memoryGiBSecond', // one GiB of the model's memory limit held for one second of the run
  'storageGiB', // one GiB of sealed output kept by the gateway
  'trafficGiB', // one GiB moved to or from the node (the dataset down, the output up)
] as const;

export type Resource = (typeof RESOURCES)[number];

/** Rates, fiat base units per unit; a resource left out is free (rate 0). */
export type ResourceRates = Partial<Record<Resource, bigint>>;

/** Quantities used, in the units above (fractions allowed). */
export type ResourceUsage = Partial<Record<Resource, number>>;

/** A charge: the total in fiat base units and each resource's quantity in thousandths. */
export interface Charge {
  readonly total: bigint;
  readonly milli: Partial<Record<Resource, bigint>>;
}

const GiB = 1024 ** 3;

/**
 * Check a model's (or the operator's) rates against the operator's floors:
 * every resource with a floor above 0 must have a rate of at least the floor
 * (a resource left out counts as rate 0). Throws PRICING_BELOW_FLOOR naming
 * the first resource below its floor.
 */
export function checkRates(rates: ResourceRates, floors: ResourceRates): void {
  for (const r of RESOURCES) {
    const floor = floors[r] ?? 0n;
    const rate = rates[r] ?? 0n;
    if (rate < floor) {
      throw new PricingError('PRICING_BELOW_FLOOR', `the ${r} rate ${rate} is below the floor of ${floor}`);
    }
  }
}

/**
 * The charge for `usage` at `rates`. Rounding, stated: each quantity is
 * rounded up to a thousandth of its unit, the amounts are summed exactly as
 * rate × thousandths / 1000, and the sum is rounded up once to a whole fiat
 * base unit (the buyer pays the last unit, as fiatToTokens does).
 *
 * @example
 * ```ts
 * chargeFor({ step: 2n, gpuSecond: 5n }, { step: 10, gpuSecond: 1.5 });
 * // { total: 28n, milli: { step: 10000n, gpuSecond: 1500n } }
 * ```
 */
export function chargeFor(rates: ResourceRates, usage: ResourceUsage): Charge {
  let thousandths = 0n;
  const milli: Partial<Record<Resource, bigint>> = {};
  for (const r of RESOURCES) {
    const q = usage[r];
    if (q === undefined) continue;
    if (!Number.isFinite(q) || q < 0) {
      throw new PricingError('PRICING_BAD_USAGE', `the ${r} quantity must be a finite number >= 0`);
    }
    const m = BigInt(Math.ceil(q * 1000));
    milli[r] = m;
    thousandths += (rates[r] ?? 0n) * m;
  }
  return { total: (thousandths + 999n) / 1000n, milli };
}

/** What a by-use run's quantities are computed from, frozen at order time. */
export interface UsageBasis {
  /** The model's memory limit (model.json resources.memoryMiB). */
  readonly memoryMiB: number;
  /** GFLOPs per step the model declares (0 when it does not). */
  readonly gflopsPerStep: number;
  /** The dataset ciphertext's size, bytes (downloaded by the node). */
  readonly dataBytes: number;
}

/** The limits a run cannot exceed (model.json resources), for the escrow cap. */
export interface UsageLimits {
  readonly cpus: number;
  readonly gpus: number;
  readonly tmpfsMiB: number;
  readonly maxSeconds: number;
}

/**
 * The quantities of a run at its limits: the steps asked for, and every
 * time-based resource for the wall-clock limit, the output as large as the
 * tmpfs. The quote escrows the charge of this, so settlement never needs more.
 */
export function capUsage(steps: number, limits: UsageLimits, basis: UsageBasis): ResourceUsage {
  const outputBytes = limits.tmpfsMiB * 1024 * 1024;
  return runUsage(
    {
      steps,
      cpuSeconds: limits.cpus * limits.maxSeconds,
      gpuSeconds: limits.gpus * limits.maxSeconds,
      seconds: limits.maxSeconds,
    },
    basis,
    outputBytes,
  );
}

/**
 * The quantities of a finished run from its usage receipt (steps, CPU- and
 * GPU-seconds, duration) and the size of its sealed output.
 */
export function runUsage(
  receipt: {
    readonly steps: number;
    readonly cpuSeconds: number;
    readonly gpuSeconds: number;
    readonly seconds: number;
  },
  basis: UsageBasis,
  outputBytes: number,
): ResourceUsage {
  return {
    step: receipt.steps,
    gflop: receipt.steps * basis.gflopsPerStep,
    gpuSecond: receipt.gpuSeconds,
    cpuSecond: receipt.cpuSeconds,
    memoryGiBSecond: ((basis.memoryMiB * 1024 * 1024) / GiB) * receipt.seconds,
    storageGiB: outputBytes / GiB,
    trafficGiB: (basis.dataBytes + outputBytes) / GiB,
  };
}

/** Rates from decimal strings (a parsed model.json or economics document). */
export function parseRates(rates: Partial<Record<Resource, string>> | undefined): ResourceRates {
  const out: ResourceRates = {};
  for (const r of RESOURCES) {
    const v = rates?.[r];
    if (v !== undefined) out[r] = BigInt(v);
  }
  return out;
}

/** Rates as decimal strings (for records and JSON). */
export function formatRates(rates: ResourceRates): Partial<Record<Resource, string>> {
  const out: Partial<Record<Resource, string>> = {};
  for (const r of RESOURCES) if (rates[r] !== undefined) out[r] = String(rates[r]);
  return out;
}
