/**
 * The rewards as stored (docs/rewards.md section 3). Sublevel `rewards`:
 * `genesis` (ISO time emission started), `state` (the last paid block's
 * summary) and `block!${height}` (every paid block's summary). Sublevel
 * `node-rewards`: `${nodeId}!${height, 12 digits}` -> a node's reward record
 * for that block, written in the same batch as the block's reward entries.
 */
import type { InterruptionEffect, RewardBasis } from '../economics/index.js';
import { PPM } from '../economics/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { RewardError } from './errors.js';

export const REWARDS_SUBLEVEL = 'rewards';
export const NODE_REWARDS_SUBLEVEL = 'node-rewards';
export const GENESIS_KEY = 'genesis';
export const STATE_KEY = 'state';

/** The ledger account emission enters and rewards leave; its balance is the carry-over. */
export const MINING_POOL_ACCOUNT = 'pool:mining';

/** A paid block, amounts in token base units (decimal strings). */
export interface BlockSummary {
  readonly height: number;
  /** The period it paid for: [periodStart, periodEnd). */
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Minted into the pool for this block, and in all up to its end. */
  readonly emission: string;
  readonly emitted: string;
  /** The pool before paying (carry-over + emission), the network's contribution, paid, carried over. */
  readonly pool: string;
  readonly network: string;
  readonly paid: string;
  readonly carry: string;
  /** How many nodes completed work in the period. */
  readonly nodes: number;
}

/** One node's reward for one block. */
export interface NodeRewardRecord {
  readonly height: number;
  readonly node: string;
  /** The account paid (ledger `user:${miner}`). */
  readonly miner: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  /** Σ unit cost × steps of its completed work (fiat base units), and the network's. */
  readonly contribution: string;
  readonly network: string;
  readonly basis: RewardBasis;
  readonly interruption: InterruptionEffect;
  /** The probability applied, as a decimal fraction with 12 places ("0.980100000000"). */
  readonly probability: string;
  readonly pool: string;
  readonly amount: string;
  /** Of `amount`, what repaid the node's debt first; the miner kept `amount − repaid`. */
  readonly repaid: string;
  /** The ledger entry's idempotency key, or null when nothing was paid. */
  readonly entryKey: string | null;
}

/** The key of a block's summary. */
export function blockKey(height: number): string {
  return `block!${String(height).padStart(12, '0')}`;
}

function nodeRewardKey(node: string, height: number): string {
  return `${node}!${String(height).padStart(12, '0')}`;
}

/** `ppm2` (parts per 10^12) as a decimal fraction with 12 places. */
export function probabilityText(ppm2: bigint): string {
  const scale = PPM * PPM;
  return `${ppm2 / scale}.${String(ppm2 % scale).padStart(12, '0')}`;
}

/** The op that stores a node's reward record. */
export function nodeRewardOp(store: Store, record: NodeRewardRecord): BatchOp {
  return put(store.sublevel(NODE_REWARDS_SUBLEVEL), nodeRewardKey(record.node, record.height), record);
}

/** A page of a node's reward records, newest first; `next` is the following page's cursor, or null. */
export interface NodeRewardPage {
  readonly items: NodeRewardRecord[];
  readonly next: string | null;
}

/** The reward records of `nodeId`, newest first, `limit` a page, before the opaque `cursor`. */
export async function nodeRewards(
  store: Store,
  nodeId: string,
  limit: number,
  cursor?: string,
): Promise<NodeRewardPage> {
  const prefix = `${nodeId}!`;
  if (cursor !== undefined && !cursor.startsWith(prefix))
    throw new RewardError('REWARD_BAD_CURSOR', 'the cursor is not from this node');
  const rows = (await store
    .sublevel(NODE_REWARDS_SUBLEVEL)
    .values({ gt: prefix, lt: cursor ?? `${prefix}~`, limit: limit + 1, reverse: true })
    .all()) as NodeRewardRecord[];
  // records written before rewards repaid debt have no `repaid`: nothing was
  const items = rows
    .slice(0, limit)
    .map((r) => ({ ...r, repaid: (r as Partial<NodeRewardRecord>).repaid ?? '0' }));
  const last = items[items.length - 1];
  return { items, next: rows.length > limit ? nodeRewardKey(last.node, last.height) : null };
}
