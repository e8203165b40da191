/**
 * Issue 5, zero false positives: twenty honest runs of the reference model on
 * the synthetic dataset (fingerprinted, 4 planted canaries, the default egress
 * policy), with different seeds and hyperparameters, raise no flag.
 *
 * Twenty sealed runs took 159 s here (2 shared cores), over the 120 s the task
 * allows, so (docs/leaky-models.md): the first 3 are sealed runs on the real
 * parts (test/e2e/world.ts), and the other 17 run the reference model as a real
 * process on the same plaintext, its real stdout through the supervisor's
 * filter (`filterLine`) and the gateway guard's `evaluate` with a real
 * Scanner over the same index, exactly as the guard does for a sealed run.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { Scanner, loadIndex } from '../../attest/index.js';
import type { EgressInput, EgressScanner } from '../../gateway/index.js';
import { evaluate } from '../../gateway/index.js';
import { filterLine } from '../../enclave-runtime/supervisor/index.js';
import { parseEgressPolicy } from '../../policies/index.js';
import { REFERENCE_MODEL, SealedWorld, listFingerprinted, metricValues } from './world.js';

/** Twenty honest trainings: seeds 1..20 over a grid of steps, learning rates, batch sizes and L2. */
const HONEST = Array.from({ length: 20 }, (_, i) => ({
  steps: 5 + (i % 4) * 5,
  hyperparameters: {
    seed: i + 1,
    learningRate: [0.05, 0.1, 0.3, 1][i % 4],
    batchSize: [16, 32, 64, 128, 200][i % 5],
    l2: [0, 1e-4, 1e-2][i % 3],
  },
}));
const SEALED = 3;

/** The reference model's `train` as a process on `data`: its exit code and stdout lines. */
async function train(
  dir: string,
  data: string,
  run: (typeof HONEST)[number],
): Promise<{ code: number | null; lines: string[] }> {
  const work = await mkdtemp(join(dir, 'honest-'));
  const params = join(work, 'params.json');
  await writeFile(
    params,
    JSON.stringify({ mode: 'train', ...run, paths: { data, output: work, model: work, queries: work } }),
  );
  const child = spawn(process.execPath, [join(REFERENCE_MODEL, 'main.js'), 'train'], {
    env: { SEALGATE_PARAMS: params },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, lines: out.split('\n').filter((l) => l !== '') };
}

/** `sealgate verify` as the seller: ask for the run's report and wait for it (docs/egress-protocol.md section 6). */
async function verify(
  world: SealedWorld,
  runId: string,
): Promise<{ body: { verdict: { pass: boolean; reasons: string[] } } }> {
  type Got = { report?: { body: { verdict: { pass: boolean; reasons: string[] } } } };
  const { verificationId } = await world.seller.client.request<{ verificationId: string }>(
    'POST',
    `/v1/runs/${runId}/verifications`,
    { signed: true },
  );
  for (let i = 0; i < 600; i++) {
    const got = await world.seller.client.request<Got>('GET', `/v1/verifications/${verificationId}`, {
      signed: true,
    });
    if (got.report) return got.report;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verification ${verificationId} never finished`);
}

t.test('honest reference runs raise no flag', async (t) => {
  const started = Date.now();
  const world = await SealedWorld.create(t);
  const model = await world.publishModel(REFERENCE_MODEL, 'sealgate-test/reference:e2e');
  const dataset = await listFingerprinted(world, { rows: 200, models: [model.digest] });
  await world.node();

  const sealedIds: string[] = [];
  for (const [i, run] of HONEST.slice(0, SEALED).entries()) {
    const { run: done, events } = await world.trade(dataset.id, model.id, run);
    sealedIds.push(done.id);
    t.equal(done.state, 'settled', `sealed run ${i} settled (${JSON.stringify(done.reason ?? null)})`);
    t.ok(metricValues(events, 'loss').length >= 2, `sealed run ${i}: the buyer saw its losses`);
    t.notOk(
      events.some((e) => e.type === 'flag'),
      `sealed run ${i}: no flag in its stream`,
    );
  }
  const report = await verify(world, sealedIds[0]);
  t.same(
    report.body.verdict,
    { pass: true, reasons: [] },
    'the first sealed run’s verification report passes',
  );
  const { items } = await world.seller.client.request<{ items: unknown[] }>(
    'GET',
    `/v1/datasets/${dataset.id}/flags`,
    { signed: true },
  );
  t.same(items, [], 'the seller was told of no flag');
  t.comment(`${SEALED} sealed runs: ${Math.round((Date.now() - started) / 1000)} s`);

  // The rest: the model's real process, its stdout through the supervisor's filter and the guard.
  const policy = parseEgressPolicy({});
  const index = loadIndex(dataset.index, dataset.key);
  const data = join(world.dir, 'honest.csv');
  await writeFile(data, dataset.csv);
  const descriptor = JSON.parse(await readFile(join(REFERENCE_MODEL, 'model.json'), 'utf8')) as {
    metrics: string[];
  };
  for (const [i, run] of HONEST.entries()) {
    if (i < SEALED) continue;
    const { code, lines } = await train(world.dir, data, run);
    t.equal(code, 0, `process run ${i} exited 0`);
    const rules = { mode: 'train' as const, metrics: descriptor.metrics, maxStep: run.steps, maxIndex: 0 };
    const records: EgressInput[] = lines.map((line, seq) => {
      const r = filterLine(line, rules);
      if (r?.t === 'metric')
        return { seq, channel: 'metrics', metric: r.metric, step: r.step, value: r.value };
      return { seq, channel: 'refused', reason: 'free-text', bytes: Buffer.byteLength(line) };
    });
    const scanner: EgressScanner = new Scanner(index, policy.scan);
    const state = {
      owner: `honest-${i}`,
      runId: `honest-${i}`,
      datasetId: dataset.id,
      size: 0,
      bytes: 0,
      released: 0,
      flagged: 0,
    };
    // final: the run's stream ends with its last record (the guard's endEgress when the job ends).
    const result = evaluate(records, state, { policy, declared: descriptor.metrics, scanner, final: true });
    const flags = [...result.entries.flatMap((e) => e.flags), ...scanner.end()];
    t.ok(records.length >= 2, `process run ${i}: ${records.length} egress records`);
    t.equal(result.entries.length, records.length, `process run ${i}: nothing held forever`);
    t.same(flags, [], `process run ${i}: no flag`);
  }
  t.comment(`20 honest runs: ${Math.round((Date.now() - started) / 1000)} s`);
});
