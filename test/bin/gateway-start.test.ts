/**
 * `sealgate gateway start` as an operator runs it: the built binary in a child
 * process over a temp data directory, on a port the OS picks. It prints its
 * URL, serves, refuses a second gateway on the same data or port with one
 * line, and on SIGTERM or SIGINT closes and exits 0 with nothing left
 * listening and the data directory free again.
 */
import { readFile } from 'node:fs/promises';
import tls from 'node:tls';
import t from 'tap';
import { join } from 'node:path';
import { assertOneLine, refused, sealgate, sealgateProcess, startGatewayProcess } from './sealgate.js';

t.test('prints its URL as a line, serves, and on SIGTERM exits 0 with nothing listening', async (t) => {
  const data = join(t.testdir(), 'gw');
  const gw = await startGatewayProcess(t, data);
  t.match(gw.line, /^http:\/\/127\.0\.0\.1:\d+$/, 'the first stdout line is the URL');
  const health = await fetch(`${gw.url}/healthz`);
  t.same(await health.json(), { status: 'ok' });
  t.equal(await gw.stop('SIGTERM'), 0, 'exit 0 after SIGTERM');
  t.ok(await refused(gw.url), 'nothing listens on its port any more');
  t.match(gw.stderr(), /"signal":"SIGTERM".*\n.*"msg":"closed"/, 'it logged the close as pino JSON lines');

  const again = await startGatewayProcess(t, data, '--json');
  t.match(again.line, /^\{"url":"http:\/\/127\.0\.0\.1:\d+"\}$/, '--json prints {url}');
  t.equal(await again.stop('SIGINT'), 0, 'the store was closed: it reopens, and SIGINT also exits 0');
  t.ok(await refused(again.url));
});

t.test('a second gateway on the same data directory or the same port is one line, exit 1', async (t) => {
  const dir = t.testdir();
  const gw = await startGatewayProcess(t, join(dir, 'a'));
  const port = new URL(gw.url).port;
  const sameData = await sealgateProcess(['gateway', 'start', '--port', '0', '--data', join(dir, 'a')]);
  assertOneLine(t, sameData, 'SERVER_DATA_LOCKED');
  const samePort = await sealgateProcess(['gateway', 'start', '--port', port, '--data', join(dir, 'b')]);
  assertOneLine(t, samePort, 'SERVER_LISTEN');
  t.match(samePort.stderr, /--port/, 'it says what to do next');
  t.equal(await gw.stop(), 0, 'the first one was not disturbed');
});

t.test("bad ports are usage errors; --node-port serves the nodes' mTLS API", async (t) => {
  const dir = t.testdir();
  // Usage errors come before anything starts: the binary's runner in this process says the same.
  for (const port of ['-1', '65536', 'http', '']) {
    const r = await sealgate(['gateway', 'start', `--port=${port}`, '--data', dir]);
    assertOneLine(t, r, 'CLI_USAGE');
  }
  const gw = await startGatewayProcess(t, join(dir, 'gw'), '--node-port', '0');
  const nodeUrl = /^nodes: (https:\/\/127\.0\.0\.1:\d+)$/m.exec(gw.stdout())?.[1];
  t.ok(nodeUrl, 'the node API URL is printed as a second line');
  const caPem = await readFile(join(dir, 'gw', 'ca', 'ca-cert.pem'), 'utf8');
  // Without a node certificate only enrollment is served (issue 4): anything else is 403 AUTH_NOT_NODE.
  const ask = (path: string) =>
    new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: Number(new URL(nodeUrl ?? '').port), ca: caPem });
      let text = '';
      socket.on('secureConnect', () =>
        socket.write(`GET ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`),
      );
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      socket.on('close', () => resolve(text));
    });
  const stranger = await ask('/v1/node/jobs');
  t.match(stranger, /^HTTP\/1\.1 403/, 'a client without a certificate is refused');
  t.match(stranger, /AUTH_NOT_NODE/);
  t.match(await ask('/v1/node/ca'), /^HTTP\/1\.1 200/, 'the CA is served for enrollment');
  t.equal(await gw.stop(), 0);
});
