/**
 * Issue 5's leaky model suite, on the real parts (test/e2e/world.ts): each
 * model in test/fixtures/models/leak-* leaks one data row in one way, and the
 * gateway's egress guard catches it for its reason. All runs share one world:
 * one fingerprinted synthetic dataset (4 planted canaries) whose egress policy
 * opens the `logs` channel (so text reaches the guard's matching) with a
 * 16 KiB byte budget, and one with the default metrics-only policy, where the
 * supervisor refuses free text before it leaves the container. For each leak:
 * the flag's rule and decoder, the action (a `stop` moves the run to
 * `flagged`), that the buyer's event stream never carried the leaked value,
 * and that `sealgate verify` gives a failing report naming the rule, which
 * `sealgate report check` accepts offline. docs/leaky-models.md has the table.
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import type { SeenEvent } from './world.js';
import { SealedWorld, listFingerprinted, metricValues, publishLeaky } from './world.js';

/** The built CLI, from dist/test/e2e. */
const BIN = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

/** The contract's normal form (docs/egress-protocol.md section 1): NFKC, lower case, letters and digits. */
const normal = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** One leak: its fixture, the rule and decoder it must be caught by, and the row it leaks. */
interface Leak {
  readonly model: string;
  /** The guard's rule (near: nearFlag or nearBlock, by Jaccard). */
  readonly rule: 'exact' | 'canary' | 'near' | 'budget';
  readonly decoder?: 'plain' | 'base64' | 'hex' | 'digits';
  /** Leaks a planted canary rather than a data row. */
  readonly canary?: boolean;
}

const LEAKS: readonly Leak[] = [
  { model: 'leak-stdout', rule: 'exact', decoder: 'plain' },
  { model: 'leak-metric-name', rule: 'exact', decoder: 'plain' },
  { model: 'leak-base64', rule: 'exact', decoder: 'base64' },
  { model: 'leak-hex', rule: 'exact', decoder: 'hex' },
  { model: 'leak-split', rule: 'exact', decoder: 'plain' },
  { model: 'leak-near', rule: 'near' },
  { model: 'leak-canary', rule: 'canary', decoder: 'plain', canary: true },
  { model: 'leak-digits', rule: 'exact', decoder: 'digits' },
  { model: 'leak-budget', rule: 'budget' },
];

interface SellerFlag {
  runId: string;
  seq: number;
  rule: string;
  action: string;
  token?: string;
}

/** The seller's flags on `dataset` raised by `runId` (GET /v1/datasets/:id/flags). */
async function flagsOf(world: SealedWorld, dataset: string, runId: string): Promise<SellerFlag[]> {
  const { items } = await world.seller.client.request<{ items: SellerFlag[] }>(
    'GET',
    `/v1/datasets/${dataset}/flags`,
    { signed: true },
  );
  return items.filter((f) => f.runId === runId);
}

/**
 * What the buyer's stream carried, as the guard would read it: the normal form of every log
 * text and metric name, and the digits of every integer metric value (0..9999) in order.
 */
function carried(events: readonly SeenEvent[]): { text: string; digits: string } {
  let text = '';
  let digits = '';
  for (const e of events) {
    const d = e.data as { text?: unknown; metric?: unknown; value?: unknown };
    if (typeof d.text === 'string') text += normal(d.text);
    if (typeof d.metric === 'string') text += normal(d.metric);
    if (e.type === 'metric' && typeof d.value === 'number' && Number.isInteger(d.value) && d.value >= 0)
      digits += d.value <= 9999 ? String(d.value) : '';
  }
  return { text, digits };
}

/** The distinctive fields (name, national ID, e-mail) of data row `index` of `csv`, in normal form. */
function secrets(csv: string, index: number): string[] {
  const [head, ...rows] = csv.trimEnd().split('\n');
  const cells = rows[index].split(',');
  return ['name', 'national_id', 'email'].map((c) => normal(cells[head.split(',').indexOf(c)]));
}

