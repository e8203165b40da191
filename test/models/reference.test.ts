/**
 * The reference model (models/reference) as a host process on the synthetic
 * dataset (client/sdk/synthetic.ts, made here from fixed seeds): it learns
 * (the loss falls, accuracy clearly beats the majority class), predicts,
 * reports per-record losses, never prints a record, and fails with one line.
 */
import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseModelDescriptor } from '../../policies/index.js';
import { generateDataset } from '../../client/index.js';
import { descriptorOf, metricValues, runModel } from './run-model.js';
import type { Test } from './run-model.js';

const ROWS = 4000;
const csv = generateDataset({ rows: ROWS, seed: 11 });
const records = csv
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split(','));
const labels = records.map((r) => r.at(-1));
const majority = Math.max(...['0', '1'].map((c) => labels.filter((l) => l === c).length)) / ROWS;

/** A temporary directory with the dataset, and paths inside it. */
function workdir(t: Test) {
  const dir = t.testdir({ 'data.csv': csv });
  const paths = { data: join(dir, 'data.csv'), output: join(dir, 'out'), model: join(dir, 'out') };
  return { dir, paths: { ...paths, queries: join(dir, 'queries.jsonl') } };
}

t.test('model.json is a valid model descriptor with all three modes', (t) => {
  const model = parseModelDescriptor(descriptorOf('reference'));
  t.same(model.entrypoints.train, ['/usr/bin/node', '/model/main.js', 'train']);
  t.same(model.entrypoints.predict?.at(-1), 'predict');
  t.same(model.entrypoints.loss?.at(-1), 'loss');
  t.same(model.metrics, ['loss', 'accuracy']);
  t.match(model.resources, { cpus: 1, memoryMiB: 256, pids: 64, maxSeconds: 600 });
  t.end();
});

t.test(
  'train: the loss falls and accuracy beats the majority class; predict and loss use the model',
  async (t) => {
    const { dir, paths } = workdir(t);
    const hyperparameters = { seed: 3 };
    const run = await runModel('reference', 'train', dir, {
      mode: 'train',
      steps: 400,
      hyperparameters,
      paths,
    });
    t.equal(run.code, 0, run.stderr);
    const loss = metricValues(run, 'loss');
    const accuracy = metricValues(run, 'accuracy');
    t.equal(loss[0].step, 0);
    t.equal(loss.at(-1)?.step, 400, 'the last step is reported');
    t.equal(loss.length, 21, 'every 20 steps by default, and step 0');
    t.ok(Math.abs(loss[0].value - Math.LN2) < 1e-9, 'untrained: ln 2');
    t.ok(loss.at(-1)!.value < 0.5, `final loss ${loss.at(-1)!.value} well below ln 2`);
    const final = accuracy.at(-1)!.value;
    t.ok(final > majority + 0.1, `accuracy ${final} beats the majority class ${majority} by 10 points`);
    t.equal(run.lines.length, run.stdout.split('\n').length - 1, 'every stdout line is a metric line');
    const fields = records.flatMap((r) => r.slice(0, 3));
    t.equal(
      fields.find((f) => run.stdout.includes(f)),
      undefined,
      'no name, national ID or e-mail printed',
    );
    t.ok(existsSync(join(paths.output, 'model.json')), 'the model is written to paths.output');

    const again = await runModel('reference', 'train', dir, { steps: 400, hyperparameters, paths });
    t.equal(again.stdout, run.stdout, 'the same seed trains the same model');

    const queries = [
      { age: 85, systolic_bp: 175, cholesterol_mmol: 7.5, smoker: 'yes', weight_kg: 100 },
      { age: 20, systolic_bp: 100, cholesterol_mmol: 3.2, smoker: 'no', height_cm: '180.5' },
      {},
    ];
    writeFileSync(paths.queries, queries.map((q) => JSON.stringify(q)).join('\n') + '\n\n');
    const predict = await runModel('reference', 'predict', dir, { mode: 'predict', paths });
    t.equal(predict.code, 0, predict.stderr);
    t.same(
      predict.lines.map((l) => l.index),
      [0, 1, 2],
    );
    const [high, low, average] = predict.lines.map((l) => l.value as number);
    t.ok(high > 0.9 && low < 0.1, `risky ${high}, healthy ${low}`);
    t.ok(average > 0 && average < 1, 'an empty query is the average person');

    const losses = await runModel('reference', 'loss', dir, { mode: 'loss', paths });
    t.equal(losses.code, 0, losses.stderr);
    t.equal(losses.lines.length, ROWS, 'one loss per record');
    t.same(losses.lines[7].index, 7);
    const mean = losses.lines.reduce((s, l) => s + (l.value as number), 0) / ROWS;
    t.ok(
      Math.abs(mean - loss.at(-1)!.value) < 1e-9,
      'the per-record losses average to the final training loss',
    );
  },
);

