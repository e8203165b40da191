/**
 * How cost grows with dataset size (docs/performance.md): for synthetic
 * datasets of several sizes, the seller's work before upload and the
 * reference model's training, timed on this machine. Not part of
 * `npm run bench` (no target, no ratio): run it by hand,
 *
 *   node dist/bench/growth.js [--svg docs/performance-growth.svg]
 *
 * Rows per size come from SEALGATE_BENCH_GROWTH_ROWS (default
 * 1000,4000,16000,64000,256000). Per size, best of SEALGATE_BENCH_REPS (default 2):
 * - encrypt only: `prepareDataset` without index or canaries, as
 *   `sealgate dataset publish --no-fingerprint` does before its upload;
 * - publish prep: the default publish (16 canaries planted, the fingerprint
 *   index built, dataset and canary set encrypted), before its upload;
 * - train: `models/reference/main.js train`, 200 steps, as a host process
 *   (no container: a sealed run adds a fixed ~1.3 s, docs/sealing-figures.md).
 * Prints a table and, with --svg, writes a log-log chart of the three lines.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexBuilder, generateDataKey } from '../attest/index.js';
import { generateDataset, prepareDataset } from '../client/index.js';
import { parseEgressPolicy } from '../policies/index.js';
import { table } from './benchmark.js';
import type { Series } from './growth-chart.js';
import { growthChart } from './growth-chart.js';

const ROWS = (process.env.SEALGATE_BENCH_GROWTH_ROWS ?? '1000,4000,16000,64000,256000')
  .split(',')
  .map(Number);
const REPS = Number(process.env.SEALGATE_BENCH_REPS ?? 2);
const STEPS = 200;
/** models/reference, from dist/bench/ back to the worktree root. */
const REFERENCE_MODEL = fileURLToPath(new URL('../../models/reference/', import.meta.url));

/** Wall milliseconds of `fn`, best of `reps`. */
async function best(fn: () => Promise<void>, reps = REPS): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

/** Train the reference model on `data` as a host process; rejects on a non-zero exit. */
async function train(dir: string, data: string): Promise<void> {
  const params = join(dir, 'params.json');
  const output = join(dir, 'out');
  await writeFile(params, JSON.stringify({ mode: 'train', steps: STEPS, paths: { data, output } }));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [join(REFERENCE_MODEL, 'main.js'), 'train'], {
      env: { ...process.env, SEALGATE_PARAMS: params },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`train exited ${code}`))));
  });
}

const dir = await mkdtemp(join(tmpdir(), 'sealgate-growth-'));
try {
  const scan = parseEgressPolicy({}).scan;
  const rows: string[][] = [['rows', 'CSV', 'encrypt only', 'publish prep', 'train 200 steps']];
  const series: Series[] = [
    { name: 'publish prep (index + canaries + encrypt)', points: [] },
    { name: `train, ${STEPS} steps (host process)`, points: [] },
    { name: 'encrypt only', points: [] },
  ];
  for (const n of ROWS) {
    process.stderr.write(`growth: ${n} rows\n`);
    const csv = join(dir, `data-${n}.csv`);
    await writeFile(csv, generateDataset({ rows: n, seed: 7 }));
    const bytes = (await stat(csv)).size;
    const dek = generateDataKey();
    // Milliseconds at small sizes: more repetitions, after one untimed warm-up.
    const encryptOnce = (): Promise<unknown> =>
      prepareDataset(csv, dir, dek, { scan, canaries: 0, envelope: join(dir, `e-${n}.env`) });
    await encryptOnce();
    const encrypt = await best(async () => void (await encryptOnce()), Math.max(REPS, 5));
    const prep = await best(async () => {
      const out = await mkdtemp(join(dir, 'prep-'));
      await prepareDataset(csv, out, dek, {
        index: (key, columns, s) => new IndexBuilder(key, columns, s),
        scan,
        canaries: 16,
      });
      await rm(out, { recursive: true });
    });
    const trained = await best(() => train(dir, csv));
    series[0].points.push([n, prep]);
    series[1].points.push([n, trained]);
    series[2].points.push([n, encrypt]);
    const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
    rows.push([String(n), `${(bytes / 1e6).toFixed(2)} MB`, s(encrypt), s(prep), s(trained)]);
  }
  const load = loadavg()[0].toFixed(1);
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  process.stdout.write(`${table(rows)}\n\nbest of ${REPS}, ${when} UTC, load average ${load}\n`);
  const svgAt = process.argv.indexOf('--svg');
  if (svgAt > 0 && process.argv[svgAt + 1]) {
    const title = `Cost by dataset size (best of ${REPS}, ${when} UTC, load ${load})`;
    await writeFile(process.argv[svgAt + 1], growthChart(title, series));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
