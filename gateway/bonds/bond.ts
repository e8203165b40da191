/**
 * The bond lifecycle (docs/bonds-and-placement.md "Bonds"): a miner moves
 * tokens from `user:MINER` to `bond:NODE` (ledger kind `bond`), repaying the
 * node's debt first (debt.ts), and back when no run is active and no penalty
 * is pending; a post or withdrawal with a request id is recorded with its
 * ledger entries and answered `replayed` when repeated. Also what the bond
 * says about the node: its status, and whether placement must skip it. Each
 * change takes `store.exclusive` and is one ledger commit with its records.
 */
import { BondError, repayFirst } from '../economics/index.js';
import type { TransactionInput } from '../ledger/index.js';
import { activeJobs } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import type { PenaltyRecord } from './records.js';
import { nodePenalties, openPenalties } from './records.js';
import type { MoneyRequest, RequestParams } from '../auth/request-ids.js';
import { applyOnce } from '../auth/request-ids.js';
import type { Debts } from './debt.js';
import type { BondDeps } from './shared.js';
import { bondAccount, debtAccount, forgedPending, nodeRecord, pending } from './shared.js';

/** A node's bond as its miner and the operator see it. */
export interface BondStatus {
  readonly nodeId: string;
  readonly bond: bigint;
  readonly debt: bigint;
  readonly minimumBond: bigint;
  /** Bond at least the minimum, no debt and no pending forged-evidence penalty. */
  readonly schedulable: boolean;
  readonly penalties: PenaltyRecord[];
}

/** What a post or withdrawal answers: the bond now, and whether this was a repeat of an applied request. */
export interface BondOutcome {
  readonly status: BondStatus;
  readonly replayed: boolean;
}

/** Posting, withdrawing and reading a node's bond; part of {@link BondService}. */
export class Bonds {
  readonly #d: BondDeps;
  readonly #debts: Debts;

  constructor(deps: BondDeps, debts: Debts) {
    this.#d = deps;
    this.#debts = debts;
  }

  #request(miner: string, requestId: string | undefined, params: RequestParams): MoneyRequest {
    return { caller: miner, requestId, params, now: this.#d.now };
  }

  async #own(miner: string, nodeId: string): Promise<NodeRecord> {
    const node = await nodeRecord(this.#d.store, nodeId);
    if (node.miner !== miner) throw new BondError('BOND_NOT_MINER', `${nodeId} is not this miner's node`);
    return node;
  }

  /** The node's bond, debt and penalties. */
  async status(nodeId: string): Promise<BondStatus> {
    await nodeRecord(this.#d.store, nodeId);
    const { ledger, store, economics } = this.#d;
    const penalties = await nodePenalties(store, nodeId);
    const bond = ledger.balance(bondAccount(nodeId));
    const debt = ledger.balance(debtAccount(nodeId));
    const minimumBond = BigInt(economics.bonds.minimumBond);
    const forged = penalties.some(forgedPending);
    return {
      nodeId,
      bond,
      debt,
      minimumBond,
      schedulable: bond >= minimumBond && debt === 0n && !forged,
      penalties,
    };
  }

  /** Nodes placement must skip: debt outstanding or a forged-evidence penalty pending. */
  async penalisedOut(nodeIds: Iterable<string>): Promise<Set<string>> {
    const out = new Set<string>();
    for (const id of nodeIds) if (this.#d.ledger.balance(debtAccount(id)) > 0n) out.add(id);
    for (const p of await openPenalties(this.#d.store)) if (forgedPending(p)) out.add(p.nodeId);
    return out;
  }

  /** True when `miner` is the miner of node `nodeId` (NODE_NOT_FOUND when there is none). */
  async owns(miner: string, nodeId: string): Promise<boolean> {
    return (await nodeRecord(this.#d.store, nodeId)).miner === miner;
  }

  /**
   * Post `amount` to `nodeId`'s bond from its miner's account (`key` makes
   * it idempotent): debt is repaid first, the rest joins the bond. With a
   * `requestId` the post is recorded with its ledger entries, and a repeat
   * with the same id and amount changes nothing and answers `replayed`.
   */
  async post(
    miner: string,
    nodeId: string,
    amount: bigint,
    key: string,
    requestId?: string,
  ): Promise<BondOutcome> {
    const { store, ledger } = this.#d;
    const params: RequestParams = { route: 'bond', subject: nodeId, amount: amount.toString() };
    const { replayed } = await applyOnce(store, ledger, this.#request(miner, requestId, params), async () => {
      await this.#own(miner, nodeId);
      if (amount <= 0n) throw new BondError('BOND_BAD_AMOUNT', 'a bond amount is a positive integer');
      if (ledger.balance(`user:${miner}`) < amount)
        throw new BondError('BOND_INSUFFICIENT_FUNDS', 'the miner account does not hold that much');
      const { toDebt, rest } = repayFirst(amount, ledger.balance(debtAccount(nodeId)));
      const repaid = await this.#debts.repayLocked(nodeId, toDebt, `user:${miner}`, `repay:${key}`);
      const bond: TransactionInput[] =
        rest === 0n
          ? []
          : [
              {
                key: `bond:${key}`,
                kind: 'bond',
                postings: [
                  { account: `user:${miner}`, amount: -rest },
                  { account: bondAccount(nodeId), amount: rest },
                ],
                ref: nodeId,
                memo: 'bond posted',
              },
            ];
      return { txs: [...repaid.txs, ...bond], ops: repaid.ops };
    });
    return { status: await this.status(nodeId), replayed };
  }

  /**
   * Move `amount` of the bond back to the miner: no active job, no pending
   * penalty. A `requestId` makes a repeat answer `replayed`, as for {@link post}.
   */
  async withdraw(
    miner: string,
    nodeId: string,
    amount: bigint,
    key: string,
    requestId?: string,
  ): Promise<BondOutcome> {
    const { store, ledger } = this.#d;
    const params: RequestParams = { route: 'unbond', subject: nodeId, amount: amount.toString() };
    const { replayed } = await applyOnce(store, ledger, this.#request(miner, requestId, params), async () => {
      await this.#own(miner, nodeId);
      if (amount <= 0n || amount > ledger.balance(bondAccount(nodeId)))
        throw new BondError('BOND_BAD_AMOUNT', 'withdraw a positive amount no larger than the bond');
      if ((await activeJobs(store, nodeId)).length > 0)
        throw new BondError('BOND_RUN_ACTIVE', 'the node holds a job; withdraw when it has none');
      if ((await nodePenalties(store, nodeId)).some(pending))
        throw new BondError('BOND_PENALTY_PENDING', 'a penalty on the node is pending');
      const txs: TransactionInput[] = [
        {
          key: `unbond:${key}`,
          kind: 'bond',
          postings: [
            { account: bondAccount(nodeId), amount: -amount },
            { account: `user:${miner}`, amount },
          ],
          ref: nodeId,
          memo: 'bond withdrawn',
        },
      ];
      return { txs };
    });
    return { status: await this.status(nodeId), replayed };
  }
}
