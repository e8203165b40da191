/**
 * The catalog benchmark (issue 3, docs/catalog.md): `GET /v1/datasets` over
 * 10 000 listings, paged 50 at a time, through a real loopback listener with
 * keep-alive, as a ratio to a bare fastify route on the same paths returning
 * the same JSON objects, in the same process and run (target >= 0.5).
 * The listings are written straight into LevelDB (as 10 000 POSTs would
 * leave them) so the gateway also rebuilds its listing index at start; a
 * quarter of the sellers have ratings. Rounds interleave both sides; best of
 * SEALGATE_BENCH_CATALOG_REPS (default 5), each round every page
 * SEALGATE_BENCH_CATALOG_PASSES times (default 3) over 8 connections.
 */
import { randomBytes } from 'node:crypto';
import { Agent, get } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { accountId, generateSigningKeyPair } from '../attest/index.js';
import { parseDatasetPolicy } from '../policies/index.js';
import type { DatasetRecord } from '../gateway/index.js';
import { DATASETS_SUBLEVEL, Store, buildApp, put } from '../gateway/index.js';
import { newId } from '../gateway/ids.js';
import { RATING_SUMMARIES_SUBLEVEL, summaryKey } from '../gateway/ratings/summary.js';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';
import { interleaved } from './processes.js';

const LISTINGS = 10_000;
const LIMIT = 50;
const CONNECTIONS = 8;
const hex = (n: number): string => randomBytes(n).toString('hex');

async function seed(dataDir: string): Promise<void> {
  const store = await Store.open(dataDir);
  const sub = store.sublevel(DATASETS_SUBLEVEL);
  const ratings = store.sublevel(RATING_SUMMARIES_SUBLEVEL);
  const sellers = Array.from({ length: 200 }, () => accountId(generateSigningKeyPair().publicKey));
  const models = Array.from({ length: 20 }, () => `sha256:${hex(32)}`);
  const start = Date.parse('2024-01-01T00:00:00Z');
  let ops = sellers
    .filter((_, i) => i % 4 === 0)
    .map((s, i) => put(ratings, summaryKey(s, 'seller'), { count: i + 1, sum: 4 * (i + 1) }));
  for (let i = 0; i < LISTINGS; i++) {
    const at = new Date(start + i * 1000);
    const record: DatasetRecord = {
      id: newId('ds', at),
      seller: sellers[i % sellers.length],
      title: `Dataset ${i}: ${['retail baskets', 'weather stations', 'clinical notes', 'road traffic'][i % 4]}`,
      description: 'Encrypted records for sealed training; schema below. '.repeat(3),
      schema: [
        { name: 'id', type: 'string' },
        { name: 'value', type: 'number', description: 'the measured value' },
        { name: 'label', type: 'boolean' },
      ],
      price: String(100 + (i % 50) * 10),
      policy: parseDatasetPolicy({
        release: { allowedModels: i % 3 === 0 ? [models[i % models.length]] : [] },
      }),
      blob: { digest: `sha256:${hex(32)}`, size: 1_000_000 + i },
      key: { keyId: hex(16), custody: 'broker', wrapped: randomBytes(80).toString('base64') },
      status: 'listed',
      runs: 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    ops.push(put(sub, record.id, record));
    if (ops.length >= 1000) {
      await store.exclusive(() => store.write(ops));
      ops = [];
    }
  }
  await store.exclusive(() => store.write(ops));
  await store.close();
}

/** GET `path` on a keep-alive agent; resolves with the body text. */
function fetchText(agent: Agent, port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks).toString('utf8'))
          : reject(new Error(`${path}: ${res.statusCode}`)),
      );
    }).on('error', reject);
  });
}

/** Fetch every path in `paths`, `passes` times, over CONNECTIONS concurrent requests. */
async function load(agent: Agent, port: number, paths: readonly string[], passes: number): Promise<void> {
  const queue = Array.from({ length: passes }, () => paths).flat();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) await fetchText(agent, port, queue[next++]);
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
}

export const catalog: Benchmark = {
  name: 'catalog',
  async run(log) {
    const reps = Number(process.env.SEALGATE_BENCH_CATALOG_REPS ?? 5);
    const passes = Number(process.env.SEALGATE_BENCH_CATALOG_PASSES ?? 3);
    const dataDir = await mkdtemp(join(tmpdir(), 'sealgate-bench-catalog-'));
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const bare = Fastify({ logger: false });
    let gateway: Awaited<ReturnType<typeof buildApp>> | undefined;
    try {
      log(`writing ${LISTINGS} listings into ${dataDir}`);
      await seed(dataDir);
      const t0 = performance.now();
      // rate limits and load shedding off: the figure is the route's cost, not the limiter's verdict
      gateway = await buildApp({ dataDir, rateLimitPerMinute: false, maxEventLoopDelayMs: false });
      const startMs = performance.now() - t0;
      const gwPort = portOf(await gateway.listen({ host: '127.0.0.1', port: 0 }));

      log('walking every page once to record the paths and their JSON');
      const pages = new Map<string, unknown>();
      let path: string | null = `/v1/datasets?limit=${LIMIT}`;
      while (path) {
        const body = JSON.parse(await fetchText(agent, gwPort, path)) as { next: string | null };
        pages.set(path, body);
        path = body.next === null ? null : `/v1/datasets?limit=${LIMIT}&cursor=${body.next}`;
      }
      bare.get('/v1/datasets', (request) => pages.get(request.url));
      const barePort = portOf(await bare.listen({ host: '127.0.0.1', port: 0 }));
      const paths = [...pages.keys()];
      const dummy = join(dataDir, 'none');

      log(`${paths.length} pages x ${passes} passes, ${reps} rounds, ${CONNECTIONS} connections`);
      const t = await interleaved(reps, {
        bare: { out: dummy, run: () => load(agent, barePort, paths, passes) },
        gateway: { out: dummy, run: () => load(agent, gwPort, paths, passes) },
      });
      const requests = paths.length * passes;
      const perSecond = (ms: number): string => `${Math.round(requests / (ms / 1000))} req/s`;
      const r = t.bare.ms / t.gateway.ms;
      const rows: BenchRow[] = [
        {
          metric: `GET /v1/datasets (${LISTINGS} listings, limit ${LIMIT}) / bare fastify`,
          value: ratio(r),
          target: '>= 0.50x',
          ok: r >= 0.5,
          note: `gateway ${perSecond(t.gateway.ms)}, bare ${perSecond(t.bare.ms)}, loopback keep-alive`,
        },
        {
          metric: 'listing index rebuild at start (10 000 listings)',
          value: `${Math.round(startMs)} ms`,
          target: '',
          note: 'buildApp total, including the rebuild',
        },
      ];
      return rows;
    } finally {
      agent.destroy();
      await bare.close();
      await gateway?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};

function portOf(url: string): number {
  return Number(new URL(url).port);
}
