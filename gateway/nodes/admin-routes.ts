/**
 * The node side of the public API (docs/node-protocol.md section 1, docs/nodes.md):
 * the operator issues enrollment tokens and revokes nodes; any signed account
 * lists nodes (the operator with every field, others with id, online,
 * capacity and success rate only); buyers pause and resume their running
 * runs. The plugin also starts the scheduler and the fault sweeper once the
 * app is ready and stops them when it closes.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import { RunError } from '../runs/errors.js';
import { runForBuyer } from '../runs/routes.js';
import { RunIdParams } from '../runs/schemas.js';
import type { ControlAction } from './control.js';
import { requestControl } from './control.js';
import type { NodeRecord } from './records.js';
import type { NodeRegistry } from './registry.js';
import {
  EnrollTokenBody,
  EnrollTokenReply,
  ErrorReply,
  NodeIdParams,
  NodeListQuery,
  NodePage,
  NodeView,
  RevokeBody,
} from './schemas.js';
import { Type } from '@sinclair/typebox';

/** A node as `operator` or anyone else sees it. */
export function nodeView(
  registry: NodeRegistry,
  node: NodeRecord,
  operator: boolean,
): Static<typeof NodeView> {
  const done = node.jobsDone ?? 0;
  const total = done + (node.jobsAbandoned ?? 0);
  const view = {
    id: node.id,
    online: registry.online(node),
    capacity: node.capacity ? { ...node.capacity, gpus: node.capacity.gpus.map((g) => ({ ...g })) } : null,
    successRate: total === 0 ? null : done / total,
  };
  if (!operator) return view;
  return { ...node, ...view, running: [...node.running], faults: node.faults.map((f) => ({ ...f })) };
}

export const nodeAdminRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { nodes, runs, store, options } = app.gateway;
  const { registry, scheduler, sweeper } = nodes;

  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await scheduler.start();
    timer = setInterval(() => void sweeper.sweep().catch(() => undefined), options.sweepSeconds * 1000);
    timer.unref();
  });
  app.addHook('preClose', (hookDone) => {
    clearInterval(timer);
    scheduler.close();
    hookDone();
  });

  app.post(
    '/v1/admin/enroll-tokens',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: 'Issue a one-time node enrollment token for a miner account (operator)',
        tags: ['nodes'],
        body: EnrollTokenBody,
        response: { 201: EnrollTokenReply, '4xx': ErrorReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await registry.createToken(request.body.miner, request.body.ttlSeconds)),
  );

  app.post(
    '/v1/admin/nodes/:nodeId/revoke',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: "Revoke a node's certificate: it is refused on every node route from now on (operator)",
        tags: ['nodes'],
        params: NodeIdParams,
        body: RevokeBody,
        response: { 200: NodeView, '4xx': ErrorReply },
      },
    },
    async (request) =>
      nodeView(registry, await registry.revoke(request.params.nodeId, request.body.reason), true),
  );

  app.get(
    '/v1/nodes',
    {
      preValidation: app.signed(),
      schema: {
        summary: 'Enrolled nodes (any signed account; the operator sees every field)',
        tags: ['nodes'],
        querystring: NodeListQuery,
        response: { 200: NodePage, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const operator = caller(request).roles.includes('operator');
      const page = await registry.list(request.query.limit ?? 50, request.query.cursor);
      return { items: page.items.map((n) => nodeView(registry, n, operator)), next: page.next };
    },
  );

  app.get(
    '/v1/nodes/:nodeId',
    {
      preValidation: app.signed(),
      schema: {
        summary: 'One node (any signed account; the operator sees every field)',
        tags: ['nodes'],
        params: NodeIdParams,
        response: { 200: NodeView, '4xx': ErrorReply },
      },
    },
    async (request) =>
      nodeView(
        registry,
        await registry.get(request.params.nodeId),
        caller(request).roles.includes('operator'),
      ),
  );

  const control = (action: Exclude<ControlAction, 'cancel'>) =>
    app.post(
      `/v1/runs/:id/${action}`,
      {
        preValidation: app.signed(),
        schema: {
          summary: `Ask the node to ${action} a running run (its buyer); the node learns it from its heartbeat`,
          tags: ['runs'],
          params: RunIdParams,
          response: {
            202: Type.Object({ runId: Type.String(), action: Type.String(), at: Type.String() }),
            '4xx': ErrorReply,
          },
        },
      },
      async (request, reply) => {
        const run = await runForBuyer(runs, request.params.id, caller(request));
        const record = await store.exclusive(async () => {
          const current = await runs.get(run.id);
          if (current.state !== 'running') {
            throw new RunError('RUN_NOT_RUNNING', `a ${current.state} run cannot ${action}`);
          }
          return requestControl(store, run.id, action, options.now());
        });
        return reply.code(202).send(record);
      },
    );
  control('pause');
  control('resume');
  done();
};
