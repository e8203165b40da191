/**
 * The simulated market's parts (issue 6): a real store (LevelDB in a temp
 * dir), ledger, run service (quotes, escrow, settlement), pricing service
 * (speeds, unit-cost adjustments), reward service (emission, block rewards)
 * and bond service, over catalog and node records written as the routes
 * would. Nodes, models and their true speeds come from the seeded generator.
 */
import { createHash } from 'node:crypto';
import { accountId, nodeId, signingKeyPairFromSeed } from '../../attest/index.js';
import type { EconomicsParameters } from '../../policies/index.js';
import { parseDatasetPolicy, parseEconomicsParameters, parseModelDescriptor } from '../../policies/index.js';
import type { DatasetRecord, ModelRecord, NodeRecord } from '../../gateway/index.js';
import {
  BondService,
  DATASETS_SUBLEVEL,
  Ledger,
  MODELS_SUBLEVEL,
  PricingService,
  RewardService,
  RunService,
  Store,
  TokenRate,
  put,
  storeNodeDirectory,
} from '../../gateway/index.js';
import type { Rng } from './rng.js';

/** What the simulation is asked to run. */
export interface SimOptions {
  readonly seed: number;
  readonly hours: number;
  readonly nodes: number;
  readonly models: number;
  /** Mean arrivals of runs per simulated hour (Poisson). */
  readonly runsPerHour: number;
  /** How often unit costs are re-balanced, hours. */
  readonly adjustHours: number;
  /** Per-(node, model) speed noise around node factor × model factor, ± this fraction. */
  readonly noise: number;
  /** The mean chance that a run is interrupted by its node going offline. */
  readonly failureRate: number;
}

/** A node of the market and its true (hidden) speed factor. */
export interface SimNode {
  readonly id: string;
  readonly miner: string;
  readonly factor: number;
  /** Chance a run on it is interrupted (the node goes offline for a few hours). */
  readonly failure: number;
  /** When it joins (ms); the last node joins late, a first deployment mid-simulation. */
  readonly joinsAt: number;
  busyUntil: number;
  offlineUntil: number;
  offlineMs: number;
  done: number;
  failed: number;
}

/** A model and its true reference speed. */
export interface SimModel {
  readonly record: ModelRecord;
  readonly benchmark: number;
}

export interface Market {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly runs: RunService;
  readonly pricing: PricingService;
  readonly rewards: RewardService;
  readonly bonds: BondService;
  readonly economics: EconomicsParameters;
  readonly nodes: SimNode[];
  readonly models: SimModel[];
  /** True steps per second of model j on node i: `speeds.get(node)?.get(model)`. */
  readonly speeds: Map<string, Map<string, number>>;
  readonly dataset: DatasetRecord;
  readonly buyers: readonly string[];
  readonly publicKey: Uint8Array;
  readonly start: number;
  /** The simulated clock, ms. */
  clock: number;
}

/** The simulation starts here (any fixed instant: the output does not depend on the wall clock). */
export const SIM_START = Date.parse('2030-01-06T00:00:00.000Z');

/** Fiat in micro-units (6 decimals); one fiat micro-unit is worth 100 token base units (8 decimals). */
const ECONOMICS = { fiat: { decimals: 6 } };
const RATE = { fiat: 1n, tokens: 100n };
/** What a node earns a second on reference hardware at balanced prices, fiat micro-units. */
const REFERENCE_RETURN = 10_000;

const digest = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const account = (rng: Rng) => accountId(signingKeyPairFromSeed(rng.bytes32()).publicKey);

