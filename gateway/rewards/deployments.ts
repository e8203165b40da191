/**
 * The seed's deployment records (DESIGN.md 5 step 8, issue 6): `{timestamp,
 * nodeAddress, imageId}` for every successful sealed start, i.e. every run
 * that moved sealing -> running after its key was released. The record is
 * written in the same batch as that transition (gateway/broker/custody.ts
 * `startRun`), indexed by node so "first deployment" is one seek.
 *
 * Sublevel `node-deployments`, key `${nodeId}!${timestamp}!${runId}`: ISO
 * timestamps of fixed width sort in time order, `!` sorts before every id
 * character. The usage receipt's node-signed copy (sublevel `deployments`,
 * keyed by run, written on completion) is a different record: see
 * docs/rewards.md section 4.
 */
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { RewardError } from './errors.js';

export const NODE_DEPLOYMENTS_SUBLEVEL = 'node-deployments';

/** One successful sealed start. */
export interface DeploymentRecord {
  /** When the run entered `running` (ISO 8601). */
  readonly timestamp: string;
  /** The node's id (its address in the seed's terms). */
  readonly nodeAddress: string;
  /** The image digest the sealed container runs. */
  readonly imageId: string;
  readonly runId: string;
}

function keyOf(r: DeploymentRecord): string {
  return `${r.nodeAddress}!${r.timestamp}!${r.runId}`;
}

/** The op that stores `record` (for the batch of the run's `start`). */
export function deploymentOp(store: Store, record: DeploymentRecord): BatchOp {
  return put(store.sublevel(NODE_DEPLOYMENTS_SUBLEVEL), keyOf(record), record);
}

/** The earliest deployment of `nodeId`, if it has one. */
export async function firstDeployment(store: Store, nodeId: string): Promise<DeploymentRecord | undefined> {
  const [first] = (await store
    .sublevel(NODE_DEPLOYMENTS_SUBLEVEL)
    .values({ gt: `${nodeId}!`, lt: `${nodeId}!~`, limit: 1 })
    .all()) as DeploymentRecord[];
  return first;
}

/** A page of records, newest first; `next` is the cursor of the following page, or null. */
export interface DeploymentPage {
  readonly items: DeploymentRecord[];
  readonly next: string | null;
}

/** The deployments of `nodeId`, newest first, `limit` a page, before the opaque `cursor`. */
export async function deploymentsOf(
  store: Store,
  nodeId: string,
  limit: number,
  cursor?: string,
): Promise<DeploymentPage> {
  const prefix = `${nodeId}!`;
  if (cursor !== undefined && !cursor.startsWith(prefix))
    throw new RewardError('REWARD_BAD_CURSOR', 'the cursor is not from this node');
  const rows = (await store
    .sublevel(NODE_DEPLOYMENTS_SUBLEVEL)
    .values({ gt: prefix, lt: cursor ?? `${prefix}~`, limit: limit + 1, reverse: true })
    .all()) as DeploymentRecord[];
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? keyOf(items[items.length - 1]) : null };
}
