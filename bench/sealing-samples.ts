/**
 * The two sides of the sealing-overhead figure (issue 4, docs/sealing-figures.md),
 * one sample each: a sealed run through the whole trade on the real parts, timed
 * from the node agent's own job events, and a bare `docker run` of the same
 * image with the same plaintext bind-mounted read-only, timed until its first
 * stdout line. The tiny model both run prints one metric line at once.
 */
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { NodeHttpClient } from '../enclave-runtime/index.js';
import type { SealedWorld, TestNode } from './world.js';

/** The train command of the tiny model, run by the supervisor (sealed) or as the container's command (bare). */
export const TINY_COMMAND = ['/usr/bin/node', '/model/main.js', 'train'];

/** Write the tiny model's directory: model.json and a main.js that prints one metric line and exits. */
export async function writeTinyModel(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const descriptor = {
    name: 'bench-first-instruction',
    version: '1.0.0',
    description: 'Prints one loss line at once and exits: the first instruction, observable sealed and bare.',
    entrypoints: { train: TINY_COMMAND, predict: TINY_COMMAND, loss: TINY_COMMAND },
    metrics: ['loss'],
    resources: { cpus: 1, memoryMiB: 256, gpus: 0, tmpfsMiB: 64, pids: 64, maxSeconds: 60 },
    unitCost: '1',
    baseFee: '1',
    maxSteps: 1000,
    benchmark: { steps: 1, seconds: 1, hardware: 'bench fixture' },
  };
  await writeFile(join(dir, 'model.json'), `${JSON.stringify(descriptor, null, 2)}\n`);
  await writeFile(
    join(dir, 'main.js'),
    "require('node:fs').writeSync(1, JSON.stringify({ metric: 'loss', step: 0, value: 1 }) + '\\n');\n",
  );
}

/** Milliseconds of one sealed run, from the agent's `assigned`. */
export interface SealedSample {
  readonly containerStarted: number;
  /** The supervisor's hello arrived at the agent. */
  readonly hello: number;
  readonly keyReleased: number;
  /** The supervisor spawned the model. */
  readonly started: number;
  /** The agent sent the first metric batch (it batches for up to 250 ms). */
  readonly metricSent: number;
  /** The gateway accepted that batch. */
  readonly metricForwarded: number;
}

/** Wall-clock moments of the agent's requests per run, taken by wrapping its mTLS client. */
export class RequestClock {
  readonly #seen = new Map<string, number>();

  /** When `what` (`nonce`, `metric-sent`, `metric-forwarded`) first happened for `runId`. */
  at(runId: string, what: string): number | undefined {
    return this.#seen.get(`${runId} ${what}`);
  }

  #mark(runId: string, what: string): void {
    const key = `${runId} ${what}`;
    if (!this.#seen.has(key)) this.#seen.set(key, Date.now());
  }

  /** Wrap the agent's client; only JSON posts are looked at, nothing is changed. */
  wrap = (client: NodeHttpClient): NodeHttpClient => ({
    ...client,
    close: () => client.close(),
    download: (path, signal) => client.download(path, signal),
    upload: (path, data, size) => client.upload(path, data, size),
    json: async (method, path, body, signal) => {
      // The egress route (issue 5) carries metrics among other channels: a batch with a metric counts.
      const m = /^\/v1\/node\/runs\/([^/]+)\/(nonce|evidence|egress)$/.exec(path);
      const records = (body as { records?: { channel?: unknown }[] } | undefined)?.records ?? [];
      const metric = m?.[2] === 'egress' && records.some((r) => r.channel === 'metrics');
      if (m?.[2] === 'nonce') this.#mark(m[1], 'nonce');
      if (metric) this.#mark(m[1], 'metric-sent');
      const t0 = Date.now();
      const reply = await client.json(method, path, body, signal);
      if (process.env.SEALGATE_BENCH_TRACE) process.stderr.write(`trace ${path} ${Date.now() - t0} ms\n`);
      if (metric) this.#mark(m[1], 'metric-forwarded');
      return reply;
    },
  });
}

/** One sealed run of `model` on `dataset`, to its end; throws unless it settled. */
export async function sealedSample(
  world: SealedWorld,
  node: TestNode,
  clock: RequestClock,
  dataset: string,
  model: string,
): Promise<SealedSample> {
  const run = await world.startRun(dataset, model, 1);
  const done = await world.waitRun(run.id, ['settled', 'failed', 'cancelled', 'flagged']);
  if (done.state !== 'settled') throw new Error(`sealed run ${done.state}: ${JSON.stringify(done.reason)}`);
  const event = (kind: string): number => {
    const e = node.events.find((x) => x.runId === run.id && x.kind === kind);
    if (e === undefined) throw new Error(`no ${kind} event for ${run.id}`);
    return e.at.getTime();
  };
  const request = (what: string): number => {
    const at = clock.at(run.id, what);
    if (at === undefined) throw new Error(`no ${what} request for ${run.id}`);
    return at;
  };
  const t0 = event('assigned');
  return {
    containerStarted: event('container-started') - t0,
    hello: event('hello') - t0,
    keyReleased: event('key-released') - t0,
    started: event('started') - t0,
    metricSent: request('metric-sent') - t0,
    metricForwarded: request('metric-forwarded') - t0,
  };
}

/** A world-readable copy of the plaintext for the bare container (the world's own dir is 0700). */
export async function bareData(world: SealedWorld, plaintext: string): Promise<string> {
  const dir = join(world.dir, 'bare');
  await mkdir(dir, { recursive: true });
  await chmod(dir, 0o755);
  await chmod(world.dir, 0o711);
  const file = join(dir, 'data');
  await copyFile(plaintext, file);
  await chmod(file, 0o644);
  return file;
}

/**
 * One bare run: create, attach and start a plain container of `image` running the
 * model's command with `data` bound read-only where the sealed model finds its data,
 * until the first stdout line. No network either, so the ratio is not flattered by
 * the bridge set-up a default `docker run` would pay. Returns milliseconds.
 */
export async function bareSample(
  docker: Docker,
  image: string,
  data: string,
  label: string,
): Promise<number> {
  const t0 = performance.now();
  const container = await docker.createContainer({
    Image: image,
    Cmd: TINY_COMMAND,
    User: '65534:65534',
    WorkingDir: '/model',
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Labels: { 'sealgate.test': label },
    HostConfig: { NetworkMode: 'none', Binds: [`${data}:/sealed/input/data:ro`] },
  });
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const stdout = new PassThrough();
    docker.modem.demuxStream(stream, stdout, new PassThrough().resume());
    const firstLine = new Promise<number>((resolve, reject) => {
      let text = '';
      stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('\n')) resolve(performance.now() - t0);
      });
      stream.on('end', () => reject(new Error('the bare container printed no line')));
    });
    await container.start();
    const ms = await firstLine;
    await container.wait();
    return ms;
  } finally {
    await container.remove({ force: true });
  }
}
