/**
 * `sealgate gateway start --economics FILE`: the operator's economics document
 * is checked before the gateway opens anything (a bad field, from the flag,
 * the environment or the config file, is one line naming it, exit 1), and a
 * good one is the gateway's: its minimum bond is what `sealgate node
 * bond-status` shows for a node enrolled there, and what the README tour's
 * miner posts. One gateway process (the built binary); the client commands
 * run in-process.
 */
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nacl from 'tweetnacl';
import { createNodeCsr } from '../../attest/index.js';
import { nodeCall } from '../gateway/nodes/fixture.js';
import { json } from './market.js';
import { assertOneLine, sealgate, sealgateProcess, startGatewayProcess } from './sealgate.js';

t.test('a bad economics document is one line naming the field, exit 1', async (t) => {
  const dir = t.testdir({
    // made here: a minimum bond that is not a decimal string of base units
    'bad.json': JSON.stringify({ bonds: { minimumBond: 'ten' } }),
    // made here: the split must sum to 10000 basis points
    'split.json': JSON.stringify({ split: { platformBps: 600 } }),
    'config.json': JSON.stringify({ economics: 'missing.json' }),
  });
  const start = (env: NodeJS.ProcessEnv, ...extra: string[]) =>
    sealgateProcess(['gateway', 'start', '--port', '0', '--data', join(dir, 'gw'), ...extra], env);
  const bad = await start({}, '--economics', join(dir, 'bad.json'));
  assertOneLine(t, bad, 'CONFIG_INVALID');
  t.match(
    bad.stderr,
    /economics file \S+bad\.json: \/bonds\/minimumBond: /,
    'it names the file and the field',
  );
  const split = await start({ SEALGATE_GATEWAY_ECONOMICS: join(dir, 'split.json') });
  assertOneLine(t, split, 'CONFIG_INVALID');
  t.match(split.stderr, /split\.json: \/split: basis points must sum to 10000/);
  const missing = await start({}, '--config', join(dir, 'config.json'));
  assertOneLine(t, missing, 'CONFIG_UNREADABLE');
  t.match(missing.stderr, /economics file missing\.json \(\S+config\.json: 'economics'; ENOENT\)/);
});

t.test("a good one sets the gateway's minimum bond; the miner posts it from the CLI", async (t) => {
  const dir = t.testdir({
    // made here: a local trial's minimum of 250 base units
    'economics.json': JSON.stringify({ bonds: { minimumBond: '250' } }),
  });
  const data = join(dir, 'gw');
  const gw = await startGatewayProcess(
    t,
    data,
    '--node-port',
    '0',
    '--economics',
    join(dir, 'economics.json'),
  );
  const nodeUrl = /^nodes: (https:\/\/\S+)$/m.exec(gw.stdout())?.[1] ?? '';
  const op = join(data, 'operator-key.json');
  const as = (home: string, ...args: string[]) =>
    sealgate([...args, '--gateway', gw.url], { SEALGATE_HOME: home });
  const home = join(dir, 'miner');
  const miner = (await as(home, 'account', 'create', '--role', 'miner')).stdout.trim();
  const token = json<{ token: string }>(
    (await as(home, 'admin', 'enroll-token', '--miner', miner, '--key-file', op, '--json')).stdout,
  ).token;
  // Enroll through the real route, as `sealgate node start` does, without Docker.
  const { csrPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const caPem = await readFile(join(data, 'ca', 'ca-cert.pem'), 'utf8');
  const enrolled = await nodeCall(
    Number(new URL(nodeUrl).port),
    caPem,
    undefined,
    'POST',
    '/v1/node/enroll',
    {
      token,
      csr: csrPem,
    },
  );
  t.equal(enrolled.status, 201, 'enrolled through the real route');
  const nodeId = enrolled.json<{ nodeId: string }>().nodeId;

  const status = await as(home, 'node', 'bond-status', nodeId);
  t.match(status.stdout, /^minimum +250$/m, "the document's minimum");
  t.match(status.stdout, /schedulable +no: bond below the minimum: post 250 more/);
  t.equal((await as(home, 'admin', 'credit', miner, '250', '--memo', 'bond', '--key-file', op)).code, 0);
  const posted = await as(home, 'node', 'bond', nodeId, '250');
  t.equal(posted.code, 0, posted.stderr);
  t.match(posted.stdout, /^bond +250 token base units$/m);
  t.match(posted.stdout, /^schedulable +yes$/m);
  t.equal(await gw.stop(), 0);
});
