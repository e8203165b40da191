/**
 * Killing the node agent mid-run (issue 4): `sealgate node start` runs as its
 * own process and gets SIGKILL while its sealed container runs. Within the
 * gateway's node timeout the run is requeued on another node, which finishes
 * it, and the fault is recorded against the dead node; when the dead node's
 * agent starts again it removes the container it left behind.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { createEnrollToken } from '../../client/index.js';
import { SealedWorld, slowModel } from './world.js';

/** The built CLI (dist/bin/sealgate.js), from dist/test/e2e. */
const BIN = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));
type Test = Parameters<Parameters<typeof t.test>[0]>[0];

/** `sealgate node start` as a child process; resolves with its node id once it is connected. */
function startAgentProcess(
  t: Test,
  nodeUrl: string,
  token: string,
  dataDir: string,
): Promise<{ child: ChildProcess; nodeId: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'node', 'start', '--gateway', nodeUrl, '--token', token, '--data', dataDir],
    {
      env: { ...process.env, SEALGATE_HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /node: (node_\S+)/.exec(out);
      if (m) resolve({ child, nodeId: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`node start exited ${code}: ${stderr}`)));
  });
}

t.test(
  'SIGKILL to the node agent mid-run: requeued on another node, fault recorded, orphan swept',
  async (t) => {
    // 8 s of silence (8 missed heartbeats): a node busy on a loaded machine is not taken for dead.
    const world = await SealedWorld.create(t, { nodeTimeoutSeconds: 8, maxAttempts: 2 });
    const model = await world.publishModel(
      await slowModel(join(world.dir, 'slow'), 4),
      'sealgate-test/slow:e2e',
    );
    const dataset = await world.listDataset({ rows: 50, models: [model.digest] });

    const dataA = await mkdtemp(join(world.dir, 'agent-a-'));
    const { token } = await createEnrollToken(world.operator.client, { miner: world.miner.id });
    const a = await startAgentProcess(t, world.gateway.nodeUrl!, token, dataA);
    t.teardown(async () => {
      for (const c of await world.docker.listContainers({
        all: true,
        filters: { label: [`sealgate.node=${a.nodeId}`] },
      }))
        await world.docker.getContainer(c.Id).remove({ force: true });
    });

    const run = await world.startRun(dataset.id, model.id, 8);
    const running = await world.waitRun(run.id, ['running', 'settled', 'failed'], 120_000);
    t.equal(running.state, 'running', 'the run is running on the first node');
    t.equal((running as unknown as { node?: string }).node ?? a.nodeId, a.nodeId);

    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const killedAt = Date.now();

    // A second node comes up; the gateway must notice the silence and requeue within its timeout.
    const b = await world.node();
    const requeued = await world.waitRun(
      run.id,
      ['queued', 'placed', 'sealing', 'running', 'settled', 'failed'],
      60_000,
    );
    t.not(requeued.state, 'failed', 'not failed: requeued');
    const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled'], 120_000);
    t.equal(done.state, 'settled', `the second node finished it (${JSON.stringify(done.reason ?? null)})`);
    t.ok(
      b.events.some((e) => e.runId === run.id && e.kind === 'assigned'),
      'the second node got the requeued run',
    );
    const elapsed = (Date.now() - killedAt) / 1000;
    t.ok(elapsed < 120, `settled ${elapsed.toFixed(1)} s after the kill`);

    const dead = await world.operator.client.request<{ faults?: { runId: string; kind: string }[] }>(
      'GET',
      `/v1/nodes/${a.nodeId}`,
      { signed: true },
    );
    t.same(
      dead.faults?.map((f) => [f.runId, f.kind]),
      [[run.id, 'offline']],
      'the fault is recorded against the dead node',
    );

    // The dead node's container outlived its agent; the agent's next start sweeps it away.
    const orphans = () =>
      world.docker.listContainers({ all: true, filters: { label: [`sealgate.node=${a.nodeId}`] } });
    t.equal((await orphans()).length, 1, 'the killed agent left its container behind');
    t.equal((await readdir(join(dataA, 'jobs'))).length, 1, 'and its job directory (the ciphertext copy)');
    const again = await startAgentProcess(t, world.gateway.nodeUrl!, 'unused', dataA);
    t.equal(again.nodeId, a.nodeId, 'the same node identity');
    t.equal((await orphans()).length, 0, 'restarted, the agent removed its orphan');
    again.child.kill('SIGTERM');
    await new Promise((r) => again.child.once('exit', r));
    const left = await readdir(join(dataA, 'jobs')).catch(() => []);
    t.same(left, [], "no job directory with a ciphertext copy left on the dead node's disk");
  },
);
