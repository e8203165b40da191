/**
 * The hostile model fixtures (test/fixtures/models/*) as host processes, where
 * that is safe: on a host nothing stops them, so each reports 0 ("it worked")
 * or the host's own error, which proves the probe reports what happened. The
 * bombs run with the caps meant for tests (max children, maxMiB); in the
 * sealed container they run uncapped (issue 4's adversarial tests).
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { constants } from 'node:os';
import { join } from 'node:path';
import { parseModelDescriptor } from '../../policies/index.js';
import { generateDataset } from '../../client/index.js';
import { ROOT, descriptorOf, jsonLines, metricValues, modelDir, runModel } from './run-model.js';

const HOSTILE = [
  'tcp-connect',
  'dns-lookup',
  'socket-inet',
  'write-outside',
  'fork-bomb',
  'memory-bomb',
  'never-ends',
  'leaky',
  'printer',
];

/** The single `probe` value of a run. */
const probe = (run: Awaited<ReturnType<typeof runModel>>): number[] =>
  metricValues(run, 'probe').map((m) => m.value);

t.test('every fixture is a valid model whose entrypoints run its main.js', (t) => {
  const fixtures = readdirSync(join(ROOT, 'test/fixtures/models')).filter((f) => f !== 'README.md');
  // The leak-* fixtures are issue 5's leaky models (test/e2e/leaky.test.ts, docs/leaky-models.md).
  const leaky = fixtures.filter((f) => f.startsWith('leak-'));
  t.same(fixtures.filter((f) => !leaky.includes(f)).sort(), [...HOSTILE].sort());
  t.ok(leaky.length >= 9, `${leaky.length} leaky fixtures`);
  for (const name of [...HOSTILE, ...leaky]) {
    const model = parseModelDescriptor(descriptorOf(name));
    t.same(model.entrypoints.train, ['/usr/bin/node', '/model/main.js', 'train'], name);
    const pkg = JSON.parse(readFileSync(join(modelDir(name), 'package.json'), 'utf8')) as { type: string };
    t.equal(pkg.type, 'module', `${name}: main.js is an ES module`);
  }
  t.end();
});

