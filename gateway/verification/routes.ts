/**
 * The verification routes (docs/egress-protocol.md §6): the dataset's seller
 * asks for a verification of an ended run (202 with its id) and reads it
 * (202 while the report is assembled, 200 with the signed report). Anyone
 * else gets 403 VERIFICATION_FORBIDDEN whether or not the id exists.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { caller } from '../auth/signed.js';
import { ErrorReply } from '../http/schemas.js';
import { VerificationError } from './errors.js';
import type { VerificationService } from './service.js';

const Id = Type.String({ pattern: '^[a-z]+_[a-z2-7]{26}$', maxLength: 64 });
const security = [{ httpSignature: [] }];

/** Options of {@link verificationRoutes}. */
export interface VerificationRoutesOptions {
  readonly service: VerificationService;
}

export const verificationRoutes: FastifyPluginCallbackTypebox<VerificationRoutesOptions> = (
  app,
  opts,
  done,
) => {
  const { service } = opts;
  app.post(
    '/v1/runs/:id/verifications',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: "Ask for a signed verification report of an ended run (the dataset's seller)",
        tags: ['verification'],
        security,
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        response: { 202: Type.Object({ verificationId: Type.String() }), '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const verificationId = await service.request(caller(request).id, request.params.id);
      return reply.code(202).send({ verificationId });
    },
  );

  app.get(
    '/v1/verifications/:id',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'A verification: 202 while it is assembled, then 200 with the signed report',
        tags: ['verification'],
        security,
        params: Type.Object({ id: Id }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            verificationId: Type.String(),
            status: Type.Literal('done'),
            report: Type.Unknown(),
          }),
          202: Type.Object({ verificationId: Type.String(), status: Type.Literal('pending') }),
          '4xx': ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const record = await service.get(caller(request).id, request.params.id);
      if (record.status === 'pending')
        return reply.code(202).send({ verificationId: record.id, status: 'pending' as const });
      if (record.status === 'failed' || record.report === undefined)
        throw new VerificationError(
          'VERIFICATION_FAILED',
          record.error?.message ?? 'the report could not be assembled',
        );
      return { verificationId: record.id, status: 'done' as const, report: record.report };
    },
  );
  done();
};
