/**
 * Repaying a node's debt (docs/bonds-and-placement.md "Debt"): the part of a
 * penalty the bond did not cover sits on `debt:NODE` against the mint, and
 * each repayment retires some of it, oldest penalty first, split between the
 * penalty's buyer and the platform as a taking is. The three ways in: a bond
 * top-up (bond.ts, in its own commit), a settlement of the node's run (its
 * miner's share, right after the settle commit) and a block reward (in the
 * block's commit group, built here and committed by the rewards). Every
 * method runs under the caller's `store.exclusive`.
 */
import { repayFirst, splitPenalty } from '../economics/index.js';
import type { TransactionInput } from '../ledger/index.js';
import type { BatchOp } from '../store/index.js';
import { nodePenalties, penaltyOps } from './records.js';
import type { BondDeps } from './shared.js';
import { debtAccount, legs, nodeRecord } from './shared.js';

/** What {@link Debts.repaymentLocked} hands back: how much it repays, and how. */
export interface DebtRepayment {
  readonly repaid: bigint;
  readonly txs: TransactionInput[];
  readonly ops: BatchOp[];
}

/** The node's debt and its repayment; part of {@link BondService}. */
export class Debts {
  readonly #d: BondDeps;

  constructor(deps: BondDeps) {
    this.#d = deps;
  }

  /**
   * The ledger transactions and penalty-record ops repaying `amount` of
   * `nodeId`'s debt from `payer` (`amount` no more than the debt: the
   * caller applies `repayFirst`), oldest penalty first, each split like a
   * taking; keys `${keyBase}:${penaltyId}`. Commits nothing.
   */
  async repayLocked(
    nodeId: string,
    amount: bigint,
    payer: string,
    keyBase: string,
  ): Promise<{ txs: TransactionInput[]; ops: BatchOp[] }> {
    const txs: TransactionInput[] = [];
    const ops: BatchOp[] = [];
    let left = amount;
    for (const p of await nodePenalties(this.#d.store, nodeId)) {
      if (left === 0n) break;
      const owed = BigInt(p.debt);
      if (owed === 0n) continue;
      const pay = owed < left ? owed : left;
      left -= pay;
      const split = splitPenalty(pay, this.#d.economics.bonds);
      txs.push({
        key: `${keyBase}:${p.id}`,
        kind: 'penalty',
        postings: legs(
          { account: payer, amount: -pay },
          { account: `user:${p.buyer}`, amount: split.buyer },
          { account: 'platform', amount: split.platform },
          { account: debtAccount(nodeId), amount: -pay },
          { account: 'mint', amount: pay },
        ),
        ref: nodeId,
        memo: `penalty ${p.cause}: debt repaid`,
        meta: { penalty: p.id },
      });
      ops.push(...penaltyOps(this.#d.store, { ...p, debt: (owed - pay).toString() }));
    }
    return { txs, ops };
  }

  /**
   * The repayment of up to `amount` of `nodeId`'s debt from `payer`, oldest
   * penalty first, each split between its buyer and the platform as a taking
   * is: the ledger transactions (keys `${keyBase}:${penaltyId}`) and the
   * penalty-record ops, for a caller that commits them in its own group (the
   * block rewards commit them with the block's rewards). Commits nothing; the
   * caller holds `store.exclusive` until it has committed them.
   *
   * @example repaymentLocked('node_a', 'user:acct_m', 60n, 'repay:reward:7:node_a') // repaid: min(60, debt)
   */
  async repaymentLocked(
    nodeId: string,
    payer: string,
    amount: bigint,
    keyBase: string,
  ): Promise<DebtRepayment> {
    if (!this.#d.store.locked) throw new TypeError('repaymentLocked needs store.exclusive to be held');
    const { toDebt } = repayFirst(amount, this.#d.ledger.balance(debtAccount(nodeId)));
    if (toDebt === 0n) return { repaid: 0n, txs: [], ops: [] };
    const { txs, ops } = await this.repayLocked(nodeId, toDebt, payer, keyBase);
    // each repayment retires its part of debt:N (a leg of every tx)
    const repaid = txs
      .flatMap((tx) => tx.postings)
      .filter((p) => p.account === debtAccount(nodeId))
      .reduce((sum, p) => sum - p.amount, 0n);
    return { repaid, txs, ops };
  }

  /**
   * After run `runId` settled on `nodeId` (inside the store's lock): its
   * miner's share of the settlement repays the node's debt first.
   */
  async collectFromSettlementLocked(runId: string, nodeId: string): Promise<void> {
    const { ledger } = this.#d;
    const debt = ledger.balance(debtAccount(nodeId));
    if (debt === 0n) return;
    const node = await nodeRecord(this.#d.store, nodeId);
    const miner = `user:${node.miner}`;
    const entry = await ledger.entryByKey(`settle:${runId}`);
    const earned = (entry?.postings ?? [])
      .filter((p) => p.account === miner)
      .reduce((sum, p) => sum + BigInt(p.amount), 0n);
    const balance = ledger.balance(miner);
    const available = earned < balance ? earned : balance;
    if (available <= 0n) return;
    const { toDebt } = repayFirst(available, debt);
    const repaid = await this.repayLocked(nodeId, toDebt, miner, `repay:settle:${runId}`);
    if (repaid.txs.length > 0) await ledger.commitLocked(repaid.txs, repaid.ops);
  }
}
