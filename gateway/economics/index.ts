/** Pure economics of issue 6 (DESIGN.md 9): one file per concern; each engineer adds their export lines. */
// emission and block rewards (wt-rewards, docs/rewards.md)
export { YEAR_MS, emissionSchedule, type EmissionParameters, type EmissionSchedule } from './emission.js';
export {
  PPM,
  blockRewards,
  rewardProbability,
  type BlockRewards,
  type InterruptionEffect,
  type NodeActivity,
  type NodeReward,
  type RewardBasis,
  type RewardParameters,
  type RewardPeriod,
  type RewardProbability,
} from './rewards.js';
// --- end rewards ---
// pricing (wt-pricing): unit costs, measured speeds, resource-based charges
export {
  adjustStep,
  adjustUnitCosts,
  fillSpeeds,
  returnSpread,
  returnsPerSecond,
  type SpeedTable,
  type UnitCostInput,
} from './unit-cost.js';
export {
  SPEED_DECAY,
  SPEED_PLAUSIBLE_FACTOR,
  benchmarkSpeed,
  observeSpeed,
  speedOf,
  type SpeedEstimate,
} from './speeds.js';
export {
  RESOURCES,
  capUsage,
  chargeFor,
  checkRates,
  formatRates,
  parseRates,
  runUsage,
  type Charge,
  type Resource,
  type ResourceRates,
  type ResourceUsage,
  type UsageBasis,
  type UsageLimits,
} from './charges.js';
export { PRICING_STATUSES, PricingError, type PricingErrorCode } from './pricing-errors.js';
