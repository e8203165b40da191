/**
 * The ledger transactions a block commits (docs/rewards.md section 3, steps
 * 2 and 5): the period's emission into the mining pool, and each positive
 * reward from the pool to the node's miner. The repayments that follow a
 * reward in the same group are built by the debt collector (repay.ts).
 */
import type { NodeReward } from '../economics/index.js';
import type { TransactionInput } from '../ledger/index.js';
import { MINT_ACCOUNT } from '../ledger/index.js';
import { userAccount } from '../runs/effects.js';
import { MINING_POOL_ACCOUNT, probabilityText } from './records.js';

/** Emission `emission` for block `height` (cumulative `emitted`): `mint` → `pool:mining`. */
export function emissionTx(
  height: number,
  emission: bigint,
  emitted: bigint,
  periodStart: string,
  periodEnd: string,
): TransactionInput {
  return {
    key: `emission:${height}`,
    kind: 'mint',
    postings: [
      { account: MINT_ACCOUNT, amount: -emission },
      { account: MINING_POOL_ACCOUNT, amount: emission },
    ],
    memo: 'block emission into the mining pool',
    meta: { height: String(height), periodStart, periodEnd, emitted: String(emitted) },
  };
}

/** The key of node `node`'s reward in block `height`. */
export function rewardKey(height: number, node: string): string {
  return `reward:${height}:${node}`;
}

/** A positive reward `r` in block `height`: `pool:mining` → `user:${miner}`, ref the node. */
export function rewardTx(height: number, r: NodeReward, miner: string, network: bigint): TransactionInput {
  return {
    key: rewardKey(height, r.node),
    kind: 'reward',
    postings: [
      { account: MINING_POOL_ACCOUNT, amount: -r.amount },
      { account: userAccount(miner), amount: r.amount },
    ],
    memo: 'block reward',
    ref: r.node,
    meta: {
      height: String(height),
      contribution: String(r.contribution),
      network: String(network),
      probability: probabilityText(r.ppm2),
    },
  };
}
