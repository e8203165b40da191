/**
 * A node's block rewards and deployment records through the gateway's API
 * (docs/rewards.md section 5): readable by the node's miner and the operator.
 */
import type { GatewayClient } from './gateway-client.js';
import { expectPage, expectShape, isDecimal, queryString } from './reply.js';

/** One node's reward for one block (amounts: decimal strings of base units). */
export interface NodeRewardInfo {
  readonly height: number;
  readonly node: string;
  readonly miner: string;
  readonly periodStart: string;
  readonly periodEnd: string;
  readonly contribution: string;
  readonly network: string;
  readonly basis: 'first-deployment' | 'established';
  readonly interruption: 'none' | 'forfeited' | 'window';
  readonly probability: string;
  readonly pool: string;
  readonly amount: string;
  /** Of `amount`, what repaid the node's debt first (absent from gateways before that). */
  readonly repaid?: string;
  readonly entryKey: string | null;
}

/** One successful sealed start of a node. */
export interface DeploymentInfo {
  readonly timestamp: string;
  readonly nodeAddress: string;
  readonly imageId: string;
  readonly runId: string;
}

/** Paging: at most `limit` (1..500), after the previous page's `cursor`. */
export interface PageRequest {
  readonly limit?: number;
  readonly cursor?: string;
}

const path = (nodeId: string, what: string, page: PageRequest) =>
  `/v1/nodes/${encodeURIComponent(nodeId)}/${what}${queryString({ ...page })}`;

/** The node's rewards, newest first. */
export async function listNodeRewards(
  client: GatewayClient,
  nodeId: string,
  page: PageRequest = {},
): Promise<{ items: NodeRewardInfo[]; next: string | null }> {
  const reply = await client.request('GET', path(nodeId, 'rewards', page), { signed: true });
  return expectPage(reply, 'node rewards', (v) =>
    expectShape<NodeRewardInfo>(v, 'a node reward', {
      height: 'number',
      node: 'string',
      periodEnd: 'string',
      contribution: isDecimal,
      probability: 'string',
      amount: isDecimal,
    }),
  );
}

/** The node's deployment records, newest first. */
export async function listNodeDeployments(
  client: GatewayClient,
  nodeId: string,
  page: PageRequest = {},
): Promise<{ items: DeploymentInfo[]; next: string | null }> {
  const reply = await client.request('GET', path(nodeId, 'deployments', page), { signed: true });
  return expectPage(reply, 'deployment records', (v) =>
    expectShape<DeploymentInfo>(v, 'a deployment record', {
      timestamp: 'string',
      nodeAddress: 'string',
      imageId: 'string',
      runId: 'string',
    }),
  );
}
