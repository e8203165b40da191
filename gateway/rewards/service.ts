/**
 * Closing a block (DESIGN.md 9, issue 6): under the store's lock, mint the
 * period's emission into the mining pool, pay the period's rewards from the
 * pool to the miners of the nodes that completed work, and seal the ledger
 * block. Emission, rewards and the debt the rewards repay (repay.ts) are ONE
 * commit group (with the per-node reward records, the repaid penalties and the
 * rewards state as its extra ops), committed just before the seal, so they
 * belong to the block they pay for and a reward is never paid without its
 * repayment. What the block does not pay
 * stays in the pool account: the carry-over is the pool's balance.
 *
 * A crash between the commit and the seal leaves the rewards state one block
 * ahead of the ledger's height; the next close sees it and only seals.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import type { EmissionSchedule } from '../economics/index.js';
import { blockRewards, emissionSchedule } from '../economics/index.js';
import type { Ledger, LedgerBlock, TransactionInput } from '../ledger/index.js';
import { userAccount } from '../runs/effects.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { blockActivity } from './activity.js';
import { emissionTx, rewardKey, rewardTx } from './entries.js';
import type { DebtCollector } from './repay.js';
import { blockRepayments } from './repay.js';
import type { BlockSummary, NodeRewardRecord } from './records.js';
import {
  GENESIS_KEY,
  MINING_POOL_ACCOUNT,
  REWARDS_SUBLEVEL,
  STATE_KEY,
  blockKey,
  nodeRewardOp,
  probabilityText,
} from './records.js';

export interface RewardServiceDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly now: () => Date;
  readonly economics: Pick<EconomicsParameters, 'emission' | 'token' | 'rewards'>;
  /** Genesis of the emission schedule on a store that has none yet (default: now, at first open). */
  readonly genesis?: Date;
  /** Repays a node's debt from its reward, in the block's commit (BondService; none: rewards repay nothing). */
  readonly debts?: DebtCollector;
}

/** What closing a block did. */
export interface ClosedBlock {
  readonly block: LedgerBlock;
  readonly summary: BlockSummary;
  /** Every node with work in the period (paid or not); empty when the close only sealed. */
  readonly rewards: readonly NodeRewardRecord[];
}

export class RewardService {
  readonly schedule: EmissionSchedule;
  readonly #d: RewardServiceDeps;
  readonly #genesis: Date;

  private constructor(deps: RewardServiceDeps, genesis: Date) {
    this.#d = deps;
    this.#genesis = genesis;
    this.schedule = emissionSchedule(deps.economics);
  }

  /** Open the rewards of `deps.store`; the first open records the genesis. */
  static async open(deps: RewardServiceDeps): Promise<RewardService> {
    const sub = deps.store.sublevel(REWARDS_SUBLEVEL);
    let genesis = await deps.store.get<string>(sub, GENESIS_KEY);
    if (genesis === undefined) {
      genesis = (deps.genesis ?? deps.now()).toISOString();
      await deps.store.write([put(sub, GENESIS_KEY, genesis)]);
    }
    return new RewardService(deps, new Date(genesis));
  }

  /** When emission started. */
  get genesis(): Date {
    return new Date(this.#genesis);
  }

  /** The carry-over: what the mining pool holds between blocks. */
  get carry(): bigint {
    return this.#d.ledger.balance(MINING_POOL_ACCOUNT);
  }

  /** The last paid block's summary, if any. */
  state(): Promise<BlockSummary | undefined> {
    return this.#d.store.get<BlockSummary>(this.#d.store.sublevel(REWARDS_SUBLEVEL), STATE_KEY);
  }

  /** The summary of the block at `height`, if it was paid. */
  summary(height: number): Promise<BlockSummary | undefined> {
    return this.#d.store.get<BlockSummary>(this.#d.store.sublevel(REWARDS_SUBLEVEL), blockKey(height));
  }

  /** Pay the period's rewards and seal the block; takes the store's lock. */
  closeBlock(): Promise<ClosedBlock> {
    return this.#d.store.exclusive(() => this.closeBlockLocked());
  }

  /** {@link closeBlock} for a caller that holds `store.exclusive`. */
  async closeBlockLocked(): Promise<ClosedBlock> {
    const { ledger } = this.#d;
    const height = ledger.height + 1;
    const last = await this.state();
    if (last?.height === height) return { block: await ledger.sealBlockLocked(), summary: last, rewards: [] };
    const paid = await this.#pay(height, last);
    return { ...paid, block: await ledger.sealBlockLocked() };
  }

  async #pay(height: number, last: BlockSummary | undefined): Promise<Omit<ClosedBlock, 'block'>> {
    const { store, ledger, economics } = this.#d;
    const genesisMs = this.#genesis.getTime();
    const startMs = last ? Date.parse(last.periodEnd) : genesisMs;
    const endMs = Math.max(this.#d.now().getTime(), startMs);
    const emitted = this.schedule.cumulative(endMs - genesisMs);
    const emission = emitted - BigInt(last?.emitted ?? '0');
    const pool = ledger.balance(MINING_POOL_ACCOUNT) + emission;
    const facts = await blockActivity(store, ledger);
    const period = { startMs, endMs };
    const result = blockRewards(
      economics.rewards,
      period,
      pool,
      facts.map((f) => f.activity),
    );
    const periodStart = new Date(startMs).toISOString();
    const periodEnd = new Date(endMs).toISOString();
    const txs: TransactionInput[] = [];
    if (emission > 0n) txs.push(emissionTx(height, emission, emitted, periodStart, periodEnd));
    // blockRewards leaves out nodes without a contribution: match by node id, not by index
    const minerOf = new Map(facts.map((f) => [f.activity.node, f.miner]));
    const paid = result.rewards.map((r) => ({ ...r, miner: minerOf.get(r.node) as string }));
    for (const r of paid) if (r.amount > 0n) txs.push(rewardTx(height, r, r.miner, result.network));
    // then, in the same group, each reward repays its node's debt first (repay.ts)
    const repay = await blockRepayments(
      this.#d.debts,
      height,
      paid.map((r) => ({ node: r.node, payer: userAccount(r.miner), amount: r.amount })),
    );
    txs.push(...repay.txs);
    const summary: BlockSummary = {
      height,
      periodStart,
      periodEnd,
      emission: String(emission),
      emitted: String(emitted),
      pool: String(pool),
      network: String(result.network),
      paid: String(result.paid),
      carry: String(result.carry),
      nodes: result.rewards.length,
    };
    const records = paid.map((r): NodeRewardRecord => ({
      height,
      node: r.node,
      miner: r.miner,
      periodStart,
      periodEnd,
      contribution: String(r.contribution),
      network: String(result.network),
      basis: r.basis,
      interruption: r.interruption,
      probability: probabilityText(r.ppm2),
      pool: String(pool),
      amount: String(r.amount),
      repaid: String(repay.repaid.get(r.node) ?? 0n),
      entryKey: r.amount > 0n ? rewardKey(height, r.node) : null,
    }));
    const sub = store.sublevel(REWARDS_SUBLEVEL);
    const ops: BatchOp[] = [
      ...repay.ops,
      ...records.map((r) => nodeRewardOp(store, r)),
      put(sub, blockKey(height), summary),
      put(sub, STATE_KEY, summary),
    ];
    if (txs.length > 0) await ledger.commitLocked(txs, ops);
    else await store.write(ops);
    return { summary, rewards: records };
  }
}
