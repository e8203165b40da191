import { CloneType, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { parseDocument } from './parse.js';

/** An amount in integer base units, as a decimal string (JSON has no bigint). */
export const Amount = Type.String({ pattern: '^(0|[1-9][0-9]{0,37})$' });

const amount = (dflt: string) => CloneType(Amount, { default: dflt });

/**
 * By-use rates (issue 6, gateway/economics/charges.ts): fiat base units per step, per GFLOP,
 * per GPU-second, per CPU-second, per GiB-second of memory, per GiB stored, per GiB of traffic.
 * A resource left out is not charged.
 */
export const ResourceRatesSchema = Type.Object(
  {
    step: Type.Optional(Amount),
    gflop: Type.Optional(Amount),
    gpuSecond: Type.Optional(Amount),
    cpuSecond: Type.Optional(Amount),
    memoryGiBSecond: Type.Optional(Amount),
    storageGiB: Type.Optional(Amount),
    trafficGiB: Type.Optional(Amount),
  },
  { additionalProperties: false },
);

/** A probability or multiplier in parts per million (integers keep rewards exact). */
const Ppm = (dflt: number) => Type.Integer({ minimum: 0, maximum: 1_000_000, default: dflt });

const seconds = (dflt: number) => Type.Integer({ minimum: 1, maximum: 10 * 365 * 86400, default: dflt });

/**
 * The operator's economics parameters (DESIGN.md section 9), after DeepBrain
 * Chain's seed: fiat-pegged prices, the escrow split, hourly blocks, emission
 * of 5 billion tokens (500 million a year at first, halving every 5 years),
 * reward probabilities, and bonds with an appeal window.
 */
export const EconomicsParametersSchema = Type.Object(
  {
    fiat: Type.Object(
      {
        currency: Type.String({ pattern: '^[A-Z]{3}$', default: 'USD' }),
        decimals: Type.Integer({ minimum: 0, maximum: 6, default: 2 }),
        /** The lowest price (fiat base units) the gateway accepts for anything priced. */
        priceFloor: amount('1'),
      },
      { additionalProperties: false, default: {} },
    ),
    token: Type.Object(
      {
        symbol: Type.String({ pattern: '^[A-Z]{2,8}$', default: 'SGT' }),
        decimals: Type.Integer({ minimum: 0, maximum: 18, default: 8 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** How escrow splits at settlement, in basis points summing to 10,000; the platform takes rounding. */
    split: Type.Object(
      {
        sellerBps: Type.Integer({ minimum: 0, maximum: 10_000, default: 4_000 }),
        publisherBps: Type.Integer({ minimum: 0, maximum: 10_000, default: 1_500 }),
        minerBps: Type.Integer({ minimum: 0, maximum: 10_000, default: 4_000 }),
        platformBps: Type.Integer({ minimum: 0, maximum: 10_000, default: 500 }),
      },
      { additionalProperties: false, default: {} },
    ),
    blocks: Type.Object({ intervalSeconds: seconds(3600) }, { additionalProperties: false, default: {} }),
    emission: Type.Object(
      {
        /** Whole tokens, ever. */
        totalTokens: amount('5000000000'),
        /** Whole tokens in the first year. */
        initialAnnualTokens: amount('500000000'),
        halvingYears: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
      },
      { additionalProperties: false, default: {} },
    ),
    rewards: Type.Object(
      {
        /** 1% x 95% on a node's first deployment. */
        firstDeploymentPpm: Ppm(9_500),
        /** 99% x 99% for an established node. */
        establishedPpm: Ppm(980_100),
        /** After an abnormal interruption the probability is multiplied by this (1%) ... */
        interruptionMultiplierPpm: Ppm(10_000),
        /** ... for this many hours. */
        interruptionHours: Type.Integer({ minimum: 0, maximum: 100_000, default: 100 }),
      },
      { additionalProperties: false, default: {} },
    ),
    pricing: Type.Object(
      {
        /** How often unit costs are re-balanced so every model pays a node the same. */
        unitCostAdjustSeconds: seconds(86_400),
        /**
         * By-use pricing for every model that does not bring its own `charges` (absent: seed
         * pricing, unit cost × steps). The operator's rates, as in model.json `charges.rates`.
         */
        charges: Type.Optional(ResourceRatesSchema),
        /** The operator's floor per resource: a by-use rate below it is refused (PRICING_BELOW_FLOOR). */
        floors: CloneType(ResourceRatesSchema, { default: {} }),
      },
      { additionalProperties: false, default: {} },
    ),
    bonds: Type.Object(
      {
        /** The bond (token base units) a miner must hold to take runs. */
        minimumBond: amount('100000000000'),
        /** How long a miner may appeal a penalty before it is taken. */
        appealWindowSeconds: seconds(3 * 86_400),
        // docs/bonds-and-placement.md: penalties by cause and duration, in ppm of minimumBond
        /** Going offline during a run: this much for the first started hour of the outage ... */
        offlineBasePpm: Ppm(50_000),
        /** ... plus this much for every further started hour ... */
        offlinePerHourPpm: Ppm(10_000),
        /** ... never more than this for one outage. */
        offlineMaxPpm: Ppm(500_000),
        /** A run failed through the node's fault (start never confirmed, sandbox refused). */
        failedRunPpm: Ppm(100_000),
        /** Evidence the key broker judged false (bad signature, measurement, inspect). */
        forgedEvidencePpm: Ppm(1_000_000),
        /** The harmed buyer's share of a penalty taken; the platform takes the rest and the rounding. */
        buyerSharePpm: Ppm(500_000),
      },
      { additionalProperties: false, default: {} },
    ),
    // docs/bonds-and-placement.md: how the scheduler ranks eligible nodes
    placement: Type.Object(
      {
        /** Score weights (ppm each): the node's asking price, its reputation and its load. */
        priceWeightPpm: Ppm(200_000),
        reputationWeightPpm: Ppm(500_000),
        loadWeightPpm: Ppm(300_000),
        /** A node gets a queued run only while it is among this many best-scoring eligible nodes ... */
        candidates: Type.Integer({ minimum: 1, maximum: 10_000, default: 3 }),
        /** ... unless the run has waited this long; then any eligible node may take it. */
        patienceSeconds: seconds(60),
      },
      { additionalProperties: false, default: {} },
    ),
    escrow: Type.Object(
      {
        /** A node that does not confirm a run's start within this time triggers a full refund. */
        startConfirmSeconds: seconds(300),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type EconomicsParameters = Static<typeof EconomicsParametersSchema>;

/** Parse the operator's economics parameters, with defaults; throws `PolicyError` naming the bad field. */
export function parseEconomicsParameters(input: unknown): EconomicsParameters {
  return parseDocument(EconomicsParametersSchema, input, [
    ({ split: s }) =>
      s.sellerBps + s.publisherBps + s.minerBps + s.platformBps !== 10_000
        ? { path: '/split', message: 'basis points must sum to 10000' }
        : undefined,
    ({ emission: e }) =>
      BigInt(e.initialAnnualTokens) > BigInt(e.totalTokens)
        ? { path: '/emission/initialAnnualTokens', message: 'must not exceed totalTokens' }
        : undefined,
  ]);
}
