#!/usr/bin/env node
/**
 * sealgate's reference model: binary logistic regression on a CSV dataset.
 * Entrypoints `node /model/main.js train|predict|loss` (model.json). It
 * writes only metric lines `{"metric","step","value"}` (train), answers
 * `{"index","value"}` (predict: P(positive class) per query) or per-record
 * losses `{"index","value"}` (loss) to stdout, and never a record. A failure is
 * one line on stderr and exit code 1. docs/models.md describes it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelError, parseCsv, toTable } from './lib/csv.js';
import { encodeRecord, encodeTable, fitEncoding } from './lib/features.js';
import { evaluate, logLoss, probability, train } from './lib/logistic.js';
import { loadParams } from './lib/params.js';

const FORMAT = 'sealgate-reference-logistic/1';

const emit = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const readTable = (path) => {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelError(`cannot read the data (${err.code})`);
  }
  return toTable(parseCsv(text));
};

function loadModel(dir) {
  let model;
  try {
    model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  } catch (err) {
    throw new ModelError(`cannot read the trained model (${err.code ?? 'not JSON'})`);
  }
  if (model?.format !== FORMAT) throw new ModelError(`the trained model is not ${FORMAT}`);
  return { ...model, weights: Float64Array.from(model.weights) };
}

function runTrain({ steps, hyperparameters: hp, paths }) {
  const table = readTable(paths.data);
  const encoding = fitEncoding(table, hp);
  const data = encodeTable(encoding, table);
  const model = train(data, hp, steps, (step, m) => {
    const { loss, accuracy } = evaluate(m, data);
    emit({ metric: 'loss', step, value: loss });
    emit({ metric: 'accuracy', step, value: accuracy });
  });
  mkdirSync(paths.output, { recursive: true });
  const saved = { format: FORMAT, encoding, weights: [...model.weights], bias: model.bias, steps };
  writeFileSync(join(paths.output, 'model.json'), JSON.stringify(saved) + '\n');
}

function runPredict({ paths }) {
  const model = loadModel(paths.model);
  let text;
  try {
    text = readFileSync(paths.queries, 'utf8');
  } catch (err) {
    throw new ModelError(`cannot read the queries (${err.code})`);
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  lines.forEach((line, index) => {
    let query;
    try {
      query = JSON.parse(line);
    } catch {
      query = undefined;
    }
    if (query === null || typeof query !== 'object' || Array.isArray(query)) {
      throw new ModelError(`query ${index} is not a JSON object`);
    }
    const x = encodeRecord(model.encoding, query);
    emit({ index, value: probability(model, x, 0, x.length) });
  });
}

function runLoss({ paths }) {
  const model = loadModel(paths.model);
  const data = encodeTable(model.encoding, readTable(paths.data));
  for (let i = 0; i < data.n; i++) {
    emit({ index: i, value: logLoss(probability(model, data.x, i, data.d), data.y[i]) });
  }
}

// A reader that went away (EPIPE) ends the run quietly: there is nobody left to tell.
process.stdout.on('error', (err) => {
  process.exitCode = err.code === 'EPIPE' ? 1 : 2;
  process.stdout.destroy();
});

const MODES = { train: runTrain, predict: runPredict, loss: runLoss };

try {
  const params = loadParams(process.env, process.argv[2]);
  MODES[params.mode](params);
} catch (err) {
  if (!(err instanceof ModelError)) throw err;
  process.stderr.write(`reference model: ${err.message}\n`);
  process.exitCode = 1;
}
