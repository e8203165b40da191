/**
 * `GET /v1/node/blobs/:digest` on the nodes' mTLS listener: the only way a
 * blob leaves the gateway, and only to an enrolled node (DESIGN.md 5 step 5).
 * The node checks the digest of what it receives (docs/blobs.md).
 * `PUT /v1/node/blobs/:digest`: an enrolled node uploads a sealed output,
 * streamed into the blob store and checked against its digest exactly as the
 * public upload is (docs/node-protocol.md section 2).
 */
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { DigestParams, putUpload } from '../blobs/routes.js';
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

  // Leave the body unread: the handler streams request.raw into the store.
  app.addContentTypeParser('application/octet-stream', (_request, _payload, next) => next(null, undefined));
  const Stored = Type.Object({ digest: Type.String(), size: Type.Integer(), created: Type.Boolean() });
  app.put(
    '/v1/node/blobs/:digest',
    {
      schema: {
        summary:
          'Upload a sealed output (application/octet-stream), addressed by its SHA-256 (enrolled nodes)',
        tags: ['nodes'],
        params: DigestParams,
        response: { 200: Stored, 201: Stored, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      await app.gateway.nodes.registry.caller(request.node?.nodeId ?? '');
      const stored = await putUpload(blobs, request.params.digest, request, reply);
      return reply.code(stored.created ? 201 : 200).send(stored);
    },
  );
  done();
};
