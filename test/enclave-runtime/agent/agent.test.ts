/**
 * The agent's loops with fakes (fakes.ts): sweep at start, heartbeats with
 * capacity and running run ids, control applied to the matching job, jobs
 * taken from the long-poll, and a clean stop that reports RUN_NODE_STOPPED.
 */
import t from 'tap';
import type { Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKeyPair, nodeId } from '../../../attest/index.js';
import type { JobEvent } from '../../../enclave-runtime/index.js';
import { NodeAgent } from '../../../enclave-runtime/index.js';
import { FakeGateway, FakeRuntime } from './fakes.js';
import { DATA, SUPERVISOR, jobBody } from './harness.js';
import { sha } from './fakes.js';

async function setup(t: Test) {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-test-agent-loop-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const gateway = new FakeGateway();
  gateway.blobs.set(sha(DATA), DATA);
  const runtime = new FakeRuntime();
  const keyPair = generateSigningKeyPair();
  const events: JobEvent[] = [];
  const agent = new NodeAgent({
    identity: { nodeId: nodeId(keyPair.publicKey), keyPair },
    http: gateway,
    runtime,
    supervisor: SUPERVISOR,
    dataDir,
    runtimeVersion: '0.1.0',
    waitSeconds: 1,
    retryMs: 5,
    onJobEvent: (e) => events.push(e),
  });
  return { gateway, runtime, agent, events };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 2));
};

t.test('start sweeps and heartbeats; a polled job runs to completion', async (t) => {
  const { gateway, runtime, agent, events } = await setup(t);
  gateway.jobs.push(jobBody());
  await agent.start();
  t.equal(runtime.log[0], 'sweep', 'sweep() runs once, first');
  const beat = gateway.calls.find((c) => c.path === '/v1/node/heartbeat')?.body as {
    runtimeVersion: string;
    capacity: { cpus: number; memoryBytes: number; gpus: unknown[] };
    runs: string[];
  };
  t.equal(beat.runtimeVersion, '0.1.0');
  t.ok(beat.capacity.cpus >= 1 && beat.capacity.memoryBytes > 0);
  t.same(beat.capacity.gpus, [{ index: 0, uuid: 'GPU-0', name: 'Fake', memoryBytes: 1024 }]);
  await until(() => events.some((e) => e.kind === 'finished'));
  t.equal(events.find((e) => e.kind === 'finished')?.outcome, 'ok');
  t.ok(gateway.calls.some((c) => c.path === '/v1/node/runs/run_1/complete'));
  t.match(gateway.calls.find((c) => c.path.startsWith('/v1/node/jobs'))?.path, /waitSeconds=1$/);
  await agent.stop();
  t.ok(gateway.closed, 'stop closes the HTTP client');
  t.equal(runtime.log.filter((l) => l === 'sweep').length, 1);
});

t.test(
  'control from a heartbeat reaches the matching job; stop fails the rest with RUN_NODE_STOPPED',
  async (t) => {
    const { gateway, runtime, agent, events } = await setup(t);
    runtime.script = { hang: true };
    gateway.jobs.push(jobBody(), jobBody({ jobId: 'job_2', runId: 'run_2' }));
    await agent.start();
    await until(() => events.some((e) => e.kind === 'started'));
    t.same(agent.running, ['run_1'], 'one job at a time by default');
    gateway.control = [
      { runId: 'run_other', action: 'cancel' },
      { runId: 'run_1', action: 'pause' },
    ];
    await until(() => runtime.log.includes('pause'));
    const beats = gateway.calls.filter((c) => c.path === '/v1/node/heartbeat');
    t.ok(
      beats.some((b) => (b.body as { runs: string[] }).runs.includes('run_1')),
      'heartbeats list the running run',
    );
    gateway.control = [{ runId: 'run_1', action: 'cancel' }];
    await until(() => events.some((e) => e.kind === 'finished'));
    t.equal(events.find((e) => e.kind === 'finished')?.outcome, 'RUN_CANCELLED');
    // the second job starts once the first is gone, and the stop fails it.
    await until(() => events.filter((e) => e.kind === 'started').length === 2);
    await agent.stop();
    const fails = gateway.calls
      .filter((c) => c.path.endsWith('/fail'))
      .map((c) => c.body as { jobId: string; code: string });
    t.same(
      fails.map((f) => [f.jobId, f.code]),
      [
        ['job_1', 'RUN_CANCELLED'],
        ['job_2', 'RUN_NODE_STOPPED'],
      ],
    );
    t.equal(runtime.live.size, 0, 'no container left');
    t.same(agent.running, []);
  },
);

t.test('a refused first heartbeat fails start', async (t) => {
  const { gateway, agent } = await setup(t);
  gateway.on(/heartbeat$/, () => ({
    status: 401,
    body: { error: { code: 'AUTH_NOT_NODE', message: 'revoked' } },
  }));
  await t.rejects(agent.start(), { name: 'AgentError', code: 'AGENT_GATEWAY', gatewayCode: 'AUTH_NOT_NODE' });
});
