/**
 * `sealgate node start` as a miner runs it, next to `sealgate gateway start
 * --node-port 0`, both child processes of the built binary over the local
 * dockerd (the agent sweeps its containers at start). It prints `node: ID`
 * only once the gateway accepted its first heartbeat (its readiness: the
 * agent has no listener, docs/operations.md says why), the gateway's
 * /metrics then counts it online, and SIGTERM stops it cleanly with exit 0
 * (and again on a restart without a token).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { generateSigningKeyPair } from '../../attest/index.js';
import { GatewayClient, createEnrollToken, loadKeyFile, registerAccount } from '../../client/index.js';
import { BIN, startGatewayProcess } from './sealgate.js';
import type { Test } from './sealgate.js';

/** `sealgate node start ...` until it prints its node id; its exit code on `stop`. */
async function startNode(t: Test, args: string[], env: NodeJS.ProcessEnv = {}) {
  const base = { ...process.env };
  for (const name of ['SEALGATE_HOME', 'SEALGATE_GATEWAY', 'NODE_V8_COVERAGE', 'SEALGATE_CONFIG'])
    delete base[name];
  const child = spawn(process.execPath, [BIN, 'node', 'start', ...args], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  t.teardown(() => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
  const nodeId = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /^node: (node_\S+)$/m.exec(out);
      if (m) resolve(m[1] ?? '');
    });
    void exited.then((code) => reject(new Error(`node start exited ${code}: ${err}`)));
  });
  return { nodeId, stderr: () => err, stop: (s: NodeJS.Signals = 'SIGTERM') => (child.kill(s), exited) };
}

async function nodesOnline(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/\nsealgate_nodes\{state="online"\} (\d+)\n/.exec(text)?.[1] ?? NaN);
}

t.test(
  'node start: ready once connected, counted online, SIGTERM exits 0, restarts without a token',
  async (t) => {
    const dir = t.testdir();
    const data = join(dir, 'gw');
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(
        join(dir, 'gw.json'),
        JSON.stringify({
          metricsCacheMs: 0,
          heartbeatSeconds: 1,
          // what startGatewayProcess sets when a test brings no config: no load shedding on a busy
          // machine (shedding is tested in test/gateway/ops.test.ts), a 2048-bit node CA
          maxEventLoopDelayMs: false,
          nodeCaBits: 2048,
        }),
      ),
    );
    const gw = await startGatewayProcess(t, data, '--node-port', '0', '--config', join(dir, 'gw.json'));
    let nodeUrl: string | undefined;
    for (let i = 0; i < 100 && nodeUrl === undefined; i++) {
      nodeUrl = /^nodes: (https:\/\/\S+)$/m.exec(gw.stdout())?.[1];
      if (nodeUrl === undefined) await new Promise((r) => setTimeout(r, 50));
    }
    t.ok(nodeUrl, 'the nodes URL');
    const operator = await loadKeyFile(join(data, 'operator-key.json'));
    const miner = new GatewayClient({ gateway: gw.url, key: generateSigningKeyPair() });
    const account = await registerAccount(miner, ['miner'], 'miner');
    const { token } = await createEnrollToken(new GatewayClient({ gateway: gw.url, key: operator.keyPair }), {
      miner: account.id,
    });
    t.equal(await nodesOnline(gw.url), 0, 'no node yet');

    // The token comes from the environment, the data directory from a flag; JSON logs when asked.
    const nodeData = join(dir, 'node');
    const env = { SEALGATE_NODE_TOKEN: token, SEALGATE_LOG_FORMAT: 'json' };
    const node = await startNode(t, ['--gateway', nodeUrl ?? '', '--data', nodeData], env);
    t.match(node.nodeId, /^node_/);
    t.equal(await nodesOnline(gw.url), 1, 'once it says node: ID, the gateway has its heartbeat');
    t.equal(await node.stop('SIGTERM'), 0, 'SIGTERM: exit 0');
    t.match(node.stderr(), /"msg":"stopping: cancelling running jobs"[^]*"msg":"stopped"/, 'pino JSON lines');

    const again = await startNode(t, ['--gateway', nodeUrl ?? '', '--data', nodeData], {});
    t.equal(again.nodeId, node.nodeId, 'the same identity, no token needed');
    t.equal(await again.stop('SIGINT'), 0, 'SIGINT: exit 0 too');
    t.equal(await gw.stop(), 0);
  },
);