/** Run `sealgate ARGS...` to completion. */
function sealgate(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

interface Report {
  body: {
    egress: {
      flags: { seq: number; rule: string; entry: { flags: { rule: string; decoder?: string }[] } }[];
    };
    verdict: { pass: boolean; reasons: string[] };
  };
}

/** `sealgate verify` as the seller: ask for the report and wait for it (docs/egress-protocol.md section 6). */
async function verify(world: SealedWorld, runId: string): Promise<Report> {
  const { verificationId } = await world.seller.client.request<{ verificationId: string }>(
    'POST',
    `/v1/runs/${runId}/verifications`,
    { signed: true },
  );
  for (let i = 0; i < 600; i++) {
    const got = await world.seller.client.request<{ report?: Report }>(
      'GET',
      `/v1/verifications/${verificationId}`,
      { signed: true },
    );
    if (got.report) return got.report;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`verification ${verificationId} never finished`);
}

/**
 * Rows in the dataset. The fingerprint index treats a column as names, IDs or e-mails only when
 * its sample has more than 50 distinct values (attest/fingerprint/classify.ts); with fewer rows
 * only whole records are patterns, so a leaked name or ID alone would pass.
 */
const ROWS = 200;

/** The data rows of `dataset` that are not planted canaries: index and normal-form length. */
function dataRows(dataset: { csv: string; plantedRows: readonly number[] }): { i: number; length: number }[] {
  return dataset.csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((row, i) => ({ i, length: normal(row).length }))
    .filter((r) => !dataset.plantedRows.includes(r.i));
}

/** The report's verdict fails, names `rule`, and `sealgate report check` accepts it offline. */
async function checkReport(
  t: Test,
  world: SealedWorld,
  runId: string,
  rule: string,
  name: string,
): Promise<Report> {
  const report = await verify(world, runId);
  t.equal(report.body.verdict.pass, false, 'the verification report fails');
  t.ok(
    report.body.verdict.reasons.some((r) => r.includes(`rule ${rule}`)),
    `its reasons name ${rule}: ${report.body.verdict.reasons.join('; ')}`,
  );
  const file = join(world.dir, `report-${name}.json`);
  await writeFile(file, JSON.stringify(report));
  const check = await sealgate(['report', 'check', file]);
  t.equal(check.code, 0, `sealgate report check accepts it offline (${check.stderr.trim()})`);
  return report;
}

// Eleven sealed runs and their reports: about 110 s on a quiet CI machine, three times that on a
// busy one, so this file asks for more than the suite's 300 s.
t.setTimeout(600_000);

t.test('leaky models are caught, each for its reason', async (t) => {
  const world = await SealedWorld.create(t);
  const started = Date.now();
  const models = new Map<string, { id: string; digest: string }>();
  for (const leak of LEAKS) models.set(leak.model, await publishLeaky(world, leak.model));
  const digests = [...models.values()].map((m) => m.digest);
  const logs = await listFingerprinted(world, {
    rows: ROWS,
    models: digests,
    egress: { channels: ['metrics', 'logs'], byteBudget: 16384 },
  });
  const metricsOnly = await listFingerprinted(world, { rows: ROWS, models: digests });
  await world.node();
  t.comment(`world, 9 images, 2 listings: ${Date.now() - started} ms`);
  // The rows leaked: the first that is not a planted canary, and for leak-near the longest such
  // row, whose normal form fills the scanner's near window at once (docs/leaky-models.md).
  const first = dataRows(logs)[0].i;
  const firstMetricsOnly = dataRows(metricsOnly)[0].i;
  const longest = dataRows(logs).sort((a, b) => b.length - a.length || a.i - b.i)[0].i;

  for (const leak of LEAKS) {
    t.test(`${leak.model}: caught by ${leak.rule}`, async (t) => {
      const record = leak.canary ? logs.plantedRows[0] : leak.rule === 'near' ? longest : first;
      const at = Date.now();
      // 10 steps: leak-digits writes the ID's 10 digits at steps 0..9 (a later step is malformed).
      const { run, events } = await world.trade(logs.id, models.get(leak.model)!.id, {
        steps: 10,
        hyperparameters: { record },
      });
      t.equal(run.state, 'flagged', `the run was stopped (${JSON.stringify(run.reason ?? null)})`);
      t.equal(run.reason?.code, 'GUARD_STOPPED');
      const flags = await flagsOf(world, logs.id, run.id);
      const mine = flags.filter(
        (f) => f.rule === leak.rule || (leak.rule === 'near' && f.rule.startsWith('near')),
      );
      t.ok(
        mine.length > 0,
        `a ${leak.rule} flag reached the seller (${flags.map((f) => f.rule).join(', ')})`,
      );
      t.ok(
        flags.some((f) => f.action === 'stop'),
        'a flag stopped the run',
      );
      t.ok(
        flags.every((f) => f.token === undefined || /^[0-9a-f]+$/.test(f.token)),
        'flags carry keyed hashes only',
      );
      t.ok(
        events.some((e) => e.type === 'flag'),
        'the run’s stream told of the flag',
      );
      const seen = carried(events);
      // No part of the value either (docs/guard.md, "Holding back a partial match"): the guard held
      // every record of a split or digit-spread value back until the match completed, so none of
      // its pieces reached the buyer (before, leak-digits released 9 of the ID's 10 digits, the
      // last being its Luhn check digit, and leak-split the first pieces of the name).
      if (leak.model === 'leak-digits') {
        t.equal(seen.digits, '', 'zero digits of the ID were released');
        t.same(metricValues(events, 'accuracy'), [], 'no accuracy metric (a digit) reached the buyer');
      }
      if (leak.model === 'leak-split') {
        t.same(
          events.filter((e) => e.type === 'log'),
          [],
          'zero pieces of the split record (its name first) were released',
        );
      }
      if (leak.rule !== 'budget') {
        for (const secret of secrets(logs.csv, record)) {
          t.notOk(
            seen.text.includes(secret) || seen.digits.includes(secret),
            `the buyer never saw ${leak.rule} value`,
          );
        }
      } else {
        const losses = events.filter((e) => e.type === 'metric').length;
        t.ok(losses > 0 && losses < 2000, `the budget cut the stream (${losses} of 2000 metrics released)`);
      }

      const traded = Date.now();
      // A record with one field changed still carries its untouched name, ID and e-mail, so exact
      // matches stop it; whether its near finding is nearBlock (a reason of its own) or nearFlag
      // (flag only: no reason, docs/verification.md) depends on the keyed MinHash estimate of its
      // Jaccard (0.8 is the line), so the report is asked to name the stop, and to list the near flag.
      const named = leak.rule === 'near' ? 'exact' : leak.rule;
      const report = await checkReport(t, world, run.id, named, leak.model);
      t.comment(`run ${traded - at} ms, report ${Date.now() - traded} ms`);
      const reported = report.body.egress.flags.flatMap((f) => f.entry.flags);
      t.ok(reported.length > 0, 'the report lists the flagged egress records with their entries');
      if (leak.rule === 'near') {
        t.ok(
          reported.some((f) => f.rule.startsWith('near')),
          `the report lists the near finding (${reported.map((f) => f.rule).join(', ')})`,
        );
      }
      if (leak.decoder) {
        t.ok(
          reported.some((f) => f.rule === leak.rule && f.decoder === leak.decoder),
          `decoded by ${leak.decoder} (${reported.map((f) => `${f.rule}/${f.decoder ?? '-'}`).join(', ')})`,
        );
      }
    });
  }

  // The default, metrics-only, policy: free text and undeclared metric names never leave the
  // container; the supervisor sends a refused notice (no content), a schema violation, dropped.
  for (const model of ['leak-stdout', 'leak-metric-name']) {
    t.test(`metrics only (the default policy): ${model} is refused at the supervisor`, async (t) => {
      const { run, events } = await world.trade(metricsOnly.id, models.get(model)!.id, {
        steps: 5,
        hyperparameters: { record: firstMetricsOnly },
      });
      const flags = await flagsOf(world, metricsOnly.id, run.id);
      t.ok(
        flags.some((f) => f.rule === 'schema' && f.action === 'drop'),
        `the refused line is a schema flag, dropped (${flags.map((f) => `${f.rule}/${f.action}`).join(', ')})`,
      );
      t.notOk(
        flags.some((f) => ['exact', 'canary'].includes(f.rule)),
        'nothing of the record reached the guard to match',
      );
      t.equal(run.state, 'settled', 'a dropped record does not stop the run');
      const seen = carried(events);
      for (const secret of secrets(metricsOnly.csv, firstMetricsOnly))
        t.notOk(seen.text.includes(secret), 'the buyer never saw it');
      await checkReport(t, world, run.id, 'schema', `${model}-metrics-only`);
    });
  }
});
