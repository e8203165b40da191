/**
 * The settings of `sealgate gateway start` and `node start`, each from a flag,
 * an environment variable or the service's config file (`--config FILE`,
 * SEALGATE_CONFIG), checked at start (client/service-config.ts), and the log
 * destination: pretty lines on a terminal, pino JSON lines otherwise
 * (docs/operations.md lists them all).
 */
import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import type { ServiceSpec } from '../../client/cli/index.js';
import { logFormatFor, prettyDestination } from '../../client/cli/index.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Settings both services share: how they log. */
const logging: ServiceSpec = {
  logLevel: {
    type: { kind: 'enum', values: LOG_LEVELS },
    env: 'SEALGATE_LOG_LEVEL',
    help: 'pino level (default info)',
  },
  logFormat: {
    type: { kind: 'enum', values: ['auto', 'json', 'pretty'] },
    env: 'SEALGATE_LOG_FORMAT',
    help: 'auto (default: pretty on a terminal, else JSON lines), json or pretty',
  },
};

const positive = { kind: 'integer', min: 1 } as const;

/** `sealgate gateway start`. */
export const GATEWAY_SETTINGS: ServiceSpec = {
  data: { type: { kind: 'string' }, flag: 'data', env: 'SEALGATE_GATEWAY_DATA', help: 'data directory' },
  host: { type: { kind: 'string' }, flag: 'host', env: 'SEALGATE_GATEWAY_HOST', help: 'interface' },
  port: { type: { kind: 'port' }, flag: 'port', env: 'SEALGATE_GATEWAY_PORT', help: 'public API port' },
  nodePort: {
    type: { kind: 'port' },
    flag: 'node-port',
    env: 'SEALGATE_GATEWAY_NODE_PORT',
    help: "the nodes' mTLS API port",
  },
  supervisorDigest: {
    type: { kind: 'pattern', pattern: /^sha256:[0-9a-f]{64}$/, says: 'sha256: and 64 lowercase hex digits' },
    flag: 'supervisor-digest',
    help: 'the node supervisor the key broker accepts',
  },
  // the operator's economics document (./economics-file.ts)
  economics: {
    type: { kind: 'string' },
    flag: 'economics',
    env: 'SEALGATE_GATEWAY_ECONOMICS',
    help: 'a JSON file of economics parameters (minimumBond, split, ...)',
  },
  maxGpus: {
    type: { kind: 'integer', min: 0, max: 16 },
    flag: 'max-gpus',
    env: 'SEALGATE_GATEWAY_MAX_GPUS',
    help: 'most GPUs a sealed container may hold and get a key (default 8; 0: no GPU jobs)',
  },
  ...logging,
  metrics: { type: { kind: 'boolean' }, env: 'SEALGATE_GATEWAY_METRICS', help: 'serve GET /metrics' },
  metricsCacheMs: { type: { kind: 'integer', min: 0 }, help: 'reuse a scrape for this long' },
  rateLimitPerMinute: { type: { ...positive, orFalse: true }, help: 'requests per client per minute' },
  maxEventLoopDelayMs: { type: { ...positive, orFalse: true }, help: 'shed load above this lag' },
  bodyLimit: { type: positive, help: 'largest JSON body, bytes' },
  listingBodyLimit: { type: positive, help: 'largest dataset listing body, bytes' },
  blobMaxBytes: { type: positive, help: 'largest blob, bytes' },
  skewSeconds: { type: positive, help: 'allowed clock skew of signed requests' },
  quoteTtlSeconds: { type: positive, help: 'how long a quote holds' },
  maxAttempts: { type: positive, help: 'jobs per run before a fault fails it' },
  nodeTimeoutSeconds: { type: { kind: 'number', min: 0 }, help: 'node offline after this silence' },
  heartbeatSeconds: { type: { kind: 'number', min: 0 }, help: 'node heartbeat interval' },
  startConfirmSeconds: { type: { kind: 'number', min: 0 }, help: 'a placed run must start within this' },
  nodeCaBits: {
    type: { kind: 'integer', min: 2048, max: 8192 },
    help: "the node CA's RSA size (first start)",
  },
};

/** `sealgate node start`. */
export const NODE_SETTINGS: ServiceSpec = {
  gateway: {
    type: {
      kind: 'pattern',
      pattern: /^https:\/\/\S+$/,
      says: "the nodes' https:// URL (gateway start --node-port)",
    },
    flag: 'gateway',
    env: 'SEALGATE_GATEWAY',
    help: "the gateway's nodes URL",
  },
  token: { type: { kind: 'string' }, flag: 'token', env: 'SEALGATE_NODE_TOKEN', help: 'enrollment token' },
  data: { type: { kind: 'string' }, flag: 'data', env: 'SEALGATE_NODE_DATA', help: 'data directory' },
  maxJobs: { type: { kind: 'integer', min: 1, max: 64 }, help: 'jobs run at once (default 1)' },
  maxGpus: {
    type: { kind: 'integer', min: 0, max: 64 },
    flag: 'max-gpus',
    env: 'SEALGATE_NODE_MAX_GPUS',
    help: 'GPUs offered and given to sealed containers (default: every GPU nvidia-smi lists)',
  },
  ...logging,
};

/** Where a service's pino log goes: stderr, pretty on a terminal (or when asked), else JSON lines. */
export function logDestination(format: unknown): DestinationStream {
  const chosen = logFormatFor(typeof format === 'string' ? format : undefined, process.stderr.isTTY);
  return chosen === 'pretty' ? prettyDestination(process.stderr) : pino.destination({ dest: 2, sync: true });
}
