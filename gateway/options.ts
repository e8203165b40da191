/**
 * Gateway options, normalised once with their defaults (STYLE.md). Every
 * limit a deployment may tune is here; nothing else reads the environment.
 */
import type { ScannerSource } from './guard/scanner.js';
import type { FastifyServerOptions } from 'fastify';
import type { EconomicsParameters } from '../policies/index.js';
import { parseEconomicsParameters } from '../policies/index.js';
// the key broker
import type { BrokerOptions, NormalizedBrokerOptions } from './broker/options.js';
import { normalizeBrokerOptions } from './broker/options.js';

/** What `buildApp` takes. */
export interface GatewayOptions {
  /** Where the database, blobs and keys live. */
  readonly dataDir: string;
  /** The clock (tests freeze it). */
  readonly now?: () => Date;
  /** A fastify logger setting (default: off; `gateway start` passes its pino logger). */
  readonly logger?: FastifyServerOptions['loggerInstance'] | boolean;
  /** The economics parameters document (DESIGN.md 9); defaults apply to missing fields. */
  readonly economics?: unknown;
  /** Largest JSON body, bytes (default 1 MiB; dataset listings allow `listingBodyLimit`). */
  readonly bodyLimit?: number;
  /** Largest dataset listing body (it carries the fingerprint index), bytes (default 32 MiB). */
  readonly listingBodyLimit?: number;
  /** Largest blob, bytes (default 64 GiB). */
  readonly blobMaxBytes?: number;
  /** Allowed clock difference of signed requests, seconds (default 60). */
  readonly skewSeconds?: number;
  /** Requests per client address per minute (default 6000; false turns limiting off). */
  readonly rateLimitPerMinute?: number | false;
  /** Shed load (503) when the event loop lags more than this, ms (default 1000; false: never). */
  readonly maxEventLoopDelayMs?: number | false;
  /** How often ledger blocks close, ms (default: the economics block interval). */
  readonly blockIntervalMs?: number;
  // runs and quotes
  /** The initial fiat-to-token rate: `fiat` fiat base units are worth `tokens` token base units (default 1 : 10^6). */
  readonly tokenRate?: { readonly fiat: bigint | string; readonly tokens: bigint | string };
  /** How long a quote holds, seconds (default 900). */
  readonly quoteTtlSeconds?: number;
  // nodes, jobs and faults (docs/nodes.md)
  /** A node is offline once its last heartbeat is older than this, seconds (default 30). */
  readonly nodeTimeoutSeconds?: number;
  /** How often nodes should heartbeat, seconds (default 5). */
  readonly heartbeatSeconds?: number;
  /** Jobs a run may have before a fault fails it instead of requeueing it (default 2). */
  readonly maxAttempts?: number;
  /** How often the fault sweeper runs, seconds (default 1). */
  readonly sweepSeconds?: number;
  /** A placed run must be running within this, seconds, or it is treated as a fault (default 300). */
  readonly startConfirmSeconds?: number;
  /**
   * Caps on a job's limits, whatever model.json asks (defaults: no cap beyond model.json's,
   * except GPUs: at most the broker's `maxGpus`).
   */
  readonly jobLimitCaps?: Partial<JobLimitCaps>;
  /** Largest sealed-inference input, bytes (default 1 MiB). */
  readonly inferenceMaxBytes?: number;
  /** RSA size of a new node CA key (default 3072; tests use 2048). */
  readonly nodeCaBits?: number;
  /** Where each run's egress scanner comes from (default: the dataset's fingerprint index). */
  readonly egressScanners?: ScannerSource;
  /** Names the nodes dial the gateway by, for the listener's certificate. */
  readonly nodeDnsNames?: readonly string[];
  readonly nodeIpAddresses?: readonly string[];
  // the key broker
  /** The key broker's allowlists and TTLs (docs/broker.md); empty allowlists refuse every release. */
  readonly broker?: BrokerOptions;
  // operations (docs/operations.md)
  /** Serve `GET /metrics` (default true). */
  readonly metrics?: boolean;
  /** A scrape is computed at most once per this many ms; 0 computes every one (default 1000). */
  readonly metricsCacheMs?: number;
  // unit costs
  /** How often unit costs are re-balanced, ms (default: economics.pricing.unitCostAdjustSeconds). */
  readonly unitCostAdjustMs?: number;
}

/** The most a job may get, in model.json's units. */
export interface JobLimitCaps {
  readonly cpus: number;
  readonly memoryMiB: number;
  readonly pids: number;
  readonly maxSeconds: number;
  readonly tmpfsMiB: number;
  readonly gpus: number;
}

export interface NormalizedOptions {
  readonly dataDir: string;
  readonly now: () => Date;
  readonly logger: FastifyServerOptions['loggerInstance'] | boolean;
  readonly economics: EconomicsParameters;
  readonly bodyLimit: number;
  readonly listingBodyLimit: number;
  readonly blobMaxBytes: number;
  readonly skewSeconds: number;
  readonly rateLimitPerMinute: number | false;
  readonly maxEventLoopDelayMs: number | false;
  readonly blockIntervalMs: number;
  // runs and quotes
  readonly tokenRate: { readonly fiat: bigint; readonly tokens: bigint };
  readonly quoteTtlSeconds: number;
  // nodes, jobs and faults
  readonly nodeTimeoutSeconds: number;
  readonly heartbeatSeconds: number;
  readonly maxAttempts: number;
  readonly sweepSeconds: number;
  readonly startConfirmSeconds: number;
  readonly jobLimitCaps: JobLimitCaps;
  readonly inferenceMaxBytes: number;
  readonly nodeCaBits: number;
  readonly egressScanners?: ScannerSource;
  readonly nodeDnsNames: readonly string[];
  readonly nodeIpAddresses: readonly string[];
  // the key broker
  readonly broker: NormalizedBrokerOptions;
  // operations
  readonly metrics: boolean;
  readonly metricsCacheMs: number;
  // unit costs
  readonly unitCostAdjustMs: number;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new TypeError(`${name} must be a positive integer`);
  return value;
}

