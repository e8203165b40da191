/**
 * Pure economics (DESIGN.md 9, issue 6): one file per concern. Each concern
 * adds its export lines here, kept together.
 */
// bonds, penalties and placement (docs/bonds-and-placement.md)
export { BondError, BOND_STATUSES } from './bond-errors.js';
export type { BondErrorCode } from './bond-errors.js';
export {
  PENALTY_CAUSES,
  appealDeadline,
  appealPhase,
  penaltyAmount,
  repayFirst,
  splitPenalty,
  takePenalty,
} from './penalties.js';
export type { AppealPhase, PenaltyCause, PenaltySplit, Repayment, Taking } from './penalties.js';
export { ineligibility, placementScore, queueEstimate, rankNodes } from './placement.js';
export type { Candidate, Ineligibility, PlacementNode, PlacementRequest, Ranking } from './placement.js';
// emission and block rewards (docs/rewards.md)
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
// pricing: unit costs, measured speeds, resource-based charges
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
