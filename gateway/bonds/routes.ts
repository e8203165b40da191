/**
 * Bonds and penalties on the public API (docs/bonds-and-placement.md): a
 * miner posts and withdraws its node's bond and appeals a penalty; the
 * operator decides appeals; the miner and the operator read a node's bond,
 * debt and penalties. The plugin also runs the penalty tick every
 * sweepSeconds (started when the app is ready, stopped before it closes).
 */
import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Amount } from '../../policies/index.js';
import { caller } from '../auth/signed.js';
import { BondError } from '../economics/index.js';
import { ErrorReply, NodeIdParams } from '../nodes/schemas.js';
import type { PenaltyRecord } from './records.js';
import { RequestId, ledgerKeyBase } from '../auth/request-ids.js';
import type { BondOutcome, BondStatus } from './bond.js';
import type { BondService } from './service.js';

const AmountBody = Type.Object(
  { amount: Amount, requestId: Type.Optional(RequestId) },
  { additionalProperties: false },
);
const AppealBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
const DecideBody = Type.Object({ uphold: Type.Boolean() }, { additionalProperties: false });
const PenaltyParams = Type.Object({ id: Type.String({ pattern: '^pen_[a-z-]+_job_[A-Za-z0-9_-]+$' }) });

const Penalty = Type.Object({
  id: Type.String(),
  nodeId: Type.String(),
  cause: Type.String(),
  runId: Type.String(),
  jobId: Type.String(),
  buyer: Type.String(),
  code: Type.String(),
  proposedAt: Type.String(),
  appealBy: Type.String(),
  offlineSince: Type.Optional(Type.String()),
  returnedAt: Type.Optional(Type.String()),
  amount: Type.String(),
  state: Type.String(),
  appeal: Type.Optional(Type.Object({ reason: Type.String(), at: Type.String() })),
  decision: Type.Optional(Type.Object({ uphold: Type.Boolean(), by: Type.String(), at: Type.String() })),
  taken: Type.Optional(
    Type.Object({ at: Type.String(), amount: Type.String(), fromBond: Type.String(), debt: Type.String() }),
  ),
  debt: Type.String(),
});

const Bond = Type.Object({
  nodeId: Type.String(),
  bond: Type.String(),
  debt: Type.String(),
  minimumBond: Type.String(),
  schedulable: Type.Boolean(),
  penalties: Type.Array(Penalty),
  replayed: Type.Optional(
    Type.Boolean({ description: 'true: a repeat of an applied request (same requestId); nothing moved' }),
  ),
});

function bondView(s: BondStatus): Static<typeof Bond> {
  return {
    nodeId: s.nodeId,
    bond: s.bond.toString(),
    debt: s.debt.toString(),
    minimumBond: s.minimumBond.toString(),
    schedulable: s.schedulable,
    penalties: s.penalties.map(penaltyView),
  };
}

// A post's or withdrawal's reply: the bond now, marked `replayed` when the request id had applied before.
function outcomeView(o: BondOutcome): Static<typeof Bond> {
  return o.replayed ? { ...bondView(o.status), replayed: true } : bondView(o.status);
}

function penaltyView(p: PenaltyRecord): Static<typeof Penalty> {
  return JSON.parse(JSON.stringify(p)) as Static<typeof Penalty>;
}

export interface BondRoutesOptions {
  readonly service: BondService;
}

export const bondRoutes: FastifyPluginCallbackTypebox<BondRoutesOptions> = (app, { service }, done) => {
  const { options } = app.gateway;
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', () => {
    timer = setInterval(() => void service.tick().catch(() => undefined), options.sweepSeconds * 1000);
    timer.unref();
  });
  app.addHook('preClose', (hookDone) => {
    clearInterval(timer);
    hookDone();
  });
  const keyOf = (request: Parameters<typeof caller>[0], requestId: string | undefined): string =>
    ledgerKeyBase(caller(request).id, request.signedBy?.nonce ?? '', requestId);

  app.post(
    '/v1/nodes/:nodeId/bond',
    {
      preValidation: app.signed(['miner']),
      schema: {
        summary: "Post tokens to a node's bond from its miner's account; debt is repaid first",
        tags: ['bonds'],
        params: NodeIdParams,
        body: AmountBody,
        response: { 201: Bond, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const { nodeId } = request.params;
      const { requestId } = request.body;
      const amount = BigInt(request.body.amount);
      const key = keyOf(request, requestId);
      return reply
        .code(201)
        .send(outcomeView(await service.post(caller(request).id, nodeId, amount, key, requestId)));
    },
  );

  app.post(
    '/v1/nodes/:nodeId/bond/withdraw',
    {
      preValidation: app.signed(['miner']),
      schema: {
        summary: "Move tokens from a node's bond back to its miner (no active job, no pending penalty)",
        tags: ['bonds'],
        params: NodeIdParams,
        body: AmountBody,
        response: { 200: Bond, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { requestId } = request.body;
      const amount = BigInt(request.body.amount);
      const key = keyOf(request, requestId);
      return outcomeView(
        await service.withdraw(caller(request).id, request.params.nodeId, amount, key, requestId),
      );
    },
  );

  app.get(
    '/v1/nodes/:nodeId/bond',
    {
      preValidation: app.signed(),
      schema: {
        summary: "A node's bond, debt and penalties (its miner or the operator)",
        tags: ['bonds'],
        params: NodeIdParams,
        response: { 200: Bond, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const who = caller(request);
      const status = await service.status(request.params.nodeId);
      if (!who.roles.includes('operator') && !(await service.owns(who.id, request.params.nodeId)))
        throw new BondError('BOND_NOT_MINER', 'only the node’s miner or the operator sees its bond');
      return bondView(status);
    },
  );

  app.post(
    '/v1/penalties/:id/appeal',
    {
      preValidation: app.signed(['miner']),
      schema: {
        summary: 'Appeal a proposed penalty before its window closes (the node’s miner)',
        tags: ['bonds'],
        params: PenaltyParams,
        body: AppealBody,
        response: { 200: Penalty, '4xx': ErrorReply },
      },
    },
    async (request) =>
      penaltyView(await service.appeal(caller(request).id, request.params.id, request.body.reason)),
  );

  app.post(
    '/v1/penalties/:id/decide',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: 'Decide an appeal: uphold (taken) or waive (operator)',
        tags: ['bonds'],
        params: PenaltyParams,
        body: DecideBody,
        response: { 200: Penalty, '4xx': ErrorReply },
      },
    },
    async (request) =>
      penaltyView(await service.decide(caller(request).id, request.params.id, request.body.uphold)),
  );
  done();
};
