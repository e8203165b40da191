/**
 * Bonds and penalties in the gateway (DESIGN.md 9; docs/bonds-and-placement.md):
 * the one object the routes, the settlements, the block rewards and the
 * simulation are given (`app.gateway.bonds`). It owns no rule of its own: it
 * builds the three parts over the same collaborators and hands each call to
 * the part that owns it, so callers keep one dependency while each lifecycle
 * changes in its own file:
 * - bond.ts: the bond (status, post and top-up, withdraw, who is penalised out);
 * - penalties.ts: the penalty (appeal, decision, the tick that takes it);
 * - debt.ts: the debt a taking leaves (repaid by top-ups, settlements, rewards).
 * Locking is unchanged: each public change takes `store.exclusive`, and the
 * `…Locked` methods run under the caller's lock.
 */
import type { PenaltyRecord } from './records.js';
import type { BondOutcome, BondStatus } from './bond.js';
import { Bonds } from './bond.js';
import type { DebtRepayment } from './debt.js';
import { Debts } from './debt.js';
import { Penalties } from './penalties.js';
import type { BondDeps } from './shared.js';

/** Bonds, penalties and debt over one store and ledger (`app.gateway.bonds`). */
export class BondService {
  readonly #bonds: Bonds;
  readonly #penalties: Penalties;
  readonly #debts: Debts;

  constructor(deps: BondDeps) {
    this.#debts = new Debts(deps);
    this.#bonds = new Bonds(deps, this.#debts);
    this.#penalties = new Penalties(deps);
  }

  // the bond (bond.ts)

  /** The node's bond, debt and penalties ({@link Bonds.status}). */
  status(nodeId: string): Promise<BondStatus> {
    return this.#bonds.status(nodeId);
  }

  /** Nodes placement must skip: debt outstanding or a forged-evidence penalty pending ({@link Bonds.penalisedOut}). */
  penalisedOut(nodeIds: Iterable<string>): Promise<Set<string>> {
    return this.#bonds.penalisedOut(nodeIds);
  }

  /** True when `miner` is the miner of node `nodeId` (NODE_NOT_FOUND when there is none). */
  owns(miner: string, nodeId: string): Promise<boolean> {
    return this.#bonds.owns(miner, nodeId);
  }

  /** Post `amount` to the node's bond, repaying its debt first ({@link Bonds.post}). */
  post(miner: string, nodeId: string, amount: bigint, key: string, requestId?: string): Promise<BondOutcome> {
    return this.#bonds.post(miner, nodeId, amount, key, requestId);
  }

  /** Move `amount` of the bond back to the miner ({@link Bonds.withdraw}). */
  withdraw(
    miner: string,
    nodeId: string,
    amount: bigint,
    key: string,
    requestId?: string,
  ): Promise<BondOutcome> {
    return this.#bonds.withdraw(miner, nodeId, amount, key, requestId);
  }

  // the penalty (penalties.ts)

  /** The node's miner appeals a proposed penalty before its window closes ({@link Penalties.appeal}). */
  appeal(miner: string, id: string, reason: string): Promise<PenaltyRecord> {
    return this.#penalties.appeal(miner, id, reason);
  }

  /** The operator waives or upholds an appealed penalty ({@link Penalties.decide}). */
  decide(operator: string, id: string, uphold: boolean): Promise<PenaltyRecord> {
    return this.#penalties.decide(operator, id, uphold);
  }

  /** Take every penalty that is due; the ids taken ({@link Penalties.tick}). */
  tick(): Promise<string[]> {
    return this.#penalties.tick();
  }

  // the debt (debt.ts)

  /**
   * The transactions and record ops repaying up to `amount` of the node's
   * debt from `payer`, committed by the caller under its lock ({@link Debts.repaymentLocked}).
   */
  repaymentLocked(nodeId: string, payer: string, amount: bigint, keyBase: string): Promise<DebtRepayment> {
    return this.#debts.repaymentLocked(nodeId, payer, amount, keyBase);
  }

  /** Repay the node's debt from its miner's share of run `runId`'s settlement ({@link Debts.collectFromSettlementLocked}). */
  collectFromSettlementLocked(runId: string, nodeId: string): Promise<void> {
    return this.#debts.collectFromSettlementLocked(runId, nodeId);
  }
}
