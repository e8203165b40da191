/**
 * The key broker's public face: the X25519 key that `broker`-custody data
 * keys are wrapped to; seller custody (the seller lists what waits for them,
 * approves with the key they sealed themselves, or declines); and the
 * operator's audit log of every release attempt.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { bytesToBase64 } from '../../attest/index.js';
import { caller } from '../auth/signed.js';
import { auditPage } from './audit.js';
import {
  ApproveBody,
  AuditPage,
  AuditQuery,
  ConcludedReply,
  ErrorReply,
  PendingRelease,
  ReleaseIdParams,
} from './schemas.js';

export const brokerRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const publicKey = bytesToBase64(app.gateway.identity.broker.publicKey);
  const { broker, store } = app.gateway;
  app.get(
    '/v1/broker',
    {
      schema: {
        summary: "The key broker's X25519 public key (wrap a dataset key to it for broker custody)",
        tags: ['broker'],
        response: { 200: Type.Object({ publicKey: Type.String({ description: 'X25519, base64' }) }) },
      },
    },
    () => ({ publicKey }),
  );

  app.get(
    '/v1/releases',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'Key releases waiting for you (seller custody), with the evidence to check yourself',
        tags: ['broker'],
        response: { 200: Type.Array(PendingRelease), '4xx': ErrorReply },
      },
    },
    async (request) =>
      (await broker.custody.pendingFor(caller(request).id)).map((w) => ({
        releaseId: w.releaseId,
        runId: w.runId,
        jobId: w.jobId,
        dataset: w.dataset,
        keyId: w.keyId,
        evidence: w.evidence,
        inspect: w.inspect,
        nodePublicKey: w.nodePublicKey,
        nonce: w.expectations.nonce,
        expectations: {
          ...w.expectations,
          supervisorDigests: [...w.expectations.supervisorDigests],
          runtimeVersions: [...w.expectations.runtimeVersions],
          allowedImageDigests: [...w.expectations.allowedImageDigests],
        },
        measurementDigest: w.measurementDigest,
        createdAt: w.createdAt,
      })),
  );

  app.post(
    '/v1/releases/:releaseId/approve',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'Approve a release on your dataset with the data key you sealed to the container',
        tags: ['broker'],
        params: ReleaseIdParams,
        body: ApproveBody,
        response: { 200: ConcludedReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const w = await broker.custody.approve(
        caller(request).id,
        request.params.releaseId,
        request.body.wrappedKey,
      );
      return { releaseId: w.releaseId, status: 'released' as const };
    },
  );

  app.post(
    '/v1/releases/:releaseId/decline',
    {
      preValidation: app.signed(['seller']),
      schema: {
        summary: 'Decline a release on your dataset: the container gets no key',
        tags: ['broker'],
        params: ReleaseIdParams,
        response: { 200: ConcludedReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const w = await broker.custody.decline(caller(request).id, request.params.releaseId);
      return { releaseId: w.releaseId, status: 'declined' as const };
    },
  );

  app.get(
    '/v1/audit/releases',
    {
      preValidation: app.signed(['operator']),
      schema: {
        summary:
          'The key-release audit log, newest first: every attempt, the rule that refused it, never a key',
        tags: ['broker', 'admin'],
        querystring: AuditQuery,
        response: { 200: AuditPage, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const { limit = 50, cursor, run } = request.query;
      const page = await auditPage(store, limit, cursor, run);
      return { items: page.items.map((r) => ({ ...r, judgements: [...r.judgements] })), next: page.next };
    },
  );
  done();
};
