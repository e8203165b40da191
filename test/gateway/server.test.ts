/**
 * gateway/server.ts: the gateway as a service, in process, on loopback over a
 * temp data directory: it listens on the port the OS picks and closes
 * cleanly; a taken port, a locked or unusable data directory each fail with
 * their own ServerError code.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ServerError, createLogger, startGateway } from '../../gateway/index.js';

/** No load shedding or rate limits: a shared test machine may lag at start-up (the ops plugin's own tests cover them). */
const relaxed = { maxEventLoopDelayMs: false, rateLimitPerMinute: false } as const;

/** A logger whose lines the test can read. */
function quietLogger() {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { logger: createLogger({}, sink), lines: () => text };
}

t.test('listens on a free port, serves, and closes (twice is fine)', async (t) => {
  const log = quietLogger();
  const gw = await startGateway({
    ...relaxed,
    dataDir: join(t.testdir(), 'gw'),
    port: 0,
    logger: log.logger,
  });
  t.match(gw.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.not(new URL(gw.url).port, '0');
  t.same(await (await fetch(`${gw.url}/healthz`)).json(), { status: 'ok' });
  t.match(log.lines(), /"msg":"Server listening at http:\/\/127\.0\.0\.1:\d+"/, 'pino logs JSON lines');
  await Promise.all([gw.close(), gw.close()]);
  await t.rejects(fetch(`${gw.url}/healthz`), TypeError, 'nothing listens any more');
});

t.test('IPv6 loopback is written in brackets', async (t) => {
  const gw = await startGateway({
    ...relaxed,
    dataDir: t.testdir(),
    host: '::1',
    port: 0,
    logger: quietLogger().logger,
  }).catch(() => undefined);
  if (gw === undefined) {
    t.pass('no IPv6 loopback here');
    return;
  }
  t.match(gw.url, /^http:\/\/\[::1\]:\d+$/);
  await gw.close();
});

t.test('a taken port, a data directory in use, an unusable one: each its own code', async (t) => {
  const dir = t.testdir();
  const logger = quietLogger().logger;
  const gw = await startGateway({ ...relaxed, dataDir: join(dir, 'a'), port: 0, logger });
  t.teardown(() => gw.close());
  const port = Number(new URL(gw.url).port);
  await t.rejects(startGateway({ dataDir: join(dir, 'b'), port, logger }), {
    name: 'ServerError',
    code: 'SERVER_LISTEN',
    message: `cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
  });
  await t.rejects(startGateway({ dataDir: join(dir, 'a'), port: 0, logger }), {
    name: 'ServerError',
    code: 'SERVER_DATA_LOCKED',
  });
  writeFileSync(join(dir, 'file'), 'not a directory');
  await t.rejects(startGateway({ dataDir: join(dir, 'file'), port: 0, logger }), ServerError);
  await t.rejects(startGateway({ dataDir: join(dir, 'file', 'x'), port: 0, logger }), {
    code: 'SERVER_DATA_UNUSABLE',
    message: /ENOTDIR/,
  });
  await t.rejects(startGateway({ dataDir: join(dir, 'c'), port: 70000, logger }), TypeError);
  await t.rejects(
    startGateway({ dataDir: '', port: 0, logger }),
    TypeError,
    'buildApp’s own checks pass through',
  );
});
