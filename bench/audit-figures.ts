/**
 * The audit's figures for the reference model, honest and memorising
 * (docs/audit.md): train on a synthetic dataset with canaries planted, score
 * the canary set in loss mode, and print exposure and membership inference
 * per seed. The model runs as a host process (no container: the figures do not
 * depend on the sandbox), so this measures in seconds what the end-to-end test
 * shows on the real parts. `node dist/bench/audit-figures.js [seeds]`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../client/index.js';
import { exposure, membership } from '../policies/index.js';
import { plantCanaries } from './canaries.js';
import { REFERENCE_MODEL } from './world.js';

/** The two ways to train that the audit must tell apart (docs/audit.md). */
export const HONEST = { steps: 200, hyperparameters: {} };
/** Memorising: each person's ID one-hot (a weight per person), no L2, and nothing else to learn from. */
export const MEMORISING = {
  steps: 300,
  hyperparameters: {
    l2: 0,
    learningRate: 1,
    batchSize: 8,
    maxCategories: 100_000,
    categorical: 'national_id',
    features: 'national_id',
  },
};
/** Memorising too, but with four real features beside the ID: a subtler memoriser. */
export const MEMORISING_MIXED = {
  steps: 600,
  hyperparameters: {
    ...MEMORISING.hyperparameters,
    learningRate: 2,
    features: 'national_id,age,smoker,cholesterol_mmol',
  },
};

function run(dir: string, mode: string, params: object): string {
  const file = join(dir, `${mode}.json`);
  writeFileSync(file, JSON.stringify({ mode, ...params }));
  return execFileSync(process.execPath, [join(REFERENCE_MODEL, 'main.js'), mode], {
    env: { SEALGATE_PARAMS: file },
    maxBuffer: 64 * 1024 ** 2,
  }).toString();
}

/** Train with `how` on `rows` rows with canaries planted, and the audit's figures of the result. */
export function measure(how: { steps: number; hyperparameters: object }, seed: number, rows = 2000) {
  const dir = mkdtempSync(join(tmpdir(), 'sealgate-audit-'));
  try {
    const planted = 16;
    const heldOut = 64;
    const set = plantCanaries(generateDataset({ rows, seed }), { planted, heldOut, repeat: 20, seed });
    writeFileSync(join(dir, 'data.csv'), set.data);
    writeFileSync(join(dir, 'canaries.csv'), set.canarySet);
    const paths = { data: join(dir, 'data.csv'), output: join(dir, 'out'), model: join(dir, 'out') };
    run(dir, 'train', { steps: how.steps, hyperparameters: how.hyperparameters, paths });
    const out = run(dir, 'loss', {
      hyperparameters: how.hyperparameters,
      paths: { ...paths, data: join(dir, 'canaries.csv') },
    });
    const losses = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { value: number }).value);
    const p = losses.slice(0, planted);
    const h = losses.slice(planted);
    return { exposure: exposure(p, h), membership: membership(p, h) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seeds = Number(process.argv[2] ?? 5);
  for (const [name, how] of [
    ['honest', HONEST],
    ['memorising', MEMORISING],
    ['mixed', MEMORISING_MIXED],
  ] as const) {
    for (let seed = 1; seed <= seeds; seed++) {
      const f = measure(how, seed);
      console.log(
        `${name.padEnd(10)} seed ${seed}: mean exposure ${f.exposure.mean.toFixed(2)} bits ` +
          `(max ${f.exposure.max.toFixed(2)} of ${f.exposure.maxPossible.toFixed(2)}), ` +
          `AUC ${f.membership.auc.toFixed(3)}, advantage ${f.membership.advantage.toFixed(3)}`,
      );
    }
  }
}
