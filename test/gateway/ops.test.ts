/**
 * Operating the gateway (issue 3, Operations): health and readiness, rate
 * limits, load shedding, graceful shutdown that finishes in-flight writes,
 * and the one error handler that never shows a client a stack.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import Fastify from 'fastify';
import { GatewayClient } from '../../client/index.js';
import { buildApp } from '../../gateway/index.js';
import { installErrorHandlers } from '../../gateway/http/error-handler.js';
import { codeOf, gatewayForTest } from '../helpers/gateway.js';

t.test('health and readiness answer', async (t) => {
  const gw = await gatewayForTest(t);
  t.equal((await gw.app.inject({ url: '/healthz' })).statusCode, 200);
  t.same((await gw.app.inject({ url: '/readyz' })).json(), { status: 'ready' });
});

t.test('a client over its rate limit gets 429 HTTP_RATE_LIMITED; health checks are exempt', async (t) => {
  const gw = await gatewayForTest(t, { rateLimitPerMinute: 3 });
  for (let i = 0; i < 3; i++) t.equal((await gw.app.inject({ url: '/v1/datasets' })).statusCode, 200);
  const limited = await gw.app.inject({ url: '/v1/datasets' });
  t.equal(limited.statusCode, 429);
  t.equal(codeOf(limited), 'HTTP_RATE_LIMITED');
  t.equal((await gw.app.inject({ url: '/healthz' })).statusCode, 200, 'health is not limited');
});

t.test('a lagging event loop sheds load with 503 HTTP_OVERLOADED; health checks still answer', async (t) => {
  const gw = await gatewayForTest(t, { maxEventLoopDelayMs: 1 });
  // Hold the loop busy across a whole sampling interval (1 s) so the measured mean delay is high.
  const until = Date.now() + 1300;
  while (Date.now() < until) {
    const spin = Date.now() + 100;
    while (Date.now() < spin);
    await new Promise((resolve) => setImmediate(resolve));
  }
  const shed = await gw.app.inject({ url: '/v1/datasets' });
  t.equal(shed.statusCode, 503);
  t.equal(codeOf(shed), 'HTTP_OVERLOADED');
  t.equal((await gw.app.inject({ url: '/healthz' })).statusCode, 200);
});

t.test('closing finishes the write in flight, then refuses new work', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'sealgate-gw-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const app = await buildApp({ dataDir, rateLimitPerMinute: false, maxEventLoopDelayMs: false });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const operator = new GatewayClient({ gateway: url, key: app.gateway.identity.operator.keyPair });
  const credit = operator.request<{ seq: number }>('POST', '/v1/admin/credit', {
    body: { account: app.gateway.identity.operator.keyId, amount: '7', memo: 'in flight at shutdown' },
  });
  // Close as soon as the request has reached the gateway.
  await new Promise<void>((resolve) => app.server.once('request', () => resolve()));
  const closing = app.close();
  const { seq } = await credit;
  // The client keeps its socket alive; close() closed only the sockets idle when it began, so end
  // that one now, or close() waits out Fastify's 72 s keepAliveTimeout before it resolves.
  app.server.closeIdleConnections();
  await closing;
  t.ok(seq >= 1, 'the in-flight credit completed');
  const reopened = await buildApp({ dataDir, rateLimitPerMinute: false, maxEventLoopDelayMs: false });
  t.teardown(() => reopened.close());
  t.equal(
    reopened.gateway.ledger.balance(`user:${reopened.gateway.identity.operator.keyId}`),
    7n,
    'and is durable',
  );
});

t.test('an unexpected error is a 500 HTTP_INTERNAL with no stack or detail', async (t) => {
  const app = Fastify({ logger: false });
  installErrorHandlers(app);
  app.get('/boom', () => {
    throw new Error('secret detail at /home/op/key.json');
  });
  const res = await app.inject({ url: '/boom' });
  t.equal(res.statusCode, 500);
  t.same(res.json(), { error: { code: 'HTTP_INTERNAL', message: 'internal error' } });
  t.notMatch(res.body, /secret|stack|key\.json/);
});
