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
