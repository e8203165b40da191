/**
 * `sealgate gateway start`: the gateway as a long-lived service. It listens,
 * prints the URL it chose (`{url}` with --json) on stdout, logs pino JSON
 * lines on stderr (pretty on a terminal), and on SIGINT or SIGTERM closes gracefully — in-flight
 * requests finish, then the store closes — and the command ends with exit 0.
 * A second signal during the close ends the process at once (Node's default).
 * Settings come from flags, the environment or `--config FILE`
 * (./service-settings.ts, docs/operations.md), checked before anything starts,
 * and so is the economics document named by `--economics FILE` (./economics-file.ts).
 */
import { join } from 'node:path';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { resolveServiceSettings } from '../../client/cli/index.js';
import { DEFAULT_GATEWAY_PORT, createLogger, startGateway } from '../../gateway/index.js';
import type { BrokerOptions, StartGatewayOptions } from '../../gateway/index.js';
import { readEconomicsFile } from './economics-file.js';
import { GATEWAY_SETTINGS, logDestination } from './service-settings.js';
import { runtimeVersion, supervisorDigest } from '../../enclave-runtime/index.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The first of SIGINT/SIGTERM to arrive. The handlers are removed then (or on
 * `cancel`), so a second signal gets Node's default: the process ends.
 */
function firstSignal(): { received: Promise<NodeJS.Signals>; cancel(): void } {
  const handlers: [NodeJS.Signals, () => void][] = [];
  const cancel = () => handlers.forEach(([s, h]) => process.off(s, h));
  const received = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of SIGNALS) {
      const handler = () => {
        cancel();
        resolve(signal);
      };
      handlers.push([signal, handler]);
      process.on(signal, handler);
    }
  });
  return { received, cancel };
}

/**
 * What the key broker accepts (docs/broker.md): the supervisor this installation
 * ships (or the operator's pinned `--supervisor-digest`) and this version of the
 * node agent. Only computed when nodes can connect (`--node-port`).
 */
async function brokerAllowlists(pinned: string | undefined): Promise<BrokerOptions> {
  return {
    supervisorDigests: [pinned ?? (await supervisorDigest())],
    runtimeVersions: [await runtimeVersion()],
  };
}

/** Run the gateway until a signal, then close it. */
export async function runGatewayStart(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  // flag > environment > --config FILE > default, all checked before anything starts
  const { values: v, sources } = resolveServiceSettings(GATEWAY_SETTINGS, args.values, ctx.env);
  const { data, host, port, nodePort, supervisorDigest, maxGpus, logLevel, logFormat, economics, ...tuning } =
    v;
  const economicsDocument =
    typeof economics === 'string'
      ? readEconomicsFile(economics, sources.economics ?? 'economics')
      : undefined;
  const dataDir = typeof data === 'string' ? data : join(ctx.home, 'gateway');
  const broker: BrokerOptions = {
    ...(nodePort === undefined ? {} : await brokerAllowlists(supervisorDigest as string | undefined)),
    // GPUs: the most a sealed container may hold and still get its key
    ...(typeof maxGpus === 'number' ? { maxGpus } : {}),
  };
  const logger = createLogger(
    {
      name: 'gateway',
      level: typeof logLevel === 'string' ? logLevel : (ctx.env.SEALGATE_LOG_LEVEL ?? 'info'),
    },
    logDestination(logFormat),
  );
  const signal = firstSignal();
  const gateway = await startGateway({
    ...(tuning as Partial<StartGatewayOptions>),
    dataDir,
    host: typeof host === 'string' ? host : '127.0.0.1',
    port: typeof port === 'number' ? port : DEFAULT_GATEWAY_PORT,
    logger,
    ...(economicsDocument === undefined ? {} : { economics: economicsDocument }),
    broker,
    ...(typeof nodePort !== 'number' ? {} : { nodePort }),
  }).catch((err: unknown) => {
    signal.cancel();
    throw err;
  });
  const text = gateway.nodeUrl ? `${gateway.url}\nnodes: ${gateway.nodeUrl}` : gateway.url;
  ctx.print(text, { url: gateway.url, ...(gateway.nodeUrl ? { nodeUrl: gateway.nodeUrl } : {}) });
  const received = await signal.received;
  gateway.logger.info({ signal: received }, 'closing: finishing in-flight requests');
  await gateway.close();
  gateway.logger.info('closed');
}
