/**
 * Bonds and penalties in the gateway (DESIGN.md 9; docs/bonds-and-placement.md).
 * A miner moves tokens from `user:MINER` to `bond:NODE` (ledger kind `bond`)
 * and back when no run is active and no penalty is pending. A proposed
 * penalty may be appealed until its window closes; the operator decides an
 * appeal; `tick()` takes what is due: from the bond first, split between the
 * harmed buyer and the platform, and the rest as debt on `debt:NODE` (issued
 * against the mint, the one account allowed below zero, and retired as it is
 * repaid). Debt is repaid first from bond top-ups and from the node's later
 * settlements. Every change is one ledger commit with its records.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import { BondError, penaltyAmount, repayFirst, splitPenalty, takePenalty } from '../economics/index.js';
import type { Ledger, Posting, TransactionInput } from '../ledger/index.js';
import { NodeError } from '../nodes/errors.js';
import { activeJobs } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import type { BatchOp, Store } from '../store/index.js';
import type { PenaltyRecord } from './records.js';
import { PENALTIES_SUBLEVEL, nodePenalties, openPenalties, penaltyOps } from './records.js';
import type { RequestParams } from '../auth/request-ids.js';
import { priorRequest, requestRecordOps } from '../auth/request-ids.js';

export interface BondDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly economics: EconomicsParameters;
  readonly now: () => Date;
}

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

/** What {@link BondService.repaymentLocked} hands back: how much it repays, and how. */
export interface DebtRepayment {
  readonly repaid: bigint;
  readonly txs: TransactionInput[];
  readonly ops: BatchOp[];
}

export const bondAccount = (nodeId: string): string => `bond:${nodeId}`;
export const debtAccount = (nodeId: string): string => `debt:${nodeId}`;

// Drop zero legs (the ledger refuses them) and keep the order.
function legs(...postings: Posting[]): Posting[] {
  return postings.filter((p) => p.amount !== 0n);
}

const pending = (p: PenaltyRecord): boolean =>
  p.state === 'proposed' || p.state === 'appealed' || p.state === 'upheld';

export class BondService {
  readonly #d: BondDeps;

  constructor(deps: BondDeps) {
    this.#d = deps;
  }

