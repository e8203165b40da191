/**
 * The blob ingest benchmark (docs/blobs.md has the figures): a blob of
 * SEALGATE_BENCH_BLOB_MIB MiB (default 1024) PUT over HTTP on loopback into
 * BlobStore.put, the server in a child process, as a ratio to writing the
 * same bytes to a file with fsync in this process (target >= 0.5); best of
 * SEALGATE_BENCH_REPS (default 3) each, interleaved. For scale, SHA-256 of
 * the same bytes on one core, in memory: no upload can beat it (docs/blobs.md).
 * Then the server's CPU per GiB and its peak resident memory (VmHWM) over
 * every run (target < 200 MiB).
 *
 * Run directly with `serve DIR`, this file is the server: a bare `node:http`
 * PUT /<digest> that pipes the request into `put`, as the gateway's route will.
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isSealgateError } from '../attest/index.js';
import { BlobStore } from '../gateway/index.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { MiB, cpu, rate, ratio } from './benchmark.js';
import { interleaved } from './processes.js';

/** The body: `mib` MiB cycling through 16 random blocks (no copies, nothing for the disk to dedupe). */
function body(mib: number): () => Generator<Buffer> {
  const blocks = Array.from({ length: 16 }, () => randomBytes(MiB));
  return function* () {
    for (let i = 0; i < mib; i++) yield blocks[i % blocks.length];
  };
}

/** The server side: a store in `dir` behind PUT /<digest>; reports its port over IPC. */
async function serve(dir: string): Promise<void> {
  const store = await BlobStore.open(dir, { maxBytes: 64 * 1024 * MiB });
  const server = createServer((req, res) => {
    const length = Number(req.headers['content-length']);
    store.put((req.url ?? '').slice(1), req, { length }).then(
      (r) => res.writeHead(r.created ? 201 : 200).end(),
      (err: unknown) => res.writeHead(400).end(isSealgateError(err) ? err.code : 'error'),
    );
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => process.send?.({ cpu: process.cpuUsage() }));
  process.on('disconnect', () => process.exit(0));
}

/** Start the server in a child process; resolves with the child and its port. */
function startServer(dir: string): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['serve', dir], { stdio: 'inherit' });
    child.once('message', (m: { port: number }) => resolve({ child, port: m.port }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the blob server exited ${code}`)));
  });
}

/** CPU seconds the server process (all its threads) has used so far. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m: { cpu: NodeJS.CpuUsage }) => resolve((m.cpu.user + m.cpu.system) / 1e6));
    child.send('cpu');
  });
}

/** PUT the body to the server; fails unless it answers 201. */
function put(port: number, digest: string, chunks: Iterable<Buffer>, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: `/${digest}`,
      headers: { 'content-length': bytes },
    });
    req.on('response', (res) => {
      res.resume();
      if (res.statusCode === 201) resolve();
      else reject(new Error(`the blob server answered ${res.statusCode}`));
    });
    pipeline(Readable.from(chunks), req).catch(reject);
  });
}

function vmHwmMiB(pid: number | undefined): number | undefined {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : undefined;
}

export const blobs: Benchmark = {
  name: 'blobs',
  async run(log) {
    const mib = Number(process.env.SEALGATE_BENCH_BLOB_MIB ?? 1024);
    const reps = Number(process.env.SEALGATE_BENCH_REPS ?? 3);
    const bytes = mib * MiB;
    const chunks = body(mib);
    const hash = createHash('sha256');
    for (const chunk of chunks()) hash.update(chunk);
    const hex = hash.digest('hex');
    const dir = await mkdtemp(join(tmpdir(), 'sealgate-bench-blobs-'));
    const { child, port } = await startServer(join(dir, 'store'));
    try {
      log(`blob ingest of ${mib} MiB over loopback against a file write with fsync, in ${dir}`);
      const cpuBefore = await serverCpu(child);
      const t = await interleaved(reps, {
        file: {
          out: join(dir, 'file'),
          run: async () => {
            const file = await open(join(dir, 'file'), 'w');
            for (const chunk of chunks()) await file.write(chunk);
            await file.sync();
            await file.close();
          },
        },
        blob: {
          out: join(dir, 'store', 'sha256', hex.slice(0, 2), hex),
          run: () => put(port, `sha256:${hex}`, chunks(), bytes),
        },
        sha256: {
          out: join(dir, 'nothing'),
          run: () => {
            const h = createHash('sha256');
            for (const chunk of chunks()) h.update(chunk);
            h.digest();
            return Promise.resolve();
          },
        },
      });
      const serverSeconds = (await serverCpu(child)) - cpuBefore;
      const peak = vmHwmMiB(child.pid);
      const r = t.file.ms / t.blob.ms;
      const rows: BenchRow[] = [
        {
          metric: 'ingest over HTTP / file write + fsync',
          value: ratio(r),
          target: '>= 0.50x',
          ok: r >= 0.5,
          note: `${rate(bytes, t.blob.ms)} vs ${rate(bytes, t.file.ms)}, ${mib} MiB`,
        },
        {
          metric: 'ingest over HTTP / SHA-256 alone',
          value: ratio(t.sha256.ms / t.blob.ms),
          target: '',
          note: `SHA-256 of the bytes on one core, in memory: ${rate(bytes, t.sha256.ms)}, the ceiling`,
        },
        {
          metric: 'server CPU per GiB ingested',
          value: `${(serverSeconds / reps / (bytes / 1024 ** 3)).toFixed(2)} s`,
          target: '',
          note: `all threads of the server (HTTP, SHA-256 thread, writes); file write: ${cpu(bytes, t.file)}`,
        },
        peak === undefined
          ? { metric: 'server peak RSS', value: 'skipped', target: '< 200 MiB', note: 'no /proc' }
          : {
              metric: 'server peak RSS',
              value: `${peak.toFixed(0)} MiB`,
              target: '< 200 MiB',
              ok: peak < 200,
              note: `VmHWM of the server process over ${reps} uploads`,
            },
      ];
      return rows;
    } finally {
      child.removeAllListeners('exit');
      child.disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

if (process.argv[2] === 'serve' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await serve(process.argv[3] ?? '.');
}
