/**
 * `GET /v1/node/blobs/:digest` on the nodes' mTLS listener: the only way a
 * blob leaves the gateway, and only to an enrolled node (DESIGN.md 5 step 5).
 * The node checks the digest of what it receives (docs/blobs.md).
 */
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { DigestParams } from '../blobs/routes.js';
import { ErrorReply } from '../http/schemas.js';

export const nodeBlobRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { blobs } = app.gateway;
  app.get(
    '/v1/node/blobs/:digest',
    {
      schema: {
        summary: 'Download a blob (enrolled nodes only)',
        tags: ['nodes'],
        params: DigestParams,
        response: { 200: Type.Unsafe<Readable>({ type: 'string', format: 'binary' }), '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const size = (await blobs.stat(request.params.digest))?.size;
      const stream = await blobs.open(request.params.digest);
      void reply.header('content-type', 'application/octet-stream');
      if (size !== undefined) void reply.header('content-length', size);
      return reply.send(stream);
    },
  );
  done();
};