  async #node(nodeId: string): Promise<NodeRecord> {
    const node = await this.#d.store.get<NodeRecord>(this.#d.store.sublevel(NODES_SUBLEVEL), nodeId);
    if (!node) throw new NodeError('NODE_NOT_FOUND', `no node ${nodeId}`);
    return node;
  }

  async #own(miner: string, nodeId: string): Promise<NodeRecord> {
    const node = await this.#node(nodeId);
    if (node.miner !== miner) throw new BondError('BOND_NOT_MINER', `${nodeId} is not this miner's node`);
    return node;
  }

  /** The node's bond, debt and penalties. */
  async status(nodeId: string): Promise<BondStatus> {
    await this.#node(nodeId);
    const { ledger, store, economics } = this.#d;
    const penalties = await nodePenalties(store, nodeId);
    const bond = ledger.balance(bondAccount(nodeId));
    const debt = ledger.balance(debtAccount(nodeId));
    const minimumBond = BigInt(economics.bonds.minimumBond);
    const forged = penalties.some((p) => p.cause === 'forged-evidence' && pending(p));
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
    for (const p of await openPenalties(this.#d.store))
      if (p.cause === 'forged-evidence' && pending(p)) out.add(p.nodeId);
    return out;
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
    const replayed = await store.exclusive(async () => {
      if (requestId !== undefined && (await priorRequest(store, miner, requestId, params))) return true;
      await this.#own(miner, nodeId);
      if (amount <= 0n) throw new BondError('BOND_BAD_AMOUNT', 'a bond amount is a positive integer');
      if (ledger.balance(`user:${miner}`) < amount)
        throw new BondError('BOND_INSUFFICIENT_FUNDS', 'the miner account does not hold that much');
      const { toDebt, rest } = repayFirst(amount, ledger.balance(debtAccount(nodeId)));
      const repaid = await this.#repayLocked(nodeId, toDebt, `user:${miner}`, `repay:${key}`);
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
      const txs = [...repaid.txs, ...bond];
      const record = requestRecordOps(store, miner, requestId, params, txs, this.#d.now());
      await ledger.commitLocked(txs, [...repaid.ops, ...record]);
      return false;
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
    const replayed = await store.exclusive(async () => {
      if (requestId !== undefined && (await priorRequest(store, miner, requestId, params))) return true;
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
      await ledger.commitLocked(txs, requestRecordOps(store, miner, requestId, params, txs, this.#d.now()));
      return false;
    });
    return { status: await this.status(nodeId), replayed };
  }

  async #penalty(id: string): Promise<PenaltyRecord> {
    const p = await this.#d.store.get<PenaltyRecord>(this.#d.store.sublevel(PENALTIES_SUBLEVEL), id);
    if (!p) throw new BondError('PENALTY_NOT_FOUND', `no penalty ${id}`);
    return p;
  }

  /** True when `miner` is the miner of node `nodeId` (NODE_NOT_FOUND when there is none). */
  async owns(miner: string, nodeId: string): Promise<boolean> {
    return (await this.#node(nodeId)).miner === miner;
  }

  /** The node's miner appeals a proposed penalty before its window closes. */
  async appeal(miner: string, id: string, reason: string): Promise<PenaltyRecord> {
    const { store } = this.#d;
    return store.exclusive(async () => {
      const p = await this.#penalty(id);
      if ((await this.#node(p.nodeId)).miner !== miner)
        throw new BondError('PENALTY_NOT_YOURS', 'the penalty is on another miner’s node');
      if (p.state !== 'proposed') throw new BondError('PENALTY_DECIDED', `the penalty is ${p.state}`);
      const now = this.#d.now();
      if (now.getTime() >= Date.parse(p.appealBy))
        throw new BondError('PENALTY_APPEAL_CLOSED', `the appeal window closed at ${p.appealBy}`);
      const next: PenaltyRecord = { ...p, state: 'appealed', appeal: { reason, at: now.toISOString() } };
      await store.write(penaltyOps(store, next));
      return next;
    });
  }

  /**
   * The operator decides an appeal: waived, or upheld (taken at once when the
   * window has closed, else by the tick when it does).
   */
  async decide(operator: string, id: string, uphold: boolean): Promise<PenaltyRecord> {
    const { store } = this.#d;
    return store.exclusive(async () => {
      const p = await this.#penalty(id);
      if (p.state === 'proposed') throw new BondError('PENALTY_NOT_APPEALED', 'the penalty was not appealed');
      if (p.state !== 'appealed') throw new BondError('PENALTY_DECIDED', `the penalty is ${p.state}`);
      const now = this.#d.now();
      const decision = { uphold, by: operator, at: now.toISOString() };
      const next: PenaltyRecord = { ...p, state: uphold ? 'upheld' : 'waived', decision };
      if (uphold && now.getTime() >= Date.parse(p.appealBy)) return this.#takeLocked(next, now);
      await store.write(penaltyOps(store, next));
      return next;
    });
  }

  /**
   * One pass over the open penalties: note when an offline node came back,
   * and take every penalty whose window has closed unappealed or upheld.
   */
  async tick(): Promise<string[]> {
    const { store } = this.#d;
    return store.exclusive(async () => {
      const now = this.#d.now();
      const taken: string[] = [];
      for (let p of await openPenalties(store)) {
        if (p.cause === 'offline' && p.offlineSince !== undefined && p.returnedAt === undefined) {
          const node = await this.#node(p.nodeId);
          if (node.lastHeartbeat !== undefined && node.lastHeartbeat > p.offlineSince) {
            p = { ...p, returnedAt: node.lastHeartbeat };
            await store.write(penaltyOps(store, p));
          }
        }
        const due =
          (p.state === 'proposed' || p.state === 'upheld') && now.getTime() >= Date.parse(p.appealBy);
        if (due) taken.push((await this.#takeLocked(p, now)).id);
      }
      return taken;
    });
  }

  // Take `p` now: the amount (an outage measured to the node's return, or to now), bond first, debt for the rest.
  async #takeLocked(p: PenaltyRecord, now: Date): Promise<PenaltyRecord> {
    const { ledger, store, economics } = this.#d;
    const end = p.returnedAt === undefined ? now.getTime() : Date.parse(p.returnedAt);
    const outage = p.offlineSince === undefined ? 0 : Math.max(0, (end - Date.parse(p.offlineSince)) / 1000);
    const amount =
      p.cause === 'offline' ? penaltyAmount('offline', outage, economics.bonds) : BigInt(p.amount);
    const { fromBond, debt } = takePenalty(amount, ledger.balance(bondAccount(p.nodeId)));
    const split = splitPenalty(fromBond, economics.bonds);
    const meta = { penalty: p.id, cause: p.cause, run: p.runId };
    const txs: TransactionInput[] = [];
    if (fromBond > 0n)
      txs.push({
        key: `penalty:${p.id}`,
        kind: 'penalty',
        postings: legs(
          { account: bondAccount(p.nodeId), amount: -fromBond },
          { account: `user:${p.buyer}`, amount: split.buyer },
          { account: 'platform', amount: split.platform },
        ),
        ref: p.nodeId,
        memo: `penalty ${p.cause}: from the bond`,
        meta,
      });
    if (debt > 0n)
      txs.push({
        key: `debt:${p.id}`,
        kind: 'penalty',
        postings: [
          { account: 'mint', amount: -debt },
          { account: debtAccount(p.nodeId), amount: debt },
        ],
        ref: p.nodeId,
        memo: `penalty ${p.cause}: beyond the bond, owed`,
        meta,
      });
    const at = now.toISOString();
    const taken = { at, amount: amount.toString(), fromBond: fromBond.toString(), debt: debt.toString() };
    const next: PenaltyRecord = {
      ...p,
      state: 'taken',
      amount: amount.toString(),
      taken,
      debt: debt.toString(),
    };
    if (txs.length === 0) await store.write(penaltyOps(store, next));
    else await ledger.commitLocked(txs, penaltyOps(store, next));
    return next;
  }

  // Repay up to `amount` of the node's debt from `payer`, oldest penalty first, each split like a taking.
  async #repayLocked(
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
    const { txs, ops } = await this.#repayLocked(nodeId, toDebt, payer, keyBase);
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
    const node = await this.#node(nodeId);
    const miner = `user:${node.miner}`;
    const entry = await ledger.entryByKey(`settle:${runId}`);
    const earned = (entry?.postings ?? [])
      .filter((p) => p.account === miner)
      .reduce((sum, p) => sum + BigInt(p.amount), 0n);
    const balance = ledger.balance(miner);
    const available = earned < balance ? earned : balance;
    if (available <= 0n) return;
    const { toDebt } = repayFirst(available, debt);
    const repaid = await this.#repayLocked(nodeId, toDebt, miner, `repay:settle:${runId}`);
    if (repaid.txs.length > 0) await ledger.commitLocked(repaid.txs, repaid.ops);
  }
}
