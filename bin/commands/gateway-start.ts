/**
 * `sealgate gateway start`: the gateway as a long-lived service. It listens,
 * prints the URL it chose (`{url}` with --json) on stdout, logs pino JSON
 * lines on stderr, and on SIGINT or SIGTERM closes gracefully — in-flight
 * requests finish, then the store closes — and the command ends with exit 0.
 * A second signal during the close ends the process at once (Node's default).
 */
import { join } from 'node:path';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError } from '../../client/cli/index.js';
import { DEFAULT_GATEWAY_PORT, startGateway } from '../../gateway/index.js';
import type { BrokerOptions } from '../../gateway/index.js';
import { runtimeVersion, supervisorDigest } from '../../enclave-runtime/index.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A `--NAME N` port option: an integer 0..65535, or the default when absent. */
function portOption(args: ParsedArgs, name: string, fallback: number): number;
function portOption(args: ParsedArgs, name: string): number | undefined;
function portOption(args: ParsedArgs, name: string, fallback?: number): number | undefined {
  const value = args.values[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new CliError('CLI_USAGE', `--${name} must be a port number 0..65535 (0 picks a free one)`);
  }
  return Number(value);
}

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

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
async function brokerAllowlists(args: ParsedArgs): Promise<BrokerOptions> {
  const pinned = stringOption(args, 'supervisor-digest');
  if (pinned !== undefined && !/^sha256:[0-9a-f]{64}$/.test(pinned)) {
    throw new CliError('CLI_USAGE', '--supervisor-digest must be sha256: and 64 lowercase hex digits');
  }
  return {
    supervisorDigests: [pinned ?? (await supervisorDigest())],
    runtimeVersions: [await runtimeVersion()],
  };
}

/** Run the gateway until a signal, then close it. */
export async function runGatewayStart(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const dataDir = stringOption(args, 'data') ?? join(ctx.home, 'gateway');
  const host = stringOption(args, 'host') ?? '127.0.0.1';
  const port = portOption(args, 'port', DEFAULT_GATEWAY_PORT);
  const nodePort = portOption(args, 'node-port');
  const broker = nodePort === undefined ? undefined : await brokerAllowlists(args);
  const signal = firstSignal();
  const gateway = await startGateway({
    dataDir,
    host,
    port,
    ...(nodePort === undefined || broker === undefined ? {} : { nodePort, broker }),
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
