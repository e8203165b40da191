/**
 * The seed's economics (DESIGN.md 9, issue 6): pure code, one file per
 * concern. Each engineer adds their export lines here, kept together.
 */
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
