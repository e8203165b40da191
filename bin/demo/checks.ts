/**
 * The demo's steps 6 and 7 (issue 7; DESIGN.md sections 5.11 and 8): the
 * seller's verification report, checked offline; a leaky model on the same
 * dataset, stopped by the guard, its report failing with the reason the
 * seller sees.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../../attest/index.js';
import { hostileModel } from '../../bench/world.js';
import { checkReportFile, requestQuote, startRun } from '../../client/index.js';
import { DemoError } from './outcome.js';
import type { Details } from './outcome.js';
import type { DemoState } from './state.js';
import { followRun, made, sellerReport } from './state.js';
import { allowModels } from './trade.js';

/** The leaky fixture: prints one training record to its log (test/fixtures/models/leak-stdout). */
const LEAK = 'leak-stdout';

/** Save `report` as the seller would, and check the file offline with the gateway's published key. */
async function checkOffline(
  s: DemoState,
  report: Report,
  name: string,
): Promise<{ file: string; keyId: string }> {
  const file = join(made(s.world, 'world').dir, `${name}.json`);
  await writeFile(file, JSON.stringify(report));
  const checked = await checkReportFile(file, made(s.gatewayKey, 'gateway key'));
  return { file, keyId: checked.keyId };
}

/** 6. The seller's verification of the honest run: it passes, and checks offline. */
export async function verification(s: DemoState): Promise<Details> {
  const run = made(s.run, 'run');
  const report = await sellerReport(made(s.world, 'world'), run.id);
  const { keyId } = await checkOffline(s, report, 'report-honest');
  const { verdict, audit, egress } = report.body;
  s.say(
    `report for ${run.id}: verdict ${verdict.pass ? 'pass' : 'FAIL'}; signature checked offline with gateway key ${keyId}`,
  );
  if ('count' in egress)
    s.say(`  egress log: ${egress.count} records, ${egress.bytes} bytes, ${egress.flags.length} flags`);
  if ('membership' in audit)
    s.say(
      `  canary audit: exposure ${audit.exposure.mean.toFixed(2)} bits (max ${audit.thresholds.maxMeanExposureBits}), ` +
        `membership AUC ${audit.membership.auc.toFixed(2)} (max ${audit.thresholds.maxAuc})`,
    );
  if (!verdict.pass)
    throw new DemoError(
      'DEMO_REPORT_VERDICT',
      `the honest run's report fails: ${verdict.reasons.join('; ')}`,
    );
  return {
    run: run.id,
    verdict: verdict.pass ? 'pass' : 'fail',
    reasons: verdict.reasons,
    checkedOffline: true,
    gatewayKeyId: keyId,
    egressRecords: 'count' in egress ? egress.count : null,
    membershipAuc: 'membership' in audit ? audit.membership.auc : null,
  };
}

/** The normal form the guard matches in: NFKC, lower case, letters and digits only. */
const normal = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

/** Distinct `items` in first-seen order, each with `×N` when repeated: `exact → stop ×5, nearBlock → drop`. */
function counted(items: readonly string[]): string {
  return countedList(items).join(', ');
}

function countedList(items: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => (n > 1 ? `${item} ×${n}` : item));
}

/** 7. A leaky model runs on the same dataset: stopped, its report fails, the seller sees why. */
export async function leakyRunCaught(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const dataset = made(s.dataset, 'dataset');
  const tag = `sealgate-demo/${LEAK}:${s.label}`;
  s.images.push(tag);
  const leaky = await world.publishModel(await world.modelCopy(hostileModel(LEAK), {}), tag);
  await allowModels(s, [made(s.reference, 'model').digest, leaky.digest]);
  s.say(`a publisher ships ${leaky.id}, which prints a training record to its log; the seller allows it too`);
  const record = dataset.csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .findIndex((_, i) => !dataset.plantedRows.includes(i));
  const quote = await requestQuote(world.buyer.client, {
    dataset: dataset.id,
    model: leaky.id,
    steps: 10,
    hyperparameters: { record },
  });
  const started = await startRun(world.buyer.client, quote.id);
  const { run, events } = await followRun(world, started.id, () => undefined);
  s.leaky = run;
  if (run.state !== 'flagged')
    throw new DemoError('DEMO_LEAK_NOT_CAUGHT', `leaky run ${run.id} ended ${run.state}, not flagged`);
  s.say(`run ${run.id} stopped: ${run.state} (${run.reason?.code ?? '-'}); the buyer is refunded in full`);
  const { items } = await world.seller.client.request<{
    items: { runId: string; seq: number; rule: string; action: string }[];
  }>('GET', `/v1/datasets/${dataset.id}/flags`, { signed: true });
  const flags = items
    .filter((f) => f.runId === run.id)
    .map(({ seq, rule, action }) => ({ seq, rule, action }));
  const seqs = [...new Set(flags.map((f) => f.seq))].join(', ');
  s.say(
    `the seller's flags on egress record ${seqs}: ${counted(flags.map((f) => `${f.rule} → ${f.action}`))}`,
  );
  const report = await sellerReport(world, run.id);
  await checkOffline(s, report, 'report-leaky');
  const { verdict, egress } = report.body;
  const found = 'flags' in egress ? egress.flags.flatMap((f) => f.entry.flags) : [];
  const kinds = [...new Set(found.map((f) => `${f.rule}/${f.decoder ?? '-'}`))];
  s.say(`report: verdict ${verdict.pass ? 'pass' : 'FAIL'}, signature checked offline; its reasons:`);
  for (const reason of countedList(verdict.reasons)) s.say(`  ${reason}`);
  const header = dataset.csv.split('\n')[0].split(',');
  const cells = dataset.csv.trimEnd().split('\n')[1 + record].split(',');
  const secrets = ['name', 'national_id', 'email'].map((c) => normal(cells[header.indexOf(c)]));
  // What the buyer's stream carried as text: log lines and metric names (docs/leaky-models.md).
  const seen = normal(
    events
      .flatMap((e) => {
        const d = e.data as { text?: unknown; metric?: unknown };
        return [d.text, d.metric].filter((v): v is string => typeof v === 'string');
      })
      .join(' '),
  );
  const buyerSawRecord = secrets.some((x) => seen.includes(x));
  if (verdict.pass || flags.length === 0 || buyerSawRecord)
    throw new DemoError(
      'DEMO_LEAK_NOT_CAUGHT',
      `leaky run ${run.id}: verdict ${verdict.pass}, ${flags.length} flags`,
    );
  return {
    model: leaky.id,
    run: run.id,
    state: run.state,
    code: run.reason?.code,
    flags,
    kinds,
    verdict: 'fail',
    reasons: verdict.reasons,
    checkedOffline: true,
    buyerSawRecord,
  };
}

/** Steps 6 and 7 by name. */
export const checks = {
  verification,
  'leaky-run-caught': leakyRunCaught,
} as const;
