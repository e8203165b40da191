/**
 * The emission schedule of block rewards (DESIGN.md 9, issue 6): tokens enter
 * the mining pool at `initialAnnualTokens` a year at first, halving every
 * `halvingYears`, never more than `totalTokens` in all. Pure and exact in
 * bigint base units (tokens × 10^decimals).
 *
 * Rounding (docs/rewards.md section 1): the schedule is a cumulative function
 * of time since genesis, E(t), floored to a base unit; a block that covers
 * [start, end) emits E(end) − E(start). The fractions a floor leaves behind
 * are not lost: they are part of a later E(t), so the blocks' emissions add
 * up to E(last end) exactly. Era k (k = 0, 1, ...) lasts `halvingYears` and
 * has the budget floor(initial × halvingYears / 2^k), cut so the running sum
 * never passes the total; the first era whose halved budget is 0 is the last
 * and emits whatever the halvings left of the total, so that, once it ends,
 * exactly `totalTokens` have been emitted.
 */
import type { EconomicsParameters } from '../../policies/index.js';

/** A year of the schedule: 365 days (8,760 hourly blocks). */
export const YEAR_MS = 365 * 86_400_000;

/** The parameters the schedule reads. */
export type EmissionParameters = Pick<EconomicsParameters, 'emission' | 'token'>;

/** The emission schedule; build it once with {@link emissionSchedule}. */
export interface EmissionSchedule {
  /** Every token ever emitted, base units. */
  readonly total: bigint;
  /** Each era's budget, base units; they add up to `total`. */
  readonly eras: readonly bigint[];
  /** An era's length, milliseconds. */
  readonly eraMs: bigint;
  /** Tokens emitted from genesis until `ms` milliseconds after it (0 before genesis). */
  cumulative(ms: number): bigint;
  /** Tokens a block emits that starts `startMs` after genesis and lasts `intervalMs`. */
  forBlock(startMs: number, intervalMs: number): bigint;
}

// Era budgets: floor(A·H / 2^k), capped by what is left of the total; the
// first zero budget closes the schedule with the remainder.
function eraBudgets(total: bigint, perEra: bigint): bigint[] {
  const eras: bigint[] = [];
  let emitted = 0n;
  for (let k = 0n; emitted < total; k++) {
    const natural = perEra >> k;
    const left = total - emitted;
    const budget = natural === 0n || natural > left ? left : natural;
    eras.push(budget);
    emitted += budget;
  }
  return eras;
}

function whole(ms: number, what: string): bigint {
  if (!Number.isSafeInteger(ms)) throw new TypeError(`${what} must be a whole number of milliseconds`);
  return BigInt(ms);
}

/**
 * The schedule of `params` (the operator's economics parameters).
 *
 * @example
 * ```ts
 * const s = emissionSchedule(parseEconomicsParameters({}));
 * s.cumulative(YEAR_MS); // 500 000 000 tokens × 10^8 = 50000000000000000n
 * s.forBlock(0, 3_600_000); // the first hourly block: 5707762557077n
 * ```
 */
export function emissionSchedule(params: EmissionParameters): EmissionSchedule {
  const unit = 10n ** BigInt(params.token.decimals);
  const total = BigInt(params.emission.totalTokens) * unit;
  const years = BigInt(params.emission.halvingYears);
  const eras = eraBudgets(total, BigInt(params.emission.initialAnnualTokens) * unit * years);
  const eraMs = years * BigInt(YEAR_MS);
  const before: bigint[] = [0n];
  for (const budget of eras) before.push(before[before.length - 1] + budget);
  const cumulative = (ms: number): bigint => {
    const t = whole(ms, 'the time since genesis');
    if (t <= 0n) return 0n;
    const k = t / eraMs;
    if (k >= BigInt(eras.length)) return total;
    const i = Number(k);
    return before[i] + (eras[i] * (t - k * eraMs)) / eraMs;
  };
  return {
    total,
    eras,
    eraMs,
    cumulative,
    forBlock(startMs, intervalMs) {
      if (whole(intervalMs, 'a block interval') < 0n) throw new TypeError('a block interval must be >= 0');
      return cumulative(startMs + intervalMs) - cumulative(startMs);
    },
  };
}
