/**
 * The end of a predict job, on the nodes' mTLS listener
 * (docs/node-protocol.md section 4): the node posts the answers, or a
 * failure, for the inference its job names.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../http/schemas.js';
import { idPattern } from '../ids.js';
import { nodeOf } from '../nodes/peer.js';
import type { InferenceReport } from './service.js';
import { finishInference } from './service.js';

const Params = Type.Object(
  { inferenceId: Type.String({ pattern: idPattern('inf') }) },
  { additionalProperties: false },
);
const JobId = Type.String({ pattern: idPattern('job') });
const AnswersBody = Type.Object(
  { jobId: JobId, answers: Type.Array(Type.Unknown(), { maxItems: 100_000 }) },
  { additionalProperties: false },
);
const FailBody = Type.Object(
  {
    jobId: JobId,
    code: Type.String({ pattern: '^[A-Z][A-Z0-9_]{0,63}$' }),
    message: Type.String({ maxLength: 1000 }),
  },
  { additionalProperties: false },
);
const Reply = Type.Object({ inferenceId: Type.String(), state: Type.String() });

export const inferenceNodeRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, nodes, now, options, guard } = app.gateway;
  const deps = { store, scheduler: nodes.scheduler, now, maxBytes: options.inferenceMaxBytes, guard };

  const finish = async (nodeId: string, id: string, jobId: string, report: InferenceReport) => {
    const node = await nodes.registry.caller(nodeId);
    const record = await finishInference(deps, node, id, jobId, report);
    return { inferenceId: record.id, state: record.state };
  };

  app.post(
    '/v1/node/inferences/:inferenceId/answers',
    {
      schema: {
        summary: "A predict job's answers, one per query",
        tags: ['nodes'],
        params: Params,
        body: AnswersBody,
        response: { 200: Reply, '4xx': ErrorReply },
      },
    },
    (request) =>
      finish(nodeOf(request).nodeId, request.params.inferenceId, request.body.jobId, {
        kind: 'answers',
        answers: request.body.answers,
      }),
  );

  app.post(
    '/v1/node/inferences/:inferenceId/fail',
    {
      schema: {
        summary: 'A predict job failed',
        tags: ['nodes'],
        params: Params,
        body: FailBody,
        response: { 200: Reply, '4xx': ErrorReply },
      },
    },
    (request) =>
      finish(nodeOf(request).nodeId, request.params.inferenceId, request.body.jobId, {
        kind: 'fail',
        code: request.body.code,
        message: request.body.message,
      }),
  );
  done();
};
