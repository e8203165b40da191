/**
 * The fiat-to-token rate (DESIGN.md 9): anyone may read it; the operator
 * changes it. Quotes freeze the rate they were priced at.
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply, RateSchema, SetRateBody } from './schemas.js';

export const rateRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { tokenRate, now } = app.gateway;

  app.get(
    '/v1/rate',
    {
      schema: {
        summary: 'The rate quotes are priced at: `fiat` fiat base units are worth `tokens` token base units',
        tags: ['runs'],
        response: { 200: RateSchema },
      },
    },
    () => tokenRate.toJSON(),
  );

  app.post(
    '/v1/admin/rate',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary: 'Change the fiat-to-token rate (operator); existing quotes keep theirs',
        tags: ['admin'],
        security: [{ httpSignature: [] }],
        body: SetRateBody,
        response: { 200: RateSchema, '4xx': ErrorReply },
      },
    },
    async (request) =>
      tokenRate.set({ fiat: BigInt(request.body.fiat), tokens: BigInt(request.body.tokens) }, now()),
  );
  done();
};
