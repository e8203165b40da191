/**
 * `sealgate node start --gateway URL --token TOKEN --data DIR`: the miner's
 * node agent as a long-lived service (docs/node-agent.md). It enrolls on first
 * start (the token pins the gateway's node CA), prints `node: node_…` once the
 * gateway accepted its first heartbeat (`{nodeId}` with --json), logs pino
 * JSON lines on stderr (redacted per policies/logging.ts), and on SIGINT or
 * SIGTERM stops: running jobs are reported RUN_NODE_STOPPED and cleaned up,
 * then it exits 0. A fatal error is one line and a non-zero exit (main.ts).
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError } from '../../client/cli/index.js';
import {
  NodeAgent,
  createAgentLogger,
  dockerRuntime,
  fetchCaUnverified,
  httpsNodeClient,
  loadOrEnroll,
  runtimeVersion,
  stageSupervisor,
} from '../../enclave-runtime/index.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new CliError('CLI_USAGE', `--${name} needs a value`);
  return value;
}

/** The nodes' listener URL: --gateway (or SEALGATE_GATEWAY), and it must be https. */
function nodesUrl(ctx: CommandContext, args: ParsedArgs): string {
  const url = stringOption(args, 'gateway') ?? ctx.gateway;
  if (!/^https:\/\//.test(url)) {
    throw new CliError(
      'CLI_USAGE',
      "--gateway must be the nodes' https:// URL (printed by gateway start --node-port)",
    );
  }
  return url;
}

/** Enroll if needed, start the agent, run until a signal, stop cleanly. */
export async function runNodeStart(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  const baseUrl = nodesUrl(ctx, args);
  const dataDir = stringOption(args, 'data') ?? join(ctx.home, 'node');
  const token = stringOption(args, 'token');
  const logger = createAgentLogger({}, pino.destination({ dest: 2, sync: true }));

  const identity = await loadOrEnroll(dataDir, token, {
    fetchCa: () => fetchCaUnverified(baseUrl),
    client: (caPem) => httpsNodeClient({ baseUrl, tls: { caPem } }),
  });
  const supervisor = await stageSupervisor(join(dataDir, 'supervisor'));
  const runtime = dockerRuntime({
    entrypoint: supervisor.entrypoint,
    labels: { 'sealgate.node': identity.nodeId },
  });
  const agent = new NodeAgent({
    identity,
    http: httpsNodeClient({ baseUrl, tls: identity.tls }),
    runtime,
    supervisor,
    dataDir,
    runtimeVersion: await runtimeVersion(),
    logger,
  });

  const received = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of SIGNALS) process.once(signal, () => resolve(signal));
  });
  await agent.start();
  ctx.print(`node: ${identity.nodeId}`, { nodeId: identity.nodeId });
  logger.info({ nodeId: identity.nodeId, gateway: baseUrl }, 'connected');
  const signal = await received;
  logger.info({ signal }, 'stopping: cancelling running jobs');
  await agent.stop();
  logger.info('stopped');
}
