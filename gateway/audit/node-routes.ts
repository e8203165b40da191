/**
 * The end of an audit job, on the nodes' mTLS listener (docs/egress-protocol.md
 * section 5, docs/audit.md): the node posts the model's loss on each canary,
 * in the canary set's order, or a failure.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { ErrorReply } from '../http/schemas.js';
import { idPattern } from '../ids.js';
import { nodeOf } from '../nodes/peer.js';
import type { AuditReport } from './service.js';
import { finishAudit } from './service.js';

const Params = Type.Object(
  { auditId: Type.String({ pattern: idPattern('aud') }) },
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
const Reply = Type.Object({ auditId: Type.String(), state: Type.String() });

export const auditNodeRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { store, nodes, now } = app.gateway;
  const deps = { store, scheduler: nodes.scheduler, now };

  const finish = async (nodeId: string, id: string, jobId: string, report: AuditReport) => {
    const node = await nodes.registry.caller(nodeId);
    const record = await finishAudit(deps, node, id, jobId, report);
    return { auditId: record.id, state: record.state };
  };

  app.post(
    '/v1/node/audits/:auditId/answers',
    {
      schema: {
        summary: "An audit job's losses, one per canary of the canary set",
        tags: ['nodes'],
        params: Params,
        body: AnswersBody,
        response: { 200: Reply, '4xx': ErrorReply },
      },
    },
    (request) =>
      finish(nodeOf(request).nodeId, request.params.auditId, request.body.jobId, {
        kind: 'answers',
        answers: request.body.answers,
      }),
  );

  app.post(
    '/v1/node/audits/:auditId/fail',
    {
      schema: {
        summary: 'An audit job failed',
        tags: ['nodes'],
        params: Params,
        body: FailBody,
        response: { 200: Reply, '4xx': ErrorReply },
      },
    },
    (request) =>
      finish(nodeOf(request).nodeId, request.params.auditId, request.body.jobId, {
        kind: 'fail',
        code: request.body.code,
        message: request.body.message,
      }),
  );
  done();
};
