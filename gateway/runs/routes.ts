/**
 * Quote and run routes (issue 3, DESIGN.md 5 step 3): a buyer prices a run,
 * starts it from the quote, follows and cancels it; the dataset's seller
 * sees it too. Anyone else asking about a run gets 404 RUN_NOT_FOUND, not
 * 403, so run ids do not leak.
 */
import type { Static } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Account } from '../accounts/registry.js';
import { caller } from '../auth/signed.js';
import { requestControl } from '../nodes/control.js';
import { RunError } from './errors.js';
import type { QuoteRecord, RunRecord } from './record.js';
import type { RunService } from './service.js';
import {
  CancelBody,
  ErrorReply,
  QuoteBody,
  QuoteSchema,
  RunIdParams,
  RunListQuery,
  RunPageSchema,
  RunSchema,
  StartBody,
} from './schemas.js';

/** A run as the routes send it (the schema's arrays are mutable, the record's readonly). */
export function wireRun(run: RunRecord): Static<typeof RunSchema> {
  return { ...run, history: [...run.history] };
}

/** A quote as the routes send it. */
export function wireQuote(quote: QuoteRecord): Static<typeof QuoteSchema> {
  const { candidates, ...rest } = quote;
  return {
    ...rest,
    nodes: [...quote.nodes],
    ...(candidates === undefined ? {} : { candidates: candidates.map((c) => ({ ...c })) }),
  };
}

/** The run `id` if `account` is its buyer or seller, else RUN_NOT_FOUND. */
export async function runForParty(runs: RunService, id: string, account: Account): Promise<RunRecord> {
  const run = await runs.get(id);
  if (run.buyer !== account.id && run.seller !== account.id)
    throw new RunError('RUN_NOT_FOUND', `no run ${id}`);
  return run;
}

/** The run `id` if `account` is its buyer; its seller gets RUN_BUYER_ONLY, anyone else RUN_NOT_FOUND. */
export async function runForBuyer(runs: RunService, id: string, account: Account): Promise<RunRecord> {
  const run = await runForParty(runs, id, account);
  if (run.buyer !== account.id) throw new RunError('RUN_BUYER_ONLY', 'only the buyer of the run may do this');
  return run;
}

export const runRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { runs } = app.gateway;
  const security = [{ httpSignature: [] }];

  app.post(
    '/v1/quotes',
    {
      preValidation: app.signed(['buyer']),
      schema: {
        summary: 'Price a run: unit cost × steps + base fee + data price, in fiat and tokens',
        tags: ['runs'],
        security,
        body: QuoteBody,
        response: { 201: QuoteSchema, '4xx': ErrorReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(wireQuote(await runs.quote(caller(request).id, request.body))),
  );

  app.post(
    '/v1/runs',
    {
      preValidation: app.signed(['buyer']),
      schema: {
        summary: 'Start a run from a quote: re-check the dataset policy and escrow the quoted tokens',
        tags: ['runs'],
        security,
        body: StartBody,
        response: { 201: RunSchema, '4xx': ErrorReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(wireRun(await runs.start(caller(request).id, request.body.quote))),
  );

  app.get(
    '/v1/runs',
    {
      preValidation: app.signed(),
      schema: {
        summary: "The caller's runs, as buyer or (?as=seller) as the dataset's seller, newest first",
        tags: ['runs'],
        security,
        querystring: RunListQuery,
        response: { 200: RunPageSchema, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { as = 'buyer', limit = 50, cursor } = request.query;
      const page = await runs.list(caller(request).id, as, limit, cursor);
      return { ...page, items: page.items.map(wireRun) };
    },
  );

  app.get(
    '/v1/runs/:id',
    {
      preValidation: app.signed(),
      schema: {
        summary: 'A run (its buyer or its seller)',
        tags: ['runs'],
        security,
        params: RunIdParams,
        response: { 200: RunSchema, '4xx': ErrorReply },
      },
    },
    async (request) => wireRun(await runForParty(runs, request.params.id, caller(request))),
  );

  app.post(
    '/v1/runs/:id/cancel',
    {
      preValidation: app.signed(),
      schema: {
        summary:
          'Cancel a run: queued or placed at once (200); sealing or running once its node confirms or times out (202)',
        tags: ['runs'],
        security,
        params: RunIdParams,
        body: CancelBody,
        response: { 200: RunSchema, 202: RunSchema, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const run = await runForBuyer(runs, request.params.id, caller(request));
      const message = request.body.message ?? 'cancelled by the buyer';
      // issue 4 (docs/nodes.md): a container holds it, so the node is asked first (heartbeat control)
      if (run.state === 'sealing' || run.state === 'running') {
        const { store, now } = app.gateway;
        await store.exclusive(() => requestControl(store, run.id, 'cancel', now()));
        return reply.code(202).send(wireRun(run));
      }
      return wireRun(await runs.transition(run.id, 'cancel', { reason: { code: 'RUN_CANCELLED', message } }));
    },
  );
  done();
};
