/**
 * What the demo's steps share: the world (bench/world.ts: a gateway and a
 * node on loopback), what each step made for the next, and how a step speaks
 * (`say`, silent under --json) and draws its progress bar. Helpers every step
 * uses live here too: run polling with a live view, balances, the report.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from '../../attest/index.js';
import type { FingerprintedDataset, SealedWorld, SeenEvent, TestNode } from '../../bench/world.js';
import type { RunInfo } from '../../client/index.js';
import { myBalance, requestVerification, waitForReport } from '../../client/index.js';
import { DemoError } from './outcome.js';
import type { DemoScope } from './scope.js';

/** A published model: its id and image digest. */
export interface PublishedModel {
  readonly id: string;
  readonly digest: string;
}

/** Balances of the five parties of a trade, in token base units. */
export interface Balances {
  readonly seller: bigint;
  readonly publisher: bigint;
  readonly miner: bigint;
  readonly platform: bigint;
  readonly buyer: bigint;
}

/** The demo's shared state; each step fills in what the next ones need. */
export interface DemoState {
  readonly scope: DemoScope;
  /** The demo's own temp dir (the staged supervisor), removed at the end. */
  readonly dir: string;
  /** A name unique to this demo, for image tags. */
  readonly label: string;
  /** Narrate one line (nothing under --json). */
  say(line: string): void;
  /** A progress bar on stderr for `label` over `total` units (drawn only on a terminal). */
  progress(label: string, total: number): { update(done: number): void; finish(): void };
  /** The egress policy of the demo's listing. */
  readonly egress: Record<string, unknown>;
  /** Image tags the demo made, removed at the end. */
  readonly images: string[];
  world?: SealedWorld;
  node?: TestNode;
  gatewayKey?: string;
  token?: { symbol: string; decimals: number };
  before?: Balances;
  dataset?: FingerprintedDataset;
  reference?: PublishedModel;
  run?: RunInfo;
  leaky?: RunInfo;
}

/** `value`, or a TypeError naming what an earlier step should have made (a programming mistake). */
export function made<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new TypeError(`the demo has no ${what} yet`);
  return value;
}

/** The gateway's Ed25519 public key (base64), as its operator publishes it: DATA/gateway.pub. */
export async function gatewayPublicKey(world: SealedWorld): Promise<string> {
  return (await readFile(join(world.dir, 'gateway', 'gateway.pub'), 'utf8')).trim();
}

/** The five balances now: each user's through its own signed request, the platform's from the ledger. */
export async function balances(world: SealedWorld): Promise<Balances> {
  const of = async (actor: SealedWorld['seller']): Promise<bigint> =>
    BigInt((await myBalance(actor.client)).balance);
  return {
    seller: await of(world.seller),
    publisher: await of(world.publisher),
    miner: await of(world.miner),
    platform: world.gateway.context.ledger.balance('platform'),
    buyer: await of(world.buyer),
  };
}

/** A metric event's name, step and value (the stream wraps it in `data` or not). */
export function metricOf(event: SeenEvent): { metric: string; step: number; value: number } | undefined {
  if (event.type !== 'metric') return undefined;
  const outer = event.data as { metric?: unknown; step?: unknown; value?: unknown; data?: unknown };
  const d = (outer.data ?? outer) as { metric?: unknown; step?: unknown; value?: unknown };
  if (typeof d.metric !== 'string' || typeof d.value !== 'number') return undefined;
  return { metric: d.metric, step: typeof d.step === 'number' ? d.step : -1, value: d.value };
}

/** Start `quote`'s run's live view and wait for the run's end: the run and the events the buyer saw. */
export async function followRun(
  world: SealedWorld,
  runId: string,
  onEvent: (event: SeenEvent) => void,
  ms = 120_000,
): Promise<{ run: RunInfo; events: SeenEvent[] }> {
  const events = world.follow(runId, onEvent);
  const run = await world.waitRun(runId, ['settled', 'failed', 'cancelled', 'flagged'], ms);
  return { run, events: await events };
}

/** The seller asks for a verification of `runId` and waits for the signed report. */
export async function sellerReport(world: SealedWorld, runId: string): Promise<Report> {
  const id = await requestVerification(world.seller.client, runId);
  const report = await waitForReport(world.seller.client, id, { timeoutMs: 120_000, intervalMs: 250 });
  if (report === undefined) throw new DemoError('DEMO_REPORT_VERDICT', `verification ${id} did not finish`);
  return report;
}