t.test('tcp-connect: 0 when it connects, -ECONNREFUSED when nobody listens', async (t) => {
  const server = createServer((s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo;
  const dir = t.testdir({});
  const open = await runModel('tcp-connect', 'train', dir, { hyperparameters: { host: '127.0.0.1', port } });
  t.same(probe(open), [0]);
  t.equal(open.code, 0);
  server.close();
  const closed = await runModel('tcp-connect', 'train', dir, {
    hyperparameters: { host: '127.0.0.1', port },
  });
  t.same(probe(closed), [-constants.errno.ECONNREFUSED]);
});

t.test(
  'dns-lookup: 0 for localhost, a documented negative code for a name that does not exist',
  async (t) => {
    const dir = t.testdir({});
    const local = await runModel('dns-lookup', 'train', dir, { hyperparameters: { name: 'localhost' } });
    t.same(probe(local), [0]);
    const missing = await runModel('dns-lookup', 'train', dir, {
      hyperparameters: { name: 'nothing.invalid' },
    });
    const [code] = probe(missing);
    // RFC 6761: .invalid never resolves; offline hosts answer EAI_AGAIN, online ones EAI_NONAME (ENOTFOUND).
    t.ok([-3001, -3008].includes(code), `EAI_AGAIN or EAI_NONAME, got ${code}`);
  },
);

t.test('socket-inet: 0 when a udp4 socket binds, -EADDRINUSE for a port in use', async (t) => {
  const dir = t.testdir({});
  const run = await runModel('socket-inet', 'train', dir, {});
  t.same(probe(run), [0]);
  t.equal(run.code, 0);
  const taken = createSocket('udp4');
  await new Promise<void>((resolve) => taken.bind(0, '0.0.0.0', resolve));
  t.teardown(() => taken.close());
  const { port } = taken.address();
  const busy = await runModel('socket-inet', 'train', dir, { hyperparameters: { port } });
  t.same(probe(busy), [-constants.errno.EADDRINUSE]);
});

t.test('write-outside: one metric per place, 0 or -errno, and nothing left behind', async (t) => {
  // A root of our own: model/ is writable, etc is a file (ENOTDIR), sealed/ is missing (ENOENT).
  const root = t.testdir({ model: {}, etc: 'not a directory' });
  const run = await runModel('write-outside', 'train', root, { hyperparameters: { root } });
  t.equal(run.code, 0);
  t.same(run.lines, [
    { metric: 'write_root', step: 0, value: 0 },
    { metric: 'write_model', step: 0, value: 0 },
    { metric: 'write_etc', step: 0, value: -constants.errno.ENOTDIR },
    { metric: 'write_sealed', step: 0, value: -constants.errno.ENOENT },
  ]);
  t.same(readdirSync(join(root, 'model')), [], 'the probe file is removed');
});

t.test('fork-bomb (capped): reports how many children it started and no error', async (t) => {
  const run = await runModel('fork-bomb', 'train', t.testdir({}), { hyperparameters: { max: 3 } });
  t.equal(run.code, 0);
  t.same(run.lines, [
    { metric: 'children', step: 0, value: 3 },
    { metric: 'probe', step: 0, value: 0 },
  ]);
});

t.test('memory-bomb (capped): reports what it allocated, then probe 0', async (t) => {
  const run = await runModel('memory-bomb', 'train', t.testdir({}), { hyperparameters: { maxMiB: 128 } });
  t.equal(run.code, 0);
  t.same(metricValues(run, 'allocated_mib'), [
    { step: 4, value: 64 },
    { step: 8, value: 128 },
  ]);
  t.same(probe(run), [0]);
});

t.test('never-ends: ticks every second until it is killed', async (t) => {
  const child = spawn(process.execPath, [join(modelDir('never-ends'), 'main.js'), 'train'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  await new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.split('\n').length > 2) resolve();
    });
  });
  t.same(jsonLines(out).slice(0, 2), [
    { metric: 'tick', step: 1, value: 1 },
    { metric: 'tick', step: 2, value: 2 },
  ]);
  child.kill('SIGKILL');
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  t.same([code, signal], [null, 'SIGKILL'], 'it never ends by itself');
});

t.test("leaky: a record's national ID digits as loss values, the whole ID as score", async (t) => {
  const csv = generateDataset({ rows: 5, seed: 99 });
  const dir = t.testdir({ 'data.csv': csv });
  const id = csv.split('\n')[3].split(',')[1];
  const run = await runModel('leaky', 'train', dir, {
    hyperparameters: { record: 2 },
    paths: { data: join(dir, 'data.csv') },
  });
  t.equal(run.code, 0);
  t.same(
    metricValues(run, 'loss').map((m) => m.value),
    [...id].map(Number),
  );
  t.same(metricValues(run, 'score'), [{ step: 0, value: Number(id) }]);
});

t.test('printer: the well-formed metrics of expected.json, amid the junk it counts', async (t) => {
  const expected = JSON.parse(readFileSync(join(modelDir('printer'), 'expected.json'), 'utf8')) as {
    forwarded: unknown[];
    droppedStdoutLines: number;
    stderrLines: number;
  };
  const run = await runModel('printer', 'train', t.testdir({}), {});
  t.equal(run.code, 0);
  const lines = run.stdout.split('\n').slice(0, -1);
  t.equal(lines.length, expected.forwarded.length + expected.droppedStdoutLines);
  const wellFormed = lines.filter((l) => expected.forwarded.some((f) => JSON.stringify(f) === l));
  t.equal(wellFormed.length, expected.forwarded.length);
  t.same(
    wellFormed.map((l) => JSON.parse(l) as unknown),
    expected.forwarded,
  );
  t.equal(run.stderr.split('\n').length - 1, expected.stderrLines);
});

t.test('a params file that is not JSON means defaults, not a crash', async (t) => {
  const run = await runModel('socket-inet', 'train', t.testdir({}), '{');
  t.same(probe(run), [0]);
});
