/**
 * The demo's last four steps (issue 7; DESIGN.md sections 5.9-5.11 and 8):
 * the seller's verification report, checked offline; a leaky model on the
 * same dataset, stopped by the guard, its report failing with the reason the
 * seller sees; the settlement as balances before and after; the two ratings.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../../attest/index.js';
import { hostileModel } from '../../bench/world.js';
import {
  checkReportFile,
  formatTokens,
  getDataset,
  getRun,
  rateRun,
  requestQuote,
  startRun,
} from '../../client/index.js';
import { DemoError } from './outcome.js';
import type { Details } from './outcome.js';
import type { DemoState } from './state.js';
import { balances, followRun, made, sellerReport } from './state.js';
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
  for (const f of flags) s.say(`  the seller's flag: record ${f.seq}, rule ${f.rule}, action ${f.action}`);
  const report = await sellerReport(world, run.id);
  await checkOffline(s, report, 'report-leaky');
  const { verdict, egress } = report.body;
  const found = 'flags' in egress ? egress.flags.flatMap((f) => f.entry.flags) : [];
  const kinds = [...new Set(found.map((f) => `${f.rule}/${f.decoder ?? '-'}`))];
  s.say(`report: verdict ${verdict.pass ? 'pass' : 'FAIL'} (checked offline): ${verdict.reasons.join('; ')}`);
  const header = dataset.csv.split('\n')[0].split(',');
  const cells = dataset.csv.trimEnd().split('\n')[1 + record].split(',');
  const secrets = ['name', 'national_id', 'email'].map((c) => normal(cells[header.indexOf(c)]));
  const seen = normal(events.map((e) => JSON.stringify(e.data)).join(' '));
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

const PARTIES = ['seller', 'publisher', 'miner', 'platform', 'buyer'] as const;
type Party = (typeof PARTIES)[number];

/** 8. Balances before and after, their changes summing to zero and matching the run's settlement. */
export async function settlement(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const before = made(s.before, 'balances');
  const token = made(s.token, 'token');
  const after = await balances(world);
  const run = await getRun(world.buyer.client, made(s.run, 'run').id);
  const split = run.settlement;
  const change = (p: Party): bigint => after[p] - before[p];
  const fmt = (v: bigint): string => formatTokens(v, token.decimals);
  const signed = (v: bigint): string => (v > 0n ? `+${fmt(v)}` : fmt(v));
  s.say(`  ${'party'.padEnd(10)}${'before'.padStart(14)}${'after'.padStart(14)}${'change'.padStart(14)}`);
  for (const p of PARTIES)
    s.say(
      `  ${p.padEnd(10)}${fmt(before[p]).padStart(14)}${fmt(after[p]).padStart(14)}${signed(change(p)).padStart(14)}`,
    );
  const sum = PARTIES.reduce((acc, p) => acc + change(p), 0n);
  const paid = -change('buyer');
  const shares = ['seller', 'publisher', 'miner', 'platform'] as const;
  const matches = split !== undefined && shares.every((p) => change(p) === BigInt(split[p]));
  s.say(
    `the buyer paid ${fmt(paid)} of the ${fmt(BigInt(run.price.tokens))} ${token.symbol} escrowed ` +
      `(refund ${fmt(BigInt(split?.refund ?? '0'))}); the stopped run was refunded in full; the changes sum to ${fmt(sum)}`,
  );
  if (sum !== 0n || !matches)
    throw new DemoError(
      'DEMO_BALANCES_INCONSISTENT',
      `balance changes sum to ${sum} and ${matches ? 'match' : 'differ from'} the run's settlement`,
    );
  const show = (f: (p: Party) => bigint): Record<string, string> =>
    Object.fromEntries(PARTIES.map((p) => [p, f(p).toString()]));
  return {
    before: show((p) => before[p]),
    after: show((p) => after[p]),
    change: show(change),
    settlement: split,
    escrowed: run.price.tokens,
    buyerPaid: paid.toString(),
    split: run.price.split,
    sum: sum.toString(),
  };
}

/** 9. Buyer and seller rate each other for the settled run; the seller's rating shows on the listing. */
export async function ratings(s: DemoState): Promise<Details> {
  const world = made(s.world, 'world');
  const run = made(s.run, 'run');
  const byBuyer = await rateRun(world.buyer.client, run.id, { stars: 5, comment: 'clean data, fast run' });
  const bySeller = await rateRun(world.seller.client, run.id, { stars: 4, comment: 'paid promptly' });
  s.say(
    `buyer rated the seller ${byBuyer.stars}★ ("${byBuyer.comment}"); seller rated the buyer ${bySeller.stars}★ ("${bySeller.comment}")`,
  );
  const listing = await getDataset(world.buyer.client, made(s.dataset, 'dataset').id);
  s.say(
    `the listing now shows the seller's rating: ${listing.sellerRating.count} rating(s), score ${listing.sellerRating.score.toFixed(2)}`,
  );
  const view = (r: typeof byBuyer): Details => ({
    id: r.id,
    by: r.by,
    of: r.of,
    side: r.side,
    stars: r.stars,
    comment: r.comment,
  });
  return { run: run.id, buyer: view(byBuyer), seller: view(bySeller), sellerRating: listing.sellerRating };
}

/** The last four steps by name. */
export const checks = {
  verification,
  'leaky-run-caught': leakyRunCaught,
  settlement,
  ratings,
} as const;
