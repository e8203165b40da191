/**
 * The penalty lifecycle (docs/bonds-and-placement.md "Penalties"): a
 * proposed penalty may be appealed by the node's miner until its window
 * closes; the operator decides an appeal; the tick notes when an offline
 * node came back and takes what is due: from the bond first, split between
 * the harmed buyer and the platform, and the rest as debt on `debt:NODE`
 * (issued against the mint, the one account allowed below zero; debt.ts
 * retires it). Each change takes `store.exclusive` and is one write, or one
 * ledger commit with the penalty record.
 */
import { BondError, penaltyAmount, splitPenalty, takePenalty } from '../economics/index.js';
import type { TransactionInput } from '../ledger/index.js';
import type { PenaltyRecord } from './records.js';
import { PENALTIES_SUBLEVEL, openPenalties, penaltyOps } from './records.js';
import type { BondDeps } from './shared.js';
import { bondAccount, debtAccount, legs, nodeRecord } from './shared.js';

/** Appeals, decisions and the taking of penalties; part of {@link BondService}. */
export class Penalties {
  readonly #d: BondDeps;

  constructor(deps: BondDeps) {
    this.#d = deps;
  }

  async #penalty(id: string): Promise<PenaltyRecord> {
    const p = await this.#d.store.get<PenaltyRecord>(this.#d.store.sublevel(PENALTIES_SUBLEVEL), id);
    if (!p) throw new BondError('PENALTY_NOT_FOUND', `no penalty ${id}`);
    return p;
  }

  /** The node's miner appeals a proposed penalty before its window closes. */
  async appeal(miner: string, id: string, reason: string): Promise<PenaltyRecord> {
    const { store } = this.#d;
    return store.exclusive(async () => {
      const p = await this.#penalty(id);
      if ((await nodeRecord(store, p.nodeId)).miner !== miner)
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
          const node = await nodeRecord(store, p.nodeId);
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
}
