/**
 * The seller's view of the guard (docs/egress-protocol.md section 4 step 5):
 * `GET /v1/datasets/:id/flags`, signed by the dataset's seller, lists every
 * flag raised on the dataset's runs and inferences, by keyed hash (never
 * plaintext). Anyone else gets 403 DATASET_NOT_SELLER (dataset ids are public).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import { DatasetError } from '../datasets/errors.js';
import { DatasetIdParams } from '../datasets/schemas.js';
import { ErrorReply } from '../http/schemas.js';

const Flag = Type.Object({
  runId: Type.String(),
  inferenceId: Type.Optional(Type.String()),
  seq: Type.Integer(),
  rule: Type.String(),
  action: Type.String(),
  token: Type.Optional(Type.String()),
  at: Type.String(),
});
const FlagsReply = Type.Object({ items: Type.Array(Flag) });
const FlagsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })) },
  { additionalProperties: false },
);

export const guardRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { datasets, guard } = app.gateway;
  app.get(
    '/v1/datasets/:id/flags',
    {
      preValidation: app.signed(),
      schema: {
        summary: "The egress guard's flags on the dataset's runs (its seller only)",
        tags: ['datasets'],
        security: [{ httpSignature: [] }],
        params: DatasetIdParams,
        querystring: FlagsQuery,
        response: { 200: FlagsReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const dataset = await datasets.get(request.params.id);
      if (dataset.seller !== caller(request).id) {
        throw new DatasetError('DATASET_NOT_SELLER', 'only the dataset’s seller sees its flags');
      }
      const items = await guard.flags(dataset.id, request.query.limit ?? 1000);
      return { items: items.map((f) => ({ ...f })) };
    },
  );
  done();
};
