/**
 * The sealing-overhead figure of issue 4 (docs/sealing-figures.md): from job
 * assignment to the model's first instruction in a sealed run on the real
 * parts (gateway, nodes' listener, node agent, Docker driver, supervisor,
 * dockerd), as a ratio to a bare `docker run` of the same image with the same
 * data, measured in the same process, alternating sealed and bare. The sealed
 * path is broken down by the agent's own events so the reader sees where the
 * time goes, and the supervisor's own start (its imports) is measured apart.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow, Benchmark } from './benchmark.js';
import { ratio } from './benchmark.js';
import type { SealedSample } from './sealing-samples.js';
import { RequestClock, bareData, bareSample, sealedSample, writeTinyModel } from './sealing-samples.js';
import { supervisorImports } from './supervisor-start.js';
import type { Teardown } from './world.js';
import { SealedWorld, supervisor } from './world.js';

const SAMPLES = Number(process.env.SEALGATE_BENCH_SEALING_RUNS ?? 5);
const ROWS = 2000;

/** The world's owner here: clean-ups run last first, as tap runs a test's. */
class Cleanups implements Teardown {
  readonly #fns: (() => unknown)[] = [];
  teardown(fn: () => unknown): void {
    this.#fns.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.#fns.reverse()) await fn();
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function measure(log: (line: string) => void): Promise<{ sealed: SealedSample[]; bare: number[] }> {
  const cleanups = new Cleanups();
  try {
    const world = await SealedWorld.create(cleanups);
    const dir = join(world.dir, 'tiny-model');
    await writeTinyModel(dir);
    const tag = `sealgate-bench/tiny:${world.label}`;
    cleanups.teardown(() =>
      world.docker
        .getImage(tag)
        .remove()
        .catch(() => undefined),
    );
    const model = await world.publishModel(dir, tag);
    const dataset = await world.listDataset({ rows: ROWS, models: [model.digest] });
    const data = await bareData(world, join(world.dir, `data-${ROWS}.csv`));
    const clock = new RequestClock();
    const node = await world.node({ http: clock.wrap });
    const sealed = (): Promise<SealedSample> => sealedSample(world, node, clock, dataset.id, model.id);
    const bare = (): Promise<number> => bareSample(world.docker, model.digest, data, world.label);
    log(`sealing: warm-up (one sealed, one bare), then ${SAMPLES} of each, alternating`);
    await sealed();
    await bare();
    const out = { sealed: [] as SealedSample[], bare: [] as number[] };
    for (let i = 0; i < SAMPLES; i++) {
      // Alternate which side goes first, so a drift of the machine hits both alike.
      if (i % 2 === 0) {
        out.sealed.push(await sealed());
        out.bare.push(await bare());
      } else {
        out.bare.push(await bare());
        out.sealed.push(await sealed());
      }
      log(`sealing: sample ${i + 1}: sealed ${ms(out.sealed[i].started)}, bare ${ms(out.bare[i])}`);
    }
    if ((await world.containersLeft()) !== 0) throw new Error('the sealing bench left a container');
    return out;
  } finally {
    await cleanups.run();
  }
}

export const sealing: Benchmark = {
  name: 'sealing',
  async run(log) {
    const { sealed, bare } = await measure(log);
    const at = (k: keyof SealedSample): number => median(sealed.map((s) => s[k]));
    const bareMs = median(bare);
    const started = at('started');
    const forwarded = at('metricForwarded');
    const steps = [
      ['assigned -> container-started (download, create, inspect, start)', at('containerStarted')],
      ['container-started -> hello (the supervisor boots)', at('hello') - at('containerStarted')],
      ['hello -> key-released (nonce, evidence, release)', at('keyReleased') - at('hello')],
      ['key-released -> started (unwrap, decrypt, seccomp, spawn)', started - at('keyReleased')],
      ['started -> first metric sent (model runs; agent batches)', at('metricSent') - started],
    ] as const;
    const imports = supervisorImports(
      (await supervisor()).path,
      fileURLToPath(new URL('../', import.meta.url)),
    );
    const rows: BenchRow[] = [
      {
        metric: 'sealing overhead: assigned -> model started',
        value: ratio(started / bareMs),
        target: '<= 1.5x',
        ok: started / bareMs <= 1.5,
        note: `medians of ${SAMPLES}: sealed ${ms(started)}, bare docker run to first line ${ms(bareMs)}`,
      },
      {
        metric: 'sealing overhead: assigned -> first metric forwarded',
        value: ratio(forwarded / bareMs),
        target: '',
        note: `sealed ${ms(forwarded)} (the agent batches metrics up to 250 ms)`,
      },
      ...steps.map(([name, x]) => ({ metric: `  ${name}`, value: ms(x), target: '' })),
      ...imports.map((r) => ({ metric: `  supervisor start: ${r.name}`, value: ms(r.ms), target: '' })),
    ];
    return rows;
  },
};