function positiveNumber(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new TypeError(`${name} must be a positive number`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be an integer >= 0`);
  return value;
}

// A rate part: a positive integer given as a bigint or a decimal string.
function ratePart(name: string, value: bigint | string): bigint {
  const n = typeof value === 'bigint' ? value : /^[1-9][0-9]{0,37}$/.test(value) ? BigInt(value) : 0n;
  if (n <= 0n) throw new TypeError(`${name} must be a positive integer`);
  return n;
}

/** Apply defaults and check every option; a bad option is a TypeError naming it. */
export function normalizeOptions(options: GatewayOptions): NormalizedOptions {
  if (typeof options.dataDir !== 'string' || options.dataDir === '')
    throw new TypeError('dataDir is required');
  const economics = parseEconomicsParameters(options.economics ?? {});
  const limit = options.rateLimitPerMinute ?? 6000;
  const lag = options.maxEventLoopDelayMs ?? 1000;
  // the key broker; its GPU ceiling also caps what a job asks for
  const broker = normalizeBrokerOptions(options.broker ?? {});
  return {
    dataDir: options.dataDir,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? false,
    economics,
    bodyLimit: positiveInteger('bodyLimit', options.bodyLimit ?? 1024 * 1024),
    listingBodyLimit: positiveInteger('listingBodyLimit', options.listingBodyLimit ?? 32 * 1024 * 1024),
    blobMaxBytes: positiveInteger('blobMaxBytes', options.blobMaxBytes ?? 64 * 1024 ** 3),
    skewSeconds: positiveInteger('skewSeconds', options.skewSeconds ?? 60),
    rateLimitPerMinute: limit === false ? false : positiveInteger('rateLimitPerMinute', limit),
    maxEventLoopDelayMs: lag === false ? false : positiveInteger('maxEventLoopDelayMs', lag),
    blockIntervalMs: positiveInteger(
      'blockIntervalMs',
      options.blockIntervalMs ?? economics.blocks.intervalSeconds * 1000,
    ),
    // runs and quotes
    tokenRate: {
      fiat: ratePart('tokenRate.fiat', options.tokenRate?.fiat ?? 1n),
      tokens: ratePart('tokenRate.tokens', options.tokenRate?.tokens ?? 1_000_000n),
    },
    quoteTtlSeconds: positiveInteger('quoteTtlSeconds', options.quoteTtlSeconds ?? 900),
    // nodes, jobs and faults
    nodeTimeoutSeconds: positiveNumber('nodeTimeoutSeconds', options.nodeTimeoutSeconds ?? 30),
    heartbeatSeconds: positiveNumber('heartbeatSeconds', options.heartbeatSeconds ?? 5),
    maxAttempts: positiveInteger('maxAttempts', options.maxAttempts ?? 2),
    sweepSeconds: positiveNumber('sweepSeconds', options.sweepSeconds ?? 1),
    startConfirmSeconds: positiveNumber('startConfirmSeconds', options.startConfirmSeconds ?? 300),
    jobLimitCaps: {
      cpus: positiveNumber('jobLimitCaps.cpus', options.jobLimitCaps?.cpus ?? 256),
      memoryMiB: positiveInteger('jobLimitCaps.memoryMiB', options.jobLimitCaps?.memoryMiB ?? 1024 * 1024),
      pids: positiveInteger('jobLimitCaps.pids', options.jobLimitCaps?.pids ?? 65_536),
      maxSeconds: positiveInteger('jobLimitCaps.maxSeconds', options.jobLimitCaps?.maxSeconds ?? 7 * 86_400),
      tmpfsMiB: positiveInteger('jobLimitCaps.tmpfsMiB', options.jobLimitCaps?.tmpfsMiB ?? 1024 * 1024),
      // no job asks for more GPUs than the broker lets a sealed container hold
      gpus: nonNegativeInteger(
        'jobLimitCaps.gpus',
        options.jobLimitCaps?.gpus ?? Math.min(16, broker.profile.maxGpus),
      ),
    },
    inferenceMaxBytes: positiveInteger('inferenceMaxBytes', options.inferenceMaxBytes ?? 1024 * 1024),
    nodeCaBits: positiveInteger('nodeCaBits', options.nodeCaBits ?? 3072),
    ...(options.egressScanners === undefined ? {} : { egressScanners: options.egressScanners }),
    nodeDnsNames: [...(options.nodeDnsNames ?? ['localhost'])],
    nodeIpAddresses: [...(options.nodeIpAddresses ?? ['127.0.0.1'])],
    // the key broker
    broker,
    // operations
    metrics: options.metrics ?? true,
    metricsCacheMs: nonNegativeInteger('metricsCacheMs', options.metricsCacheMs ?? 1000),
    // unit costs
    unitCostAdjustMs: positiveInteger(
      'unitCostAdjustMs',
      options.unitCostAdjustMs ?? economics.pricing.unitCostAdjustSeconds * 1000,
    ),
  };
}
