/**
 * Measured speeds (issue 6), pure: a running estimate of a model's steps per
 * second on a node, from usage receipts (steps and the node-reported
 * duration). A pair with no receipt yet is filled from the model's reference
 * benchmark by `fillSpeeds` (unit-cost.ts).
 */

/** A running speed estimate of one (node, model) pair, as stored. */
export interface SpeedEstimate {
  /** Decayed sums of the receipts' steps and seconds; the estimate is their ratio. */
  readonly steps: number;
  readonly seconds: number;
  /** Receipts counted, and receipts ignored as implausible. */
  readonly samples: number;
  readonly rejected: number;
  /** When the last receipt came (ISO 8601). */
  readonly updatedAt: string;
}

/** How much of the past a new receipt keeps: the sums are multiplied by this first. */
export const SPEED_DECAY = 0.9;

/**
 * A receipt whose speed is more than this factor away from the model's
 * reference benchmark is ignored (a node cannot move unit costs by reporting
 * absurd durations; it can only sit within this band, and the rule averages
 * it with every other node).
 */
export const SPEED_PLAUSIBLE_FACTOR = 100;

/** The steps per second of an estimate, or undefined before any receipt. */
export function speedOf(estimate: SpeedEstimate | undefined): number | undefined {
  if (!estimate || estimate.samples === 0 || !(estimate.seconds > 0)) return undefined;
  return estimate.steps / estimate.seconds;
}

/** The reference speed of a model.json benchmark, steps per second. */
export function benchmarkSpeed(benchmark: { readonly steps: number; readonly seconds: number }): number {
  return benchmark.steps / benchmark.seconds;
}

/**
 * Fold one usage receipt into the estimate: both sums decay by SPEED_DECAY,
 * then take the receipt's steps and seconds, so the estimate is a
 * duration-weighted average that follows a node's current speed (a receipt's
 * weight halves after about 6.6 newer ones). A receipt with no steps, no
 * positive duration, or a speed outside the plausible band around
 * `reference` is counted as rejected and changes nothing else.
 */
export function observeSpeed(
  previous: SpeedEstimate | undefined,
  receipt: { readonly steps: number; readonly seconds: number },
  reference: number,
  now: Date,
): SpeedEstimate {
  const base: SpeedEstimate = previous ?? {
    steps: 0,
    seconds: 0,
    samples: 0,
    rejected: 0,
    updatedAt: now.toISOString(),
  };
  const { steps, seconds } = receipt;
  const speed = steps / seconds;
  const plausible =
    Number.isFinite(steps) &&
    steps > 0 &&
    Number.isFinite(seconds) &&
    seconds > 0 &&
    speed <= reference * SPEED_PLAUSIBLE_FACTOR &&
    speed >= reference / SPEED_PLAUSIBLE_FACTOR;
  if (!plausible) return { ...base, rejected: base.rejected + 1, updatedAt: now.toISOString() };
  return {
    steps: base.steps * SPEED_DECAY + steps,
    seconds: base.seconds * SPEED_DECAY + seconds,
    samples: base.samples + 1,
    rejected: base.rejected,
    updatedAt: now.toISOString(),
  };
}
