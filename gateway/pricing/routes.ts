/**
 * Unit costs in the open (issue 6): anyone may read each published model's
 * current unit cost and the adjustments that set it; the operator may run an
 * adjustment now (the gateway also runs one every unitCostAdjustSeconds).
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ErrorReply } from '../runs/schemas.js';
import type { ModelRecord } from '../models/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';

const Adjustment = Type.Object({
  id: Type.String(),
  at: Type.String(),
  nodes: Type.Integer(),
  changes: Type.Array(Type.Object({ model: Type.String(), from: Type.String(), to: Type.String() })),
});

const UnitCost = Type.Object({
  model: Type.String(),
  /** The unit cost quotes use now, fiat base units per step. */
  unitCost: Type.String(),
  /** The publisher's own, from model.json. */
  publisherUnitCost: Type.String(),
  /** The adjustment that set `unitCost`, or null when it is the publisher's. */
  adjustment: Type.Union([Type.String(), Type.Null()]),
});

export const pricingRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { pricing, store } = app.gateway;

  app.get(
    '/v1/pricing/unit-costs',
    {
      schema: {
        summary: "Each published model's current unit cost and the adjustment that set it",
        tags: ['runs'],
        response: { 200: Type.Object({ items: Type.Array(UnitCost) }) },
      },
    },
    async () => {
      const items = [];
      for await (const value of store.sublevel(MODELS_SUBLEVEL).values()) {
        const m = value as ModelRecord;
        if (m.status !== 'published') continue;
        const current = await pricing.unitCostOf(m);
        items.push({
          model: m.id,
          unitCost: String(current.perStep),
          publisherUnitCost: m.descriptor.unitCost,
          adjustment: current.adjustment,
        });
      }
      return { items };
    },
  );

  app.get(
    '/v1/pricing/adjustments',
    {
      schema: {
        summary: 'The latest unit-cost adjustments, newest first: when, and each model old → new',
        tags: ['runs'],
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }),
        response: { 200: Type.Object({ items: Type.Array(Adjustment) }) },
      },
    },
    async (request) => ({ items: await pricing.adjustments(request.query.limit) }),
  );

  app.post(
    '/v1/admin/pricing/adjust',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: 'Re-balance unit costs now (operator); null when no cost moved',
        tags: ['admin'],
        security: [{ httpSignature: [] }],
        response: {
          200: Type.Object({ adjustment: Type.Union([Adjustment, Type.Null()]) }),
          '4xx': ErrorReply,
        },
      },
    },
    async () => ({ adjustment: (await pricing.adjust()) ?? null }),
  );
  done();
};
