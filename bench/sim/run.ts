/**
 * One simulation from options to its report (issue 6), in a fresh temp
 * directory that is removed afterwards. `bench/sim.ts` is the command line;
 * the test calls this with a small market.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from './engine.js';
import type { SimOptions } from './market.js';
import { openMarket } from './market.js';
import type { SimReport } from './report.js';
import { report } from './report.js';
import { Rng } from './rng.js';

/** The defaults of `npm run sim`: two weeks of hourly blocks, daily unit-cost adjustments. */
export const SIM_DEFAULTS: SimOptions = {
  seed: 6,
  hours: 2 * 7 * 24,
  nodes: 12,
  models: 5,
  runsPerHour: 5,
  adjustHours: 24,
  noise: 0.005,
  failureRate: 0.02,
};

/** Run one simulation and return its report. */
export async function runSimulation(options: SimOptions = SIM_DEFAULTS): Promise<SimReport> {
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-sim-'));
  const rng = new Rng(options.seed);
  const market = await openMarket(options, dir, rng);
  try {
    const history = await simulate(market, options, rng);
    return await report(market, options, history, (performance.now() - started) / 1000);
  } finally {
    await market.store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
