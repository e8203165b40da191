/**
 * Retrying `node bond`, `node unbond` and `admin credit` after a lost reply
 * (docs/cli.md "Retrying after a lost reply"), the CLI run in-process
 * against a real gateway listening on loopback (test/gateway/nodes/fixture.ts:
 * LevelDB in a temp dir). A tiny local proxy made here forwards a request to
 * the gateway, which applies it, and destroys the client's socket before
 * replying: the CLI says the outcome is unknown and names the request id;
 * re-running with `--request-id` answers replayed and moves nothing more. A
 * 5xx is an unknown outcome too; a refused connection is not (nothing was
 * sent). The SDK sends the id as an option.
 */
import t from 'tap';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GatewayClient, defaultKeyPath, newRequestId, postBond, saveKeyFile } from '../../client/index.js';
import type { SigningKeyPair } from '../../attest/index.js';
import { nodeMarket } from '../gateway/nodes/fixture.js';
import { json } from './market.js';
import type { Test } from './sealgate.js';
import { assertOneLine, sealgate } from './sealgate.js';

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

// A server on a free loopback port, closed when `t` ends.
async function serve(t: Test, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

// `upstream` applies the request; the client's socket is destroyed before any reply reaches it.
function losingReplies(upstream: string): Server {
  return createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
          headers[name] = value;
      const reply = await fetch(`${upstream}${req.url ?? '/'}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length === 0 ? {} : { body: new Uint8Array(body) }),
      });
      await reply.arrayBuffer();
      res.socket?.destroy();
    })();
  });
}

t.test('an unknown outcome names the request id; re-running with it moves money once', async (t) => {
  const m = await nodeMarket(t, { economics: { bonds: { minimumBond: '1000' } } });
  const url = await m.gw.app.listen({ host: '127.0.0.1', port: 0 });
  const node = await m.node();
  const { ledger } = m.gw.app.gateway;
  const root = t.testdir();
  const home = async (name: string, key: SigningKeyPair) => {
    const dir = join(root, name);
    await saveKeyFile(defaultKeyPath(dir, 'account'), 'account', key);
    return dir;
  };
  const miner = await home('miner', m.miner.key);
  const op = join(m.gw.dataDir, 'operator-key.json');
  // The market's clock is frozen (started at the real time); the CLI signs with the real clock.
  const as = (gateway: string, ...args: string[]) => {
    m.advance(Date.now() - m.gw.app.gateway.now().getTime());
    return sealgate([...args, '--gateway', gateway], { SEALGATE_HOME: miner });
  };
  const lossy = await serve(t, losingReplies(url));
  const minerBal = () => ledger.balance(`user:${m.miner.id}`);
  const idIn = (stderr: string) => /--request-id ([A-Za-z0-9_-]+) /.exec(stderr)?.[1] ?? '';

  // admin credit: the reply is lost after the gateway applied it.
  const lost = await as(lossy, 'admin', 'credit', m.miner.id, '5000', '--memo', 'bond', '--key-file', op);
  assertOneLine(t, lost, 'CLIENT_OUTCOME_UNKNOWN');
  t.match(lost.stderr, / re-run with --request-id [A-Za-z0-9_-]{22} to retry without posting twice /);
  t.equal(minerBal(), 5000n, 'the gateway applied it');
  const creditId = idIn(lost.stderr);
  const retried = await as(
    url,
    ...['admin', 'credit', m.miner.id, '5000', '--memo', 'bond', '--key-file', op],
    ...['--request-id', creditId],
  );
  t.equal(retried.code, 0, retried.stderr);
  t.match(retried.stdout, /balance 5000 .*\n\(request \S+ had already applied: nothing moved this time\)\n$/);
  t.equal(minerBal(), 5000n, 'credited once');

  // node bond: lost, then retried with the id (--json shows replayed).
  const lostBond = await as(lossy, 'node', 'bond', node.nodeId, '1000');
  assertOneLine(t, lostBond, 'CLIENT_OUTCOME_UNKNOWN');
  const bondId = idIn(lostBond.stderr);
  const again = await as(url, 'node', 'bond', node.nodeId, '1000', '--request-id', bondId, '--json');
  t.equal(again.code, 0, again.stderr);
  t.match(json(again.stdout), { bond: '1000', replayed: true });
  t.equal(minerBal(), 4000n, 'posted once');

  // node unbond: the same id for another amount is refused with its code.
  const unbondId = 'unbond-retry-test-0001';
  const unbond = (amount: string) => as(url, 'node', 'unbond', node.nodeId, amount, '--request-id', unbondId);
  t.equal((await unbond('300')).code, 0);
  t.match((await unbond('300')).stdout, /^bond +700 token base units$[^]*had already applied/m);
  assertOneLine(t, await unbond('301'), 'REQUEST_ID_REUSED');
  t.equal(minerBal(), 4300n, 'withdrawn once');
  assertOneLine(t, await as(url, 'node', 'bond', node.nodeId, '1', '--request-id', 'a b'), 'CLI_USAGE');

  // A 5xx is an unknown outcome; a refused connection is not (nothing was sent).
  const failing = await serve(
    t,
    createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'HTTP_INTERNAL', message: 'internal error' } }));
    }),
  );
  const five = await as(failing, 'node', 'bond', node.nodeId, '10', '--request-id', 'five-hundred-0000001');
  assertOneLine(t, five, 'CLIENT_OUTCOME_UNKNOWN');
  t.match(five.stderr, /internal error \(HTTP_INTERNAL\): .*--request-id five-hundred-0000001 /);
  const closed = createServer();
  const gone = await serve(t, closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await as(gone, 'node', 'bond', node.nodeId, '10');
  assertOneLine(t, refused, 'CLIENT_UNREACHABLE');
  t.notMatch(refused.stderr, /request-id/, 'a connection never made needs no retry hint');

  // The SDK sends the id as an option, through the real listener.
  m.advance(Date.now() - m.gw.app.gateway.now().getTime());
  const client = new GatewayClient({ gateway: url, key: m.miner.key, now: () => m.gw.app.gateway.now() });
  const requestId = newRequestId();
  t.match(await postBond(client, node.nodeId, '50', { requestId }), { bond: '750' });
  t.match(await postBond(client, node.nodeId, '50', { requestId }), { bond: '750', replayed: true });
  t.equal(minerBal(), 4250n);
});
