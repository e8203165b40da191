/**
 * `POST /v1/runs/:id/ratings`: after settlement, the run's buyer rates its
 * seller and its seller rates its buyer, once each (DESIGN.md 5 step 10).
 * A non-party gets 404, as when it asks for the run.
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import type { Store } from '../store/index.js';
import { rateRun } from './service.js';
import { ErrorReply, RateRunParams, RatingBody, RatingSchema } from './schemas.js';
import { readSummary } from './summary.js';

/** An account's ratings as a seller and as a buyer, for its public profile. */
export async function profileRatings(store: Store, account: string) {
  const [asSeller, asBuyer] = await Promise.all([
    readSummary(store, account, 'seller'),
    readSummary(store, account, 'buyer'),
  ]);
  return { asSeller, asBuyer };
}

export const ratingRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, now } = app.gateway;
  app.post(
    '/v1/runs/:id/ratings',
    {
      preValidation: app.signed(),
      schema: {
        summary:
          'Rate the other side of a settled run (its buyer rates the seller, its seller the buyer), once',
        tags: ['ratings'],
        security: [{ httpSignature: [] }],
        params: RateRunParams,
        body: RatingBody,
        response: { 201: RatingSchema, '4xx': ErrorReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await rateRun(store, now, request.params.id, caller(request).id, request.body)),
  );
  done();
};
