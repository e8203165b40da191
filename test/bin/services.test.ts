/**
 * The services as an operator runs them (issue 7, "Operating it"), in child
 * processes of the built binary: `sealgate gateway start` configured by a
 * --config file, logging pretty lines when asked (a terminal's default),
 * serving /metrics; a bad setting from a file or the environment is one line
 * naming the field; and SIGTERM with an upload in flight: the listener stops
 * accepting at once, the upload finishes, the store closes, exit 0.
 */
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { generateSigningKeyPair } from '../../attest/index.js';
import { GatewayClient, registerAccount } from '../../client/index.js';
import { assertOneLine, refused, sealgate, startGatewayProcess } from './sealgate.js';

t.test('--config FILE sets the gateway up; pretty logs; /metrics; bad settings are one line', async (t) => {
  const dir = t.testdir();
  const config = join(dir, 'gateway.json');
  await writeFile(
    config,
    JSON.stringify({
      logFormat: 'pretty',
      metricsCacheMs: 0,
      rateLimitPerMinute: 5,
      maxEventLoopDelayMs: false,
    }),
  );
  const gw = await startGatewayProcess(t, join(dir, 'gw'), '--config', config);
  const scrape = await fetch(`${gw.url}/metrics`);
  t.equal(scrape.status, 200);
  const text = await scrape.text();
  t.match(text, /\nsealgate_queue_length 0\n/);
  t.match(text, /\nsealgate_runs\{state="queued"\} 0\n/);
  t.match(text, /\nsealgate_ledger_height \d+\n/);
  t.match(text, /\nprocess_resident_memory_bytes \d+\n/);
  for (let i = 0; i < 6; i++) await fetch(`${gw.url}/v1/datasets`);
  t.equal((await fetch(`${gw.url}/v1/datasets`)).status, 429, "the file's rate limit applies");
  t.equal((await fetch(`${gw.url}/metrics`)).status, 200, 'scrapes are exempt');
  t.equal(await gw.stop('SIGTERM'), 0);
  t.match(gw.stderr(), /^\d\d:\d\d:\d\d\.\d{3} INFO {2}gateway: /m, 'pretty lines, as on a terminal');
  t.match(gw.stderr(), /gateway: closing: finishing in-flight requests signal=SIGTERM\n/);
  t.notMatch(gw.stderr(), /^\{/m, 'no JSON lines');

  await writeFile(join(dir, 'typo.json'), '{"prot": 7700}');
  assertOneLine(
    t,
    await sealgate(['gateway', 'start', '--config', join(dir, 'typo.json')]),
    'CONFIG_INVALID',
  );
  const typo = await sealgate(['gateway', 'start'], { SEALGATE_CONFIG: join(dir, 'typo.json') });
  t.match(typo.stderr, /typo\.json: unknown field 'prot'/, 'SEALGATE_CONFIG names the file too');
  const env = await sealgate(['gateway', 'start', '--data', join(dir, 'x')], {
    SEALGATE_GATEWAY_PORT: 'http',
  });
  assertOneLine(t, env, 'CONFIG_INVALID');
  t.match(env.stderr, /SEALGATE_GATEWAY_PORT must be a port number/);
  const level = await sealgate(['node', 'start', '--gateway', 'https://x:1'], { SEALGATE_LOG_LEVEL: 'loud' });
  assertOneLine(t, level, 'CONFIG_INVALID');
  t.match(level.stderr, /SEALGATE_LOG_LEVEL must be one of trace, debug/);
});

t.test('SIGTERM with an upload in flight: stops accepting, finishes it, closes, exits 0', async (t) => {
  const dir = t.testdir();
  const data = join(dir, 'gw');
  // No load shedding: this machine may be busy, and the point here is the shutdown.
  await writeFile(join(dir, 'gw.json'), JSON.stringify({ maxEventLoopDelayMs: false }));
  const gw = await startGatewayProcess(t, data, '--config', join(dir, 'gw.json'));
  const key = generateSigningKeyPair();
  const seller = new GatewayClient({ gateway: gw.url, key });
  await registerAccount(seller, ['seller'], 'uploader');

  // Random bytes made here, sent in two halves with SIGTERM in between.
  const blob = randomBytes(256 * 1024);
  const sha256 = createHash('sha256').update(blob).digest();
  let sentFirst!: () => void;
  const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
  let release!: () => void;
  const second = new Promise<void>((resolve) => (release = resolve));
  async function* body() {
    yield blob.subarray(0, blob.length / 2);
    sentFirst();
    await second;
    yield blob.subarray(blob.length / 2);
  }
  const upload = seller.sendStream('PUT', `/v1/blobs/sha256:${sha256.toString('hex')}`, body(), {
    sha256,
    length: blob.length,
  });
  await firstSent;
  await new Promise((r) => setTimeout(r, 200)); // let the first half reach the gateway
  gw.child.kill('SIGTERM');
  // The listener closes at once: a new connection is refused while the upload is still open.
  let closed = false;
  for (let i = 0; i < 100 && !closed; i++) {
    closed = await refused(gw.url);
    if (!closed) await new Promise((r) => setTimeout(r, 50));
  }
  t.ok(closed, 'no new connection is accepted once SIGTERM arrived');
  t.equal(gw.child.exitCode, null, 'it is still running: the upload is in flight');
  release();
  const response = await upload;
  t.ok(response.ok, `the in-flight upload finished (${response.status})`);
  // No second signal (that would end it at once): wait for it to finish by itself.
  const code = await new Promise<number | null>((resolve) => {
    if (gw.child.exitCode !== null) resolve(gw.child.exitCode);
    else gw.child.once('exit', (c) => resolve(c));
  });
  t.equal(code, 0, 'then it exits 0 by itself');
  t.match(gw.stderr(), /"msg":"closed"/, 'after the store closed');
  const again = await startGatewayProcess(t, data);
  t.equal(await again.stop(), 0, 'the data directory was released: it opens again');
});