t.test('features, ignore, one-hot text columns, quoted CSV and labels that are words', async (t) => {
  const data = [
    'id,group,"note, free",x,outcome',
    ...Array.from({ length: 200 }, (_, i) => {
      const group = ['a', 'b', 'c'][i % 3];
      return `${i},${group},"said ""hi""\r\nthen left ${i}",${i % 2 === 0 ? '' : (i % 7) - 3},${group === 'b' ? 'yes' : 'no'}`;
    }),
  ].join('\r\n');
  const dir = t.testdir({ 'd.csv': data });
  const paths = { data: join(dir, 'd.csv'), output: join(dir, 'o'), model: join(dir, 'o') };
  const hyperparameters = { label: 'outcome', learningRate: 0.5, batchSize: 32, logEvery: 50 };
  const run = await runModel('reference', 'train', dir, { steps: 200, hyperparameters, paths });
  t.equal(run.code, 0, run.stderr);
  t.equal(metricValues(run, 'accuracy').at(-1)?.value, 1, 'the one-hot group decides the label');
  const saved = JSON.parse(readFileSync(join(paths.output, 'model.json'), 'utf8')) as {
    encoding: { classes: string[]; features: { column: string }[] };
  };
  t.same(saved.encoding.classes, ['no', 'yes']);
  t.same(
    saved.encoding.features.map((f) => f.column),
    ['group', 'group', 'group', 'x'],
    'id and the free-text note are not features',
  );
  const only = await runModel('reference', 'train', dir, {
    steps: 5,
    hyperparameters: { ...hyperparameters, features: ['x'] },
    paths,
  });
  t.equal(only.code, 0, only.stderr);
  const ignored = await runModel('reference', 'train', dir, {
    steps: 5,
    hyperparameters: { ...hyperparameters, ignore: ['group', 'x'] },
    paths,
  });
  t.match(ignored, { code: 1, stderr: /^reference model: no usable feature columns\n$/ });
});

t.test('failures are one line on stderr, exit 1, and never a record', async (t) => {
  const { dir, paths } = workdir(t);
  const cases: [string, string, object, RegExp][] = [
    ['train', 'no params', { steps: 'ten', paths }, /steps must be an integer/],
    ['train', 'bad rate', { steps: 5, hyperparameters: { learningRate: -1 }, paths }, /learningRate/],
    [
      'train',
      'bad label',
      { steps: 5, hyperparameters: { label: 'age' }, paths },
      /exactly 2 values, it holds 73/,
    ],
    ['train', 'no column', { steps: 5, hyperparameters: { label: 'nope' }, paths }, /no column named "nope"/],
    [
      'train',
      'label type',
      { steps: 5, hyperparameters: { label: 7 }, paths },
      /label must be a column name/,
    ],
    ['train', 'hp type', { steps: 5, hyperparameters: [], paths }, /hyperparameters must be an object/],
    [
      'train',
      'no data',
      { steps: 5, paths: { ...paths, data: join(dir, 'x') } },
      /cannot read the data \(ENOENT\)/,
    ],
    ['predict', 'no model', { paths }, /cannot read the trained model \(ENOENT\)/],
    ['nonsense', 'bad mode', { paths }, /mode must be one of train, predict, loss/],
  ];
  for (const [mode, what, params, message] of cases) {
    const run = await runModel('reference', mode, dir, params);
    t.equal(run.code, 1, what);
    t.match(run.stderr, new RegExp(`^reference model: [^\\n]*${message.source}[^\\n]*\\n$`), what);
    t.equal(run.stdout, '', `${what}: nothing on stdout`);
  }
  const raw: [string | object, RegExp][] = [
    ['not json', /cannot read the parameters file \(not JSON\)/],
    ['null', /the parameters are not an object/],
    [{}, /cannot read the data \(ENOENT\)/],
  ];
  for (const [params, message] of raw) {
    const run = await runModel('reference', 'train', dir, params);
    t.match(run, { code: 1, stdout: '', stderr: message });
  }
  const broken: [string, string, RegExp][] = [
    ['unterminated', 'a,label\n"1,0\n', /unterminated quoted field in data row 1/],
    ['ragged', 'a,label\n1,0\n2\n', /data row 2 has 1 fields, the header 2/],
    ['twice', 'a,a,label\n1,1,0\n', /the header names a column twice/],
    ['empty', '', /the data has no header row/],
  ];
  for (const [what, text, message] of broken) {
    writeFileSync(join(dir, 'broken.csv'), text);
    const run = await runModel('reference', 'train', dir, {
      steps: 1,
      paths: { ...paths, data: join(dir, 'broken.csv') },
    });
    t.match(run, { code: 1, stdout: '', stderr: message }, what);
  }
});

t.test('loss and predict refuse what the model cannot read', async (t) => {
  const { dir, paths } = workdir(t);
  const train = await runModel('reference', 'train', dir, { steps: 2, paths });
  t.equal(train.code, 0, train.stderr);
  const [header, first] = csv.split('\n');
  writeFileSync(join(dir, 'other.csv'), `${header}\n${first.replace(/,[01]$/, ',maybe')}\n`);
  writeFileSync(join(dir, 'narrow.csv'), 'age,label\n30,1\n');
  const narrow = await runModel('reference', 'loss', dir, {
    paths: { ...paths, data: join(dir, 'narrow.csv') },
  });
  t.match(narrow, { code: 1, stdout: '', stderr: /the data has no column named "height_cm"/ });
  const loss = await runModel('reference', 'loss', dir, {
    paths: { ...paths, data: join(dir, 'other.csv') },
  });
  t.match(loss, { code: 1, stdout: '', stderr: /data row 1 has a label outside the model's two classes/ });
  writeFileSync(paths.queries, '{"age": 40}\n[1]\n');
  const predict = await runModel('reference', 'predict', dir, { paths });
  t.match(predict, { code: 1, stderr: /query 1 is not a JSON object/ });
  t.equal(predict.lines.length, 1, 'the answers before the bad query');
  const noQueries = await runModel('reference', 'predict', dir, {
    paths: { ...paths, queries: join(dir, 'q') },
  });
  t.match(noQueries, { code: 1, stderr: /cannot read the queries \(ENOENT\)/ });
  writeFileSync(join(paths.model, 'model.json'), '{"format":"other"}');
  const foreign = await runModel('reference', 'loss', dir, { paths });
  t.match(foreign, { code: 1, stderr: /the trained model is not sealgate-reference-logistic\/1/ });
});
