/** The rewards area's one error class and its status table (registered in gateway/app.ts). */
import { SealgateError } from '../../attest/index.js';

export type RewardErrorCode = 'REWARD_NODE_NOT_FOUND' | 'REWARD_NOT_YOUR_NODE' | 'REWARD_BAD_CURSOR';

/** A refused rewards request. */
export class RewardError extends SealgateError<RewardErrorCode> {}

export const REWARD_STATUSES = {
  REWARD_NODE_NOT_FOUND: 404,
  // node ids are public (GET /v1/nodes); what a node earns is its miner's and the operator's
  REWARD_NOT_YOUR_NODE: 403,
  REWARD_BAD_CURSOR: 400,
} satisfies Record<RewardErrorCode, number>;
