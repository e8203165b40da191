/**
 * Quotes, runs and ratings through the gateway's API (docs/runs.md,
 * docs/ratings.md): price a run, start it from the quote (the gateway
 * escrows the tokens), read it, and rate the other side once it settled.
 * All signed; every reply is checked before it is returned.
 */
import type { GatewayClient } from './gateway-client.js';
import { expectPage, expectShape, isDecimal, queryString } from './reply.js';

/** A run's price: fiat parts, tokens at the frozen rate, and the frozen split. */
export interface RunPrice {
  readonly fiat: {
    readonly compute: string;
    readonly baseFee: string;
    readonly data: string;
    readonly total: string;
  };
  readonly tokens: string;
  readonly rate: { readonly fiat: string; readonly tokens: string };
  readonly split: {
    readonly sellerBps: number;
    readonly publisherBps: number;
    readonly minerBps: number;
    readonly platformBps: number;
  };
}

/** A quote: what a run of `steps` would cost, valid until `expiresAt`. */
export interface Quote {
  readonly id: string;
  readonly buyer: string;
  readonly dataset: string;
  readonly model: string;
  readonly steps: number;
  /** The buyer's hyperparameters for the model, when given. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  readonly price: RunPrice;
  readonly nodes: string[];
  readonly queueSeconds: number;
  /** How many nodes are eligible now, and the best few with their tiers (older gateways omit them). */
  readonly nodeCount?: number;
  readonly candidates?: { readonly id: string; readonly tier: string }[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly run?: string;
}

/** The states of a run (gateway/runs/machine.ts). */
export type RunState =
  | 'queued'
  | 'placed'
  | 'sealing'
  | 'running'
  | 'sealing-output'
  | 'settled'
  | 'failed'
  | 'cancelled'
  | 'flagged';

/** A run, as its buyer or seller sees it. */
export interface RunInfo {
  readonly id: string;
  readonly quote: string;
  readonly buyer: string;
  readonly seller: string;
  readonly publisher: string;
  readonly dataset: string;
  readonly model: string;
  readonly steps: number;
  /** The quote's hyperparameters, handed to the model. */
  readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  readonly price: RunPrice;
  readonly state: RunState;
  readonly node?: string;
  readonly reason?: { readonly code: string; readonly message: string };
  readonly usage?: {
    readonly steps: number;
    readonly cpuSeconds: number;
    readonly gpuSeconds: number;
    readonly seconds: number;
  };
  readonly settlement?: {
    readonly seller: string;
    readonly publisher: string;
    readonly miner: string;
    readonly platform: string;
    readonly refund: string;
  };
  readonly history: { readonly state: RunState; readonly at: string }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A rating given once per side of a settled run. */
export interface RatingInfo {
  readonly id: string;
  readonly run: string;
  readonly by: string;
  readonly of: string;
  readonly side: 'seller' | 'buyer';
  readonly stars: number;
  readonly comment: string;
  readonly createdAt: string;
}

const isPrice = (v: unknown): boolean => {
  const p = v as Partial<RunPrice> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    isDecimal(p.tokens) &&
    typeof p.fiat === 'object' &&
    isDecimal(p.fiat.total)
  );
};

function parseQuote(value: unknown): Quote {
  return expectShape(value, 'a quote', {
    id: 'string',
    buyer: 'string',
    dataset: 'string',
    model: 'string',
    steps: 'number',
    price: isPrice,
    nodes: 'array',
    queueSeconds: 'number',
    expiresAt: 'string',
  });
}

function parseRun(value: unknown): RunInfo {
  return expectShape(value, 'a run', {
    id: 'string',
    quote: 'string',
    buyer: 'string',
    seller: 'string',
    dataset: 'string',
    model: 'string',
    steps: 'number',
    price: isPrice,
    state: 'string',
    history: 'array',
    createdAt: 'string',
  });
}

/**
 * Price a run of `model` on `dataset` for `steps` (capped at the model's maxSteps); a signed buyer
 * request. `hyperparameters` (at most 32 string/number/boolean values, 4 KiB of JSON) reach the
 * model as `params.hyperparameters`.
 */
export async function requestQuote(
  client: GatewayClient,
  order: {
    readonly dataset: string;
    readonly model: string;
    readonly steps: number;
    readonly hyperparameters?: Readonly<Record<string, string | number | boolean>>;
  },
): Promise<Quote> {
  return parseQuote(await client.request('POST', '/v1/quotes', { body: order, signed: true }));
}

/** Start a run from a quote: the gateway escrows the quoted tokens and queues it. */
export async function startRun(client: GatewayClient, quote: string): Promise<RunInfo> {
  return parseRun(await client.request('POST', '/v1/runs', { body: { quote }, signed: true }));
}

/** A run the caller is the buyer or seller of; RUN_NOT_FOUND otherwise. */
export async function getRun(client: GatewayClient, id: string): Promise<RunInfo> {
  return parseRun(await client.request('GET', `/v1/runs/${encodeURIComponent(id)}`, { signed: true }));
}

/** The caller's runs as buyer (or `as: 'seller'`), newest first. */
export async function listRuns(
  client: GatewayClient,
  query: { readonly as?: 'buyer' | 'seller'; readonly limit?: number; readonly cursor?: string } = {},
): Promise<{ items: RunInfo[]; next: string | null }> {
  const reply = await client.request('GET', `/v1/runs${queryString({ ...query })}`, { signed: true });
  return expectPage(reply, 'runs', parseRun);
}

/** Rate the other side of a settled run, 1-5 stars; once per side (RATING_ALREADY_RATED after). */
export async function rateRun(
  client: GatewayClient,
  runId: string,
  rating: { readonly stars: number; readonly comment?: string },
): Promise<RatingInfo> {
  const reply = await client.request('POST', `/v1/runs/${encodeURIComponent(runId)}/ratings`, {
    body: rating,
    signed: true,
  });
  return expectShape(reply, 'a rating', {
    id: 'string',
    run: 'string',
    by: 'string',
    of: 'string',
    side: (v) => v === 'seller' || v === 'buyer',
    stars: 'number',
    comment: 'string',
  });
}

/** Cancel a run (its buyer): at once while queued or placed, else once its node confirms (docs/runs.md). */
export async function cancelRun(client: GatewayClient, id: string, message?: string): Promise<RunInfo> {
  const body = message === undefined ? {} : { message };
  return parseRun(
    await client.request('POST', `/v1/runs/${encodeURIComponent(id)}/cancel`, { body, signed: true }),
  );
}
