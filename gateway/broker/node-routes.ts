/**
 * The broker's routes on the nodes' mTLS listener (docs/node-protocol.md
 * §3): a nonce for a job, the evidence that releases a key, and the poll of a
 * release that waits for its seller. `request.node` is the caller's verified
 * node certificate (gateway/nodes/app.ts); the plugin is registered there.
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { VerifiedNodeCertificate } from '../../attest/index.js';
import { GatewayError } from '../errors.js';
import {
  ErrorReply,
  EvidenceBody,
  NonceBody,
  NonceReply,
  PendingReply,
  ReleaseIdParams,
  ReleasedReply,
  RunIdParams,
} from './schemas.js';

function nodeOf(request: FastifyRequest): VerifiedNodeCertificate {
  if (request.node === undefined)
    throw new GatewayError('AUTH_NOT_NODE', 'this route needs a node certificate');
  return request.node;
}

/** The broker's node routes (register on the nodes' app). */
export const brokerNodeRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { broker } = app.gateway;

  app.post(
    '/v1/node/runs/:runId/nonce',
    {
      schema: {
        summary: "A single-use nonce for the node's job of this run (a train job's first one starts sealing)",
        tags: ['nodes', 'broker'],
        params: RunIdParams,
        body: NonceBody,
        response: { 201: NonceReply, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const issued = await broker.issueNonce(nodeOf(request), request.params.runId, request.body.jobId);
      return reply.code(201).send(issued);
    },
  );

  app.post(
    '/v1/node/runs/:runId/evidence',
    {
      schema: {
        summary:
          'Evidence of the sealed container: the key sealed to its ephemeral key, or a wait for the seller',
        tags: ['nodes', 'broker'],
        params: RunIdParams,
        body: EvidenceBody,
        response: { 200: ReleasedReply, 202: PendingReply, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const result = await broker.release(nodeOf(request), request.params.runId, request.body);
      return reply.code(result.status === 'released' ? 200 : 202).send(result);
    },
  );

  app.get(
    '/v1/node/releases/:releaseId',
    {
      schema: {
        summary: 'A release waiting for its seller: 202 while pending, 200 with the sealed key once approved',
        tags: ['nodes', 'broker'],
        params: ReleaseIdParams,
        response: { 200: ReleasedReply, 202: PendingReply, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const w = await broker.custody.poll(nodeOf(request).nodeId, request.params.releaseId);
      if (w.status === 'released' && w.wrappedKey !== undefined) {
        return reply
          .code(200)
          .send({ status: 'released', releaseId: w.releaseId, wrappedKey: w.wrappedKey, keyId: w.keyId });
      }
      return reply.code(202).send({ status: 'pending', releaseId: w.releaseId });
    },
  );
  done();
};
