/**
 * Rewards over HTTP (docs/rewards.md section 5): the schedule's state
 * (public), and a node's reward records and deployment records, for the
 * node's miner or the operator only (node ids are public; what a node earns
 * and runs is not).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import { ErrorReply, PageQuery } from '../http/schemas.js';
import type { NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import { NodeIdParams } from '../nodes/schemas.js';
import type { Store } from '../store/index.js';
import { deploymentsOf } from './deployments.js';
import { RewardError } from './errors.js';
import { MINING_POOL_ACCOUNT, nodeRewards } from './records.js';

const PageQuerySchema = Type.Object(PageQuery, { additionalProperties: false });
const Next = Type.Union([Type.String(), Type.Null()]);
const NodeReward = Type.Object({
  height: Type.Integer(),
  node: Type.String(),
  miner: Type.String(),
  periodStart: Type.String(),
  periodEnd: Type.String(),
  contribution: Type.String({ description: 'Σ unit cost × steps of its completed work, fiat base units' }),
  network: Type.String(),
  basis: Type.Union([Type.Literal('first-deployment'), Type.Literal('established')]),
  interruption: Type.Union([Type.Literal('none'), Type.Literal('forfeited'), Type.Literal('window')]),
  probability: Type.String(),
  pool: Type.String(),
  amount: Type.String({ description: 'token base units' }),
  repaid: Type.String({
    description: "of amount, what repaid the node's debt first (token base units); the miner kept the rest",
  }),
  entryKey: Type.Union([Type.String(), Type.Null()]),
});
const Deployment = Type.Object({
  timestamp: Type.String(),
  nodeAddress: Type.String(),
  imageId: Type.String(),
  runId: Type.String(),
});
const Summary = Type.Object({
  genesis: Type.String(),
  total: Type.String({ description: 'tokens ever emitted, base units' }),
  emitted: Type.String(),
  carry: Type.String({ description: "the mining pool's balance between blocks" }),
  pool: Type.String(),
  height: Type.Integer({ description: 'the last paid block (0: none yet)' }),
});

// The node, when the caller is its miner or the operator.
async function ownedNode(store: Store, nodeId: string, who: { id: string; roles: readonly string[] }) {
  const node = await store.get<NodeRecord>(store.sublevel(NODES_SUBLEVEL), nodeId);
  if (!node) throw new RewardError('REWARD_NODE_NOT_FOUND', `no node ${nodeId}`);
  if (node.miner !== who.id && !who.roles.includes('operator'))
    throw new RewardError('REWARD_NOT_YOUR_NODE', "only the node's miner or the operator may read this");
  return node;
}

export const rewardRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, rewards } = app.gateway;

  app.get(
    '/v1/rewards',
    {
      schema: {
        summary: 'The emission schedule so far and the carry-over in the mining pool (public)',
        tags: ['rewards'],
        response: { 200: Summary },
      },
    },
    async () => {
      const state = await rewards.state();
      return {
        genesis: rewards.genesis.toISOString(),
        total: String(rewards.schedule.total),
        emitted: state?.emitted ?? '0',
        carry: String(rewards.carry),
        pool: MINING_POOL_ACCOUNT,
        height: state?.height ?? 0,
      };
    },
  );

  app.get(
    '/v1/nodes/:nodeId/rewards',
    {
      preValidation: app.signed(),
      schema: {
        summary: "A node's block rewards, newest first (its miner or the operator)",
        tags: ['rewards'],
        params: NodeIdParams,
        querystring: PageQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(NodeReward), next: Next }), '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await ownedNode(store, request.params.nodeId, caller(request));
      return nodeRewards(store, node.id, request.query.limit ?? 50, request.query.cursor);
    },
  );

  app.get(
    '/v1/nodes/:nodeId/deployments',
    {
      preValidation: app.signed(),
      schema: {
        summary:
          "A node's deployment records (successful sealed starts), newest first (its miner or the operator)",
        tags: ['rewards'],
        params: NodeIdParams,
        querystring: PageQuerySchema,
        response: { 200: Type.Object({ items: Type.Array(Deployment), next: Next }), '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await ownedNode(store, request.params.nodeId, caller(request));
      return deploymentsOf(store, node.id, request.query.limit ?? 50, request.query.cursor);
    },
  );

  done();
};