/** Open a market in `dir` with seeded nodes, models, a dataset, buyers and bonded miners. */
export async function openMarket(options: SimOptions, dir: string, rng: Rng): Promise<Market> {
  const economics = parseEconomicsParameters({
    ...ECONOMICS,
    pricing: { unitCostAdjustSeconds: Math.round(options.adjustHours * 3600) },
  });
  const store = await Store.open(dir);
  const signer = signingKeyPairFromSeed(rng.bytes32());
  const market = { clock: SIM_START };
  const now = () => new Date(market.clock);
  const ledger = await Ledger.open(store, { now, signer, signerKeyId: 'sim' });
  const pricing = new PricingService(store, now);
  const runs = new RunService({
    store,
    ledger,
    now,
    rate: await TokenRate.open(store, RATE),
    economics,
    nodes: storeNodeDirectory(store),
    quoteTtlSeconds: 900,
    pricing,
  });
  const bonds = new BondService({ store, ledger, economics, now });
  // as the gateway wires it: a reward repays its node's debt first
  const rewards = await RewardService.open({ store, ledger, now, economics, genesis: now(), debts: bonds });

  const at = now().toISOString();
  const publisher = account(rng);
  const models: SimModel[] = Array.from({ length: options.models }, (_, j) => {
    const benchmark = rng.logBetween(1, 20);
    // the publisher's price misses the balanced one by up to 2x either way
    const unitCost = Math.round((REFERENCE_RETURN / benchmark) * rng.logBetween(0.5, 2));
    const descriptor = parseModelDescriptor({
      name: `model-${j}`,
      version: '1.0.0',
      entrypoints: { train: ['/bin/train'] },
      metrics: ['loss'],
      unitCost: String(unitCost),
      baseFee: '100000',
      benchmark: { steps: Math.round(benchmark * 100), seconds: 100 },
    });
    const image = { digest: digest(`image ${j}`) };
    const record: ModelRecord = {
      id: `mdl_sim${j}`,
      publisher,
      descriptor,
      image,
      status: 'published',
      createdAt: at,
      updatedAt: at,
    };
    return { record, benchmark: descriptor.benchmark.steps / descriptor.benchmark.seconds };
  });
  const dataset: DatasetRecord = {
    id: 'ds_sim',
    seller: account(rng),
    title: 'simulated',
    description: 'the simulator dataset',
    schema: [{ name: 'x', type: 'int' }],
    price: '1000000',
    policy: parseDatasetPolicy({ release: { allowedModels: models.map((m) => m.record.image.digest) } }),
    blob: { digest: digest('dataset'), size: 1024 * 1024 },
    key: { keyId: 'k1', custody: 'seller' },
    status: 'listed',
    runs: 0,
    createdAt: at,
    updatedAt: at,
  };
  const hourMs = 3_600_000;
  const nodes: SimNode[] = Array.from({ length: options.nodes }, (_, i) => ({
    id: nodeId(signingKeyPairFromSeed(rng.bytes32()).publicKey),
    miner: account(rng),
    factor: rng.logBetween(0.5, 4),
    failure: rng.between(0, 2 * options.failureRate),
    joinsAt:
      i === options.nodes - 1 && options.nodes > 1
        ? SIM_START + Math.floor(options.hours / 3) * hourMs
        : SIM_START,
    busyUntil: 0,
    offlineUntil: 0,
    offlineMs: 0,
    done: 0,
    failed: 0,
  }));
  const speeds = new Map(
    nodes.map((n) => [
      n.id,
      new Map(
        models.map((m) => [
          m.record.id,
          n.factor * m.benchmark * (1 + rng.between(-options.noise, options.noise)),
        ]),
      ),
    ]),
  );
  const buyers = Array.from({ length: 4 }, () => account(rng));

  const nodeRecord = (n: SimNode): NodeRecord => ({
    id: n.id,
    miner: n.miner,
    publicKey: '',
    serial: '00',
    enrolledAt: at,
    lastHeartbeat: at,
    capacity: { cpus: 8, memoryBytes: 32 * 1024 ** 3, gpus: [] },
    running: [],
    faults: [],
  });
  await store.exclusive(() =>
    store.write([
      ...models.map((m) => put(store.sublevel(MODELS_SUBLEVEL), m.record.id, m.record)),
      put(store.sublevel(DATASETS_SUBLEVEL), dataset.id, dataset),
      ...nodes.map((n) => put(store.sublevel('nodes'), n.id, nodeRecord(n))),
    ]),
  );
  // buyers and miners are credited from the mint (as `admin credit` does); miners bond 3x the minimum
  const bond = 3n * BigInt(economics.bonds.minimumBond);
  await ledger.commit(
    [...buyers.map((b) => [b, 10n ** 16n] as const), ...nodes.map((n) => [n.miner, bond] as const)].map(
      ([who, amount]) => ({
        key: `credit:${who}`,
        kind: 'mint' as const,
        postings: [
          { account: 'mint', amount: -amount },
          { account: `user:${who}`, amount },
        ],
      }),
    ),
  );
  for (const n of nodes) await bonds.post(n.miner, n.id, bond, `sim:${n.id}`);
  return Object.assign(market, {
    store,
    ledger,
    runs,
    pricing,
    rewards,
    bonds,
    economics,
    nodes,
    models,
    speeds,
    dataset,
    buyers,
    publicKey: signer.publicKey,
    start: SIM_START,
  });
}
