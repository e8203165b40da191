// Sealed containers running hostile or endless programs on the real dockerd: the
// pids and memory limits hold, the driver's wall-clock limit stops a run that
// never ends (counting only un-paused time), pause freezes progress, cancel kills,
// and no container is left behind after any of them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import t, { type Test } from 'tap';
import type { ContainerLimits, SealedContainer } from '../../../enclave-runtime/index.js';
import { collect, driverFixture } from './fixture.js';

// Prints 1, 2, 3, ... one a line every 100 ms, forever.
const COUNTER = `let n = 0; setInterval(() => process.stdout.write(++n + '\\n'), 100);`;

const fixture = await driverFixture(t, 'lifecycle');
if (fixture !== undefined) {
  const { runtime } = fixture;

  /** Creates, attaches and starts `program`; removal is registered on `t`. */
  const launch = async (
    t: Test,
    program: string,
    limits: Partial<ContainerLimits> = {},
  ): Promise<{ container: SealedContainer; stdout: Readable }> => {
    const container = await runtime.createSealed(fixture.spec(program, limits));
    t.teardown(() => container.remove());
    const stdio = await container.attach();
    await container.start();
    stdio.stdin.end();
    return { container, stdout: stdio.stdout };
  };

  /** Removes the container and checks that nothing of this test is left on the daemon. */
  const removeAndCheck = async (t: Test, container: SealedContainer): Promise<void> => {
    await container.remove();
    t.same(await fixture.leftovers(), [], 'no container left');
  };

  t.test('a fork bomb hits the pids limit: spawn fails with EAGAIN', async (t) => {
    const program = `
      const { spawn } = require('node:child_process');
      let spawned = 0;
      const next = () => {
        const child = spawn('/usr/bin/node', ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
        child.on('error', (e) => { console.log(JSON.stringify({ spawned, code: e.code })); process.exit(0); });
        child.on('spawn', () => { spawned++; next(); });
      };
      next();`;
    const { container, stdout } = await launch(t, program, { pids: 32 });
    const out = collect(stdout);
    t.match(await container.wait(), { exitCode: 0, oomKilled: false, timedOut: false, cancelled: false });
    const result = JSON.parse(await out) as { spawned: number; code: string };
    t.equal(result.code, 'EAGAIN');
    t.ok(result.spawned < 32, `stopped after ${result.spawned} children`);
    await removeAndCheck(t, container);
  });

  t.test('a memory bomb is OOM-killed and reported so', async (t) => {
    const program = `
      const hold = [];
      setInterval(() => { for (let i = 0; i < 16; i++) hold.push(Buffer.alloc(1 << 20, 1)); }, 10);`;
    const { container } = await launch(t, program, { memoryBytes: 128 * 1024 ** 2 });
    t.same(await container.wait(), { exitCode: 137, oomKilled: true, timedOut: false, cancelled: false });
    await removeAndCheck(t, container);
  });

  t.test('a program that never ends is killed at the wall-clock limit', async (t) => {
    const { container } = await launch(t, COUNTER, { wallSeconds: 2 });
    t.same(await container.wait(), { exitCode: 137, oomKilled: false, timedOut: true, cancelled: false });
    await removeAndCheck(t, container);
  });

  t.test('pause stops progress, resume continues, paused time does not count', async (t) => {
    const { container, stdout } = await launch(t, COUNTER, { wallSeconds: 2 });
    const lines: number[] = [];
    let pending = '';
    stdout.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString('utf8')).split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts.map(Number));
    });
    const seen = async (count: number): Promise<void> => {
      while (lines.length < count) await sleep(20);
    };
    await seen(3);
    await container.pause();
    await sleep(300); // anything already in flight arrives
    const frozen = lines.length;
    // Paused 2.5 s more: with the start, longer than the 2 s limit in wall time.
    await sleep(2500);
    t.equal(lines.length, frozen, 'no progress while paused');
    await container.resume();
    await seen(frozen + 2);
    t.same(lines.slice(frozen, frozen + 2), [frozen + 1, frozen + 2], 'the same process counts on');
    t.same(await container.wait(), { exitCode: 137, oomKilled: false, timedOut: true, cancelled: false });
    await removeAndCheck(t, container);
  });

  t.test('cancel kills it and wait reports cancelled', async (t) => {
    const { container } = await launch(t, COUNTER);
    await container.cancel();
    t.same(await container.wait(), { exitCode: 137, oomKilled: false, timedOut: false, cancelled: true });
    await container.cancel(); // already stopped: nothing to do
    await removeAndCheck(t, container);
  });

  t.test('cancel while paused kills it too', async (t) => {
    const { container } = await launch(t, COUNTER);
    await container.pause();
    await container.cancel();
    t.same(await container.wait(), { exitCode: 137, oomKilled: false, timedOut: false, cancelled: true });
    await removeAndCheck(t, container);
  });

  t.test('removing a running container ends its wait with RUNTIME_CONTAINER_GONE', async (t) => {
    const { container } = await launch(t, COUNTER);
    const exit = container.wait();
    await container.remove();
    await t.rejects(exit, { name: 'DriverError', code: 'RUNTIME_CONTAINER_GONE' });
    await t.rejects(container.pause(), { name: 'DriverError', code: 'RUNTIME_CONTAINER_GONE' });
    await t.rejects(container.resume(), { name: 'DriverError', code: 'RUNTIME_CONTAINER_GONE' });
    t.same(await fixture.leftovers(), []);
  });

  t.test('misuse: wait before start, attach after start, start twice', async (t) => {
    const container = await runtime.createSealed(fixture.spec(''));
    t.teardown(() => container.remove());
    await t.rejects(container.wait(), TypeError);
    await container.start();
    await t.rejects(container.attach(), TypeError);
    await t.rejects(container.start(), TypeError);
    t.match(await container.wait(), { exitCode: 0 });
  });
}
