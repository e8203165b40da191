/**
 * Operations: liveness (`/healthz`), readiness (`/readyz`: 503 while the
 * gateway shuts down, so a balancer stops sending work), per-client rate
 * limits (429 HTTP_RATE_LIMITED) and load shedding when the event loop lags
 * (503 HTTP_OVERLOADED). Health routes are exempt from both. While closing,
 * every answer closes its connection, so a graceful stop ends with the last
 * in-flight request (docs/operations.md).
 */
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ErrorBody } from '../http/error-handler.js';
import { ErrorReply } from '../http/schemas.js';

const Status = Type.Object({ status: Type.String() });

// Health checks and scrapes: a busy or closing gateway must still answer its monitoring.
const isHealthRoute = (url: string): boolean => url === '/healthz' || url === '/readyz' || url === '/metrics';

async function ops(app: FastifyInstance): Promise<void> {
  const { options } = app.gateway;
  let closing = false;
  app.addHook('preClose', () => {
    closing = true;
  });
  // A request that finishes during the close ends its keep-alive connection too: close() only
  // drops connections idle when it began, and would otherwise wait out keepAliveTimeout (72 s).
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });

  if (options.maxEventLoopDelayMs !== false) {
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      pressureHandler: (request, reply) => {
        // Health checks are answered under pressure too: a busy gateway is alive and ready.
        if (isHealthRoute(request.url)) return;
        void reply
          .code(503)
          .header('retry-after', '5')
          .send({
            error: { code: 'HTTP_OVERLOADED', message: 'the gateway is overloaded; retry shortly' },
          } satisfies ErrorBody);
      },
    });
  }
  if (options.rateLimitPerMinute !== false) {
    await app.register(rateLimit, {
      max: options.rateLimitPerMinute,
      timeWindow: 60_000,
      allowList: (request) => isHealthRoute(request.url),
      errorResponseBuilder: () => ({
        statusCode: 429,
        error: { code: 'HTTP_RATE_LIMITED', message: 'too many requests; slow down' },
      }),
    });
  }

  app.get(
    '/healthz',
    { schema: { summary: 'Liveness', tags: ['operations'], response: { 200: Status } } },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    { schema: { summary: 'Readiness', tags: ['operations'], response: { 200: Status, 503: ErrorReply } } },
    async (_request, reply) => {
      if (closing) {
        return reply
          .code(503)
          .send({ error: { code: 'HTTP_SHUTTING_DOWN', message: 'the gateway is shutting down' } });
      }
      return { status: 'ready' };
    },
  );
}

/** The operations plugin (not encapsulated: its limits apply to every route). */
export const opsPlugin = fp(ops, { name: 'sealgate-ops' });
