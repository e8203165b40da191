/** model.json, the model contract (DESIGN.md 6.5): defaults, and refusals that name the bad field. */
import t from 'tap';
import { parseModelDescriptor } from '../../../policies/index.js';

const minimal = {
  name: 'reference-mlp',
  version: '1.0.0',
  entrypoints: { train: ['/model/train'] },
  metrics: ['loss'],
  unitCost: '2',
  baseFee: '100',
  benchmark: { steps: 1000, seconds: 12.5 },
};

t.test('a minimal model.json gets its defaults', (t) => {
  const m = parseModelDescriptor(minimal);
  t.same(m.resources, { cpus: 1, memoryMiB: 512, gpus: 0, tmpfsMiB: 1024, pids: 256, maxSeconds: 3600 });
  t.equal(m.maxSteps, 1_000_000);
  t.equal(m.description, '');
  t.equal(m.benchmark.hardware, '');
  t.end();
});

t.test('bad fields are refused with their path', (t) => {
  const cases: [unknown, string][] = [
    [{ ...minimal, metrics: ['Loss'] }, '/metrics/0'],
    [{ ...minimal, metrics: ['loss', 'loss'] }, '/metrics'],
    [{ ...minimal, entrypoints: { train: [] } }, '/entrypoints/train'],
    [{ ...minimal, entrypoints: { train: ['x'], shell: ['sh'] } }, '/entrypoints/shell'],
    [{ ...minimal, unitCost: '-1' }, '/unitCost'],
    [{ ...minimal, resources: { gpus: 17 } }, '/resources/gpus'],
    [{ ...minimal, benchmark: { steps: 10, seconds: 0 } }, '/benchmark/seconds'],
    [{ ...minimal, extra: 1 }, '/extra'],
  ];
  for (const [doc, path] of cases) {
    t.throws(() => parseModelDescriptor(doc), { code: 'POLICY_INVALID', path }, path);
  }
  t.throws(() => parseModelDescriptor([]), { code: 'POLICY_INVALID', path: '' });
  t.end();
});
