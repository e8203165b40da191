/**
 * Block rewards repay a node's debt first (DESIGN.md 9; docs/rewards.md
 * section 3 "Debt"; docs/bonds-and-placement.md "Debt"): the reward paid to
 * the miner of a node that owes is followed, in the SAME commit group, by the
 * repayments the bonds feature builds for it, oldest penalty first, each split
 * between the harmed buyer and the platform. Only the rest stays with the
 * miner. Rewards know nothing of penalties: the collector (BondService, wired
 * in app.ts) builds the transactions and the penalty-record ops.
 */
import type { TransactionInput } from '../ledger/index.js';
import type { BatchOp } from '../store/index.js';

/** A repayment as the collector builds it: how much, its ledger transactions and record ops. */
export interface RewardRepayment {
  readonly repaid: bigint;
  readonly txs: TransactionInput[];
  readonly ops: BatchOp[];
}

/** Who turns a payment into debt repayments (BondService.repaymentLocked). */
export interface DebtCollector {
  /** Repay up to `amount` of `nodeId`'s debt from `payer`; keys `${keyBase}:${penaltyId}`. Commits nothing. */
  repaymentLocked(nodeId: string, payer: string, amount: bigint, keyBase: string): Promise<RewardRepayment>;
}

/** The key base of the repayments from `node`'s reward in block `height`. */
export function rewardRepayKey(height: number, node: string): string {
  return `repay:reward:${height}:${node}`;
}

/** What the repayments of one block add to its commit group. */
export interface BlockRepayments {
  /** Per node: how much of its reward repaid debt (nodes that repaid nothing are absent). */
  readonly repaid: ReadonlyMap<string, bigint>;
  readonly txs: TransactionInput[];
  readonly ops: BatchOp[];
}

/**
 * The repayments from the rewards of block `height`, in the order of
 * `rewards`: each positive reward, paid to `user:MINER` earlier in the same
 * group, repays what it can of its node's debt.
 */
export async function blockRepayments(
  debts: DebtCollector | undefined,
  height: number,
  rewards: readonly { readonly node: string; readonly payer: string; readonly amount: bigint }[],
): Promise<BlockRepayments> {
  const repaid = new Map<string, bigint>();
  const txs: TransactionInput[] = [];
  const ops: BatchOp[] = [];
  if (debts === undefined) return { repaid, txs, ops };
  for (const r of rewards) {
    if (r.amount <= 0n) continue;
    const one = await debts.repaymentLocked(r.node, r.payer, r.amount, rewardRepayKey(height, r.node));
    if (one.repaid === 0n) continue;
    repaid.set(r.node, one.repaid);
    txs.push(...one.txs);
    ops.push(...one.ops);
  }
  return { repaid, txs, ops };
}
