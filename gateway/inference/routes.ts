/**
 * Sealed inference on the public API (DESIGN.md 5 step 12): the buyer of a
 * settled run posts queries and reads the answers. The sealed model itself
 * never leaves: `GET /v1/runs/:id/model` is 403 RUN_MODEL_SEALED for
 * everyone, and `GET /v1/blobs/:digest` is 403 BLOB_NODES_ONLY, signed or not
 * (blobs reach enrolled nodes only, on the mTLS listener).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import { DigestParams } from '../blobs/routes.js';
import { ErrorReply } from '../http/schemas.js';
import { idPattern } from '../ids.js';
import { runForBuyer } from '../runs/routes.js';
import { RunIdParams } from '../runs/schemas.js';
import { InferenceError } from './errors.js';
import type { InferenceRecord } from './record.js';
import { createInference, inferenceFor } from './service.js';

const InferBody = Type.Object(
  { inputs: Type.String({ minLength: 1, description: 'the queries, one JSON value a line (JSONL)' }) },
  { additionalProperties: false },
);
const InferenceIdParams = Type.Object(
  { id: Type.String({ pattern: idPattern('inf') }) },
  { additionalProperties: false },
);
const InferenceReply = Type.Object({
  inferenceId: Type.String(),
  runId: Type.String(),
  state: Type.Union(['queued', 'running', 'answered', 'failed'].map((s) => Type.Literal(s))),
  answers: Type.Optional(Type.Array(Type.Unknown())),
  reason: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

function view(record: InferenceRecord) {
  return {
    inferenceId: record.id,
    runId: record.runId,
    state: record.state,
    ...(record.answers ? { answers: [...record.answers] } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export const inferenceRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { runs, store, nodes, now, options } = app.gateway;
  const deps = { store, scheduler: nodes.scheduler, now, maxBytes: options.inferenceMaxBytes };

  app.post(
    '/v1/runs/:id/infer',
    {
      preValidation: app.signed(),
      bodyLimit: options.inferenceMaxBytes * 2 + 1024,
      schema: {
        summary: "Query a settled run's sealed model (its buyer); answered by a sealed predict job on a node",
        tags: ['inference'],
        params: RunIdParams,
        body: InferBody,
        response: { 202: Type.Object({ inferenceId: Type.String() }), '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const run = await runForBuyer(runs, request.params.id, caller(request));
      const record = await createInference(deps, run, request.body.inputs);
      return reply.code(202).send({ inferenceId: record.id });
    },
  );

  app.get(
    '/v1/inferences/:id',
    {
      preValidation: app.signed(),
      schema: {
        summary: 'An inference: its state and, once answered, the answers (its buyer)',
        tags: ['inference'],
        params: InferenceIdParams,
        response: { 200: InferenceReply, '4xx': ErrorReply },
      },
    },
    async (request) => view(await inferenceFor(store, request.params.id, caller(request).id)),
  );

  app.get(
    '/v1/runs/:id/model',
    {
      schema: {
        summary: 'The trained model stays sealed: always 403 (use `sealgate infer`)',
        tags: ['inference'],
        params: RunIdParams,
        response: { '4xx': ErrorReply },
      },
    },
    () => {
      throw new InferenceError(
        'RUN_MODEL_SEALED',
        'the trained model is sealed; query it with sealgate infer',
      );
    },
  );

  app.get(
    '/v1/blobs/:digest',
    {
      schema: {
        summary: 'Blobs are served to enrolled nodes only (on the mTLS listener): always 403 here',
        tags: ['blobs'],
        params: DigestParams,
        response: { '4xx': ErrorReply },
      },
    },
    () => {
      throw new InferenceError('BLOB_NODES_ONLY', 'blobs are served to enrolled nodes only');
    },
  );
  done();
};
