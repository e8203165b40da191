/**
 * The model contract's inputs (DESIGN.md 6.5, docs/node-protocol.md 5): the
 * parameters file at $SEALGATE_PARAMS (default /sealed/input/params.json),
 * `{ mode, steps, hyperparameters, paths: { data, model, queries, output } }`,
 * with the sealed container's paths as defaults, and the hyperparameters with
 * theirs (docs/models.md lists them).
 */
import { readFileSync } from 'node:fs';
import { ModelError } from './csv.js';

export const DEFAULT_PATHS = {
  data: '/sealed/input/data',
  model: '/sealed/input/model',
  queries: '/sealed/input/queries.jsonl',
  output: '/sealed/output',
};

const MODES = ['train', 'predict', 'loss'];

/** `object[name]`, a finite number in [min, max], or the default when absent; `what` names it in errors. */
function number(object, name, dflt, min, max, integer = false, what = `hyperparameter ${name}`) {
  const v = object[name] ?? dflt;
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  ) {
    throw new ModelError(`${what} must be a${integer ? 'n integer' : ' number'} in [${min}, ${max}]`);
  }
  return v;
}

/** Read and check the parameters; `argvMode` (the entrypoint's last word) wins over `params.mode`. */
export function loadParams(env, argvMode) {
  const file = env.SEALGATE_PARAMS || '/sealed/input/params.json';
  let params;
  try {
    params = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ModelError(`cannot read the parameters file (${err.code ?? 'not JSON'})`);
  }
  if (params === null || typeof params !== 'object') throw new ModelError('the parameters are not an object');
  const mode = argvMode ?? params.mode;
  if (!MODES.includes(mode)) throw new ModelError(`mode must be one of ${MODES.join(', ')}`);
  const raw = params.hyperparameters ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ModelError('hyperparameters must be an object');
  const steps = mode === 'train' ? number(params, 'steps', 100, 1, 1e9, true, 'steps') : 0;
  const label = raw.label ?? 'label';
  if (typeof label !== 'string' || label === '')
    throw new ModelError('hyperparameter label must be a column name');
  const hyperparameters = {
    ...raw,
    label,
    learningRate: number(raw, 'learningRate', 0.1, 1e-9, 100),
    batchSize: number(raw, 'batchSize', 64, 1, 1e6, true),
    l2: number(raw, 'l2', 1e-4, 0, 10),
    seed: number(raw, 'seed', 1, 0, 2 ** 32 - 1, true),
    maxCategories: number(raw, 'maxCategories', 16, 1, 100_000, true),
    logEvery: number(raw, 'logEvery', Math.max(1, Math.round(steps / 20)), 1, 1e9, true),
  };
  const paths = { ...DEFAULT_PATHS, ...(params.paths ?? {}) };
  return { mode, steps, hyperparameters, paths };
}
