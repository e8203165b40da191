/**
 * The nodes' routes on the mTLS listener (docs/node-protocol.md sections 1,
 * 2 and 4): the CA and enrollment (no certificate yet), heartbeats, the job
 * long-poll, and a train job's egress records (through the guard), completion and failure. Every route
 * but the first two acts for the node of the verified certificate, which must
 * be enrolled here and not revoked (NODE_UNKNOWN).
 */
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { nodeOf } from './peer.js';
import { controlOf } from './control.js';
import type { ControlRecord } from './control.js';
import { activeJobs } from './jobs.js';
import { completeRun, failRun } from './progress.js';
import {
  CaReply,
  CompleteBody,
  EgressBody,
  EgressReply,
  EnrollBody,
  EnrollReply,
  ErrorReply,
  FailBody,
  HeartbeatBody,
  HeartbeatReply,
  JobReply,
  JobsQuery,
  RunParams,
  RunStateReply,
} from './schemas.js';

export const nodeRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { nodes, store, options } = app.gateway;
  const { registry, scheduler, progress } = nodes;

  app.get(
    '/v1/node/ca',
    {
      config: { enrollment: true },
      schema: {
        summary: 'The node CA certificate (no client certificate needed); pin it with the token',
        tags: ['nodes'],
        response: { 200: CaReply, '4xx': ErrorReply },
      },
    },
    async () => ({ certificate: (await registry.pki()).ca.certPem }),
  );

  app.post(
    '/v1/node/enroll',
    {
      config: { enrollment: true },
      schema: {
        summary: 'Enroll a node with a one-time token and a CSR from its Ed25519 key',
        tags: ['nodes'],
        body: EnrollBody,
        response: { 201: EnrollReply, '4xx': ErrorReply },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await registry.enroll(request.body.token, request.body.csr)),
  );

  app.post(
    '/v1/node/heartbeat',
    {
      schema: {
        summary: "Report capacity and running runs; the reply carries the buyers' cancel/pause/resume",
        tags: ['nodes'],
        body: HeartbeatBody,
        response: { 200: HeartbeatReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await registry.heartbeat(nodeOf(request).nodeId, request.body);
      const runIds = new Set([...node.running, ...(await activeJobs(store, node.id)).map((j) => j.runId)]);
      const control: ControlRecord[] = [];
      for (const runId of runIds) {
        const pending = await controlOf(store, runId);
        if (pending) control.push(pending);
      }
      return {
        now: options.now().toISOString(),
        heartbeatSeconds: options.heartbeatSeconds,
        control: control.map(({ runId, action }) => ({ runId, action })),
      };
    },
  );

  app.get(
    '/v1/node/jobs',
    {
      schema: {
        summary: 'Long-poll for a job (204 when none came within waitSeconds)',
        tags: ['nodes'],
        querystring: JobsQuery,
        response: { 200: JobReply, 204: { type: 'null', description: 'no job' }, '4xx': ErrorReply },
      },
    },
    async (request, reply) => {
      const node = await registry.caller(nodeOf(request).nodeId);
      const gone = new AbortController();
      request.raw.once('close', () => gone.abort());
      const job = await scheduler.next(node.id, request.query.waitSeconds ?? 0, gone.signal);
      if (!job) return reply.code(204).send();
      // docs/sealing-figures.md: the nonce comes with the job, so the key release is one round trip
      const issued = await app.gateway.broker.issueJobNonce(node.id, job);
      const nonce = { value: issued.nonce, expiresAt: issued.expiresAt, ttlSeconds: issued.ttlSeconds };
      return { job: { ...job, model: structuredClone(job.model), nonce } };
    },
  );

  app.post(
    '/v1/node/runs/:runId/egress',
    {
      schema: {
        summary:
          "A train job's egress records, in seq order, through the guard (docs/egress-protocol.md section 3)",
        tags: ['nodes'],
        params: RunParams,
        body: EgressBody,
        response: { 200: EgressReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await registry.caller(nodeOf(request).nodeId);
      const { jobId, records } = request.body;
      return app.gateway.guard.runEgress(node, request.params.runId, jobId, records);
    },
  );

  app.post(
    '/v1/node/runs/:runId/complete',
    {
      schema: {
        summary: 'Finish a train job: the sealed output (uploaded first) and the signed usage receipt',
        tags: ['nodes'],
        params: RunParams,
        body: CompleteBody,
        response: { 200: RunStateReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await registry.caller(nodeOf(request).nodeId);
      // The job's egress is over: records the guard still holds back are resolved first.
      await app.gateway.guard.endEgress(node, request.params.runId, request.body.jobId);
      const run = await completeRun(progress, node, request.params.runId, request.body);
      return { runId: run.id, state: run.state };
    },
  );

  app.post(
    '/v1/node/runs/:runId/fail',
    {
      schema: {
        summary:
          'A train job failed (the run fails and the buyer is refunded; RUN_CANCELLED confirms a cancel)',
        tags: ['nodes'],
        params: RunParams,
        body: FailBody,
        response: { 200: RunStateReply, '4xx': ErrorReply },
      },
    },
    async (request) => {
      const node = await registry.caller(nodeOf(request).nodeId);
      await app.gateway.guard.endEgress(node, request.params.runId, request.body.jobId);
      const run = await failRun(progress, node, request.params.runId, request.body);
      return { runId: run.id, state: run.state };
    },
  );
  done();
};
