/**
 * `sealgate node start --gateway URL --token TOKEN --data DIR [--max-gpus N]`: the miner's
 * node agent as a long-lived service (docs/node-agent.md). It enrolls on first
 * start (the token pins the gateway's node CA), prints `node: node_…` once the
 * gateway accepted its first heartbeat (`{nodeId}` with --json), logs pino
 * JSON lines on stderr (pretty on a terminal; redacted per policies/logging.ts), and on SIGINT or
 * SIGTERM stops: running jobs are reported RUN_NODE_STOPPED and cleaned up,
 * then it exits 0. A fatal error is one line and a non-zero exit (main.ts).
 */
import { join } from 'node:path';
import type { CommandContext, ParsedArgs } from '../../client/cli/index.js';
import { CliError, resolveServiceSettings } from '../../client/cli/index.js';
import { NODE_SETTINGS, logDestination } from './service-settings.js';
import {
  NodeAgent,
  createAgentLogger,
  dockerRuntime,
  fetchCaUnverified,
  gpuSandbox,
  httpsNodeClient,
  loadOrEnroll,
  runtimeVersion,
  stageSupervisor,
} from '../../enclave-runtime/index.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Enroll if needed, start the agent, run until a signal, stop cleanly. */
export async function runNodeStart(ctx: CommandContext, args: ParsedArgs): Promise<void> {
  // flag > environment > --config FILE > default, all checked before anything starts
  const { values: v } = resolveServiceSettings(NODE_SETTINGS, args.values, ctx.env);
  const baseUrl = typeof v.gateway === 'string' ? v.gateway : ctx.gateway;
  if (!/^https:\/\//.test(baseUrl)) {
    throw new CliError(
      'CLI_USAGE',
      "--gateway must be the nodes' https:// URL (printed by gateway start --node-port)",
    );
  }
  const dataDir = typeof v.data === 'string' ? v.data : join(ctx.home, 'node');
  const token = typeof v.token === 'string' ? v.token : undefined;
  const level = typeof v.logLevel === 'string' ? v.logLevel : (ctx.env.SEALGATE_LOG_LEVEL ?? 'info');
  const logger = createAgentLogger({ level }, logDestination(v.logFormat));
  // Listening from the start: a signal while it enrolls or connects stops it as soon as it is up.
  const received = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of SIGNALS) process.once(signal, () => resolve(signal));
  });
  // GPUs: --max-gpus, else every GPU nvidia-smi lists (RUNTIME_GPU_QUERY if it fails)
  const sandbox = await gpuSandbox(typeof v.maxGpus === 'number' ? v.maxGpus : undefined);
  const identity = await loadOrEnroll(dataDir, token, {
    fetchCa: () => fetchCaUnverified(baseUrl),
    client: (caPem) => httpsNodeClient({ baseUrl, tls: { caPem } }),
  });
  const supervisor = await stageSupervisor(join(dataDir, 'supervisor'));
  const runtime = dockerRuntime({
    entrypoint: supervisor.entrypoint,
    sandbox,
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
    ...(typeof v.maxJobs === 'number' ? { maxJobs: v.maxJobs } : {}),
  });

  await agent.start();
  ctx.print(`node: ${identity.nodeId}`, { nodeId: identity.nodeId });
  logger.info({ nodeId: identity.nodeId, gateway: baseUrl }, 'connected');
  const signal = await received;
  logger.info({ signal }, 'stopping: cancelling running jobs');
  await agent.stop();
  logger.info('stopped');
}
