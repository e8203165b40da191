/** Block rewards in the gateway: closing blocks, deployment records, routes (docs/rewards.md). */
export { RewardError, REWARD_STATUSES, type RewardErrorCode } from './errors.js';
export { RewardService, type ClosedBlock, type RewardServiceDeps } from './service.js';
export { INTERRUPTION_KINDS, blockActivity, contributionOf, type NodeBlockFacts } from './activity.js';
export {
  NODE_DEPLOYMENTS_SUBLEVEL,
  deploymentOp,
  deploymentsOf,
  firstDeployment,
  type DeploymentPage,
  type DeploymentRecord,
} from './deployments.js';
export {
  MINING_POOL_ACCOUNT,
  NODE_REWARDS_SUBLEVEL,
  REWARDS_SUBLEVEL,
  nodeRewards,
  probabilityText,
  type BlockSummary,
  type NodeRewardPage,
  type NodeRewardRecord,
} from './records.js';
export { rewardRoutes } from './routes.js';
export {
  blockRepayments,
  rewardRepayKey,
  type BlockRepayments,
  type DebtCollector,
  type RewardRepayment,
} from './repay.js';
