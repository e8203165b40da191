/**
 * `GET /metrics`: the gateway in the Prometheus text format (docs/operations.md
 * lists every series). Business series are read from LevelDB at scrape time
 * (runs by state, key releases by outcome, guard flags by action and rule,
 * nodes), so they are exact and survive restarts; the queue length and the
 * ledger's heights come from memory. A scrape is computed at most once per
 * `metricsCacheMs`; concurrent scrapes share it. No id, key or amount is
 * ever a label: only aggregate counts leave.
 */
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { RELEASES_SUBLEVEL, type ReleaseRecord } from '../broker/records.js';
import type { GatewayContext } from '../context.js';
import { DATASET_FLAGS_SUBLEVEL, type DatasetFlag } from '../guard/records.js';
import { NODES_SUBLEVEL, type NodeRecord } from '../nodes/records.js';
import { RUN_STATES } from '../runs/machine.js';
import { RUNS_SUBLEVEL, type RunRecord } from '../runs/record.js';
import { packageVersion } from '../version.js';
import { processMetrics } from './process-metrics.js';
import { PROMETHEUS_CONTENT_TYPE, countBy, formatMetrics, type Metric, type Sample } from './prometheus.js';

// Every value of a stored sublevel, in key order.
async function values<T>(ctx: GatewayContext, sublevel: string): Promise<T[]> {
  return (await ctx.store.sublevel(sublevel).values().all()) as T[];
}

const samplesOf = (counts: Map<string, number>, label: string): Sample[] =>
  [...counts].map(([value, n]) => ({ labels: { [label]: value }, value: n }));

// A count by two labels, from `a|b` keys.
const pairSamples = (counts: Map<string, number>, a: string, b: string): Sample[] =>
  [...counts].map(([key, n]) => {
    const [x = '', y = ''] = key.split('|');
    return { labels: { [a]: x, [b]: y }, value: n };
  });

/** The sealgate series of one scrape (without the process and HTTP ones). */
export async function gatewayMetrics(ctx: GatewayContext): Promise<Metric[]> {
  const [runs, releases, flags, nodes] = await Promise.all([
    values<RunRecord>(ctx, RUNS_SUBLEVEL),
    values<ReleaseRecord>(ctx, RELEASES_SUBLEVEL),
    values<DatasetFlag>(ctx, DATASET_FLAGS_SUBLEVEL),
    values<NodeRecord>(ctx, NODES_SUBLEVEL),
  ]);
  const outcome = (r: ReleaseRecord) => (r.outcome === 'released' ? 'granted' : r.outcome);
  const nodeState = (n: NodeRecord) =>
    n.revoked !== undefined ? 'revoked' : ctx.nodes.registry.online(n) ? 'online' : 'offline';
  const { ledger } = ctx;
  return [
    {
      name: 'sealgate_runs',
      help: 'Training runs by state.',
      type: 'gauge',
      samples: samplesOf(
        countBy(runs, (r) => r.state, RUN_STATES),
        'state',
      ),
    },
    {
      name: 'sealgate_key_releases_total',
      help: 'Key release decisions by outcome (granted, refused, pending seller approval) and purpose.',
      type: 'counter',
      samples: pairSamples(
        countBy(releases, (r) => `${outcome(r)}|${r.purpose}`, ['granted|data', 'refused|data']),
        'outcome',
        'purpose',
      ),
    },
    {
      name: 'sealgate_guard_flags_total',
      help: 'Egress records the guard flagged, by the action taken and the rule broken.',
      type: 'counter',
      samples: pairSamples(
        countBy(flags, (f) => `${f.action}|${f.rule}`),
        'action',
        'rule',
      ),
    },
    {
      name: 'sealgate_guard_flags_by_action_total',
      help: 'Egress records the guard flagged, by action (flag, drop, stop).',
      type: 'counter',
      samples: samplesOf(
        countBy(flags, (f) => f.action, ['flag', 'drop', 'stop']),
        'action',
      ),
    },
    {
      name: 'sealgate_queue_length',
      help: 'Runs, inferences and audits waiting for a node.',
      type: 'gauge',
      samples: [{ value: ctx.nodes.scheduler.queueLength }],
    },
    {
      name: 'sealgate_ledger_height',
      help: 'Height of the last sealed ledger block.',
      type: 'gauge',
      samples: [{ value: ledger.height }],
    },
    {
      name: 'sealgate_ledger_entries',
      help: 'Sequence number of the last committed ledger entry.',
      type: 'gauge',
      samples: [{ value: ledger.lastSeq }],
    },
    {
      name: 'sealgate_ledger_unsealed_entries',
      help: 'Ledger entries committed but not yet sealed into a block.',
      type: 'gauge',
      samples: [{ value: ledger.lastSeq - ledger.sealedSeq }],
    },
    {
      name: 'sealgate_nodes',
      help: 'Enrolled nodes by state (online: a heartbeat within the node timeout).',
      type: 'gauge',
      samples: samplesOf(countBy(nodes, nodeState, ['online', 'offline', 'revoked']), 'state'),
    },
    {
      name: 'sealgate_build_info',
      help: 'The running sealgate version.',
      type: 'gauge',
      samples: [{ labels: { version: packageVersion }, value: 1 }],
    },
  ];
}

/** HTTP requests answered, by method, route template and status; and their total duration. */
function httpCounters(app: FastifyInstance): () => Metric[] {
  const counts = new Map<string, { n: number; seconds: number }>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${route} ${reply.statusCode}`;
    const entry = counts.get(key) ?? { n: 0, seconds: 0 };
    entry.n += 1;
    entry.seconds += reply.elapsedTime / 1000;
    counts.set(key, entry);
    done();
  });
  const labels = (key: string) => {
    const [method = '', route = '', status = ''] = key.split(' ');
    return { method, route, status };
  };
  return () => [
    {
      name: 'sealgate_http_requests_total',
      help: 'HTTP requests answered, by method, route and status.',
      type: 'counter',
      samples: [...counts].map(([key, { n }]) => ({ labels: labels(key), value: n })),
    },
    {
      name: 'sealgate_http_request_duration_seconds_total',
      help: 'Time spent answering HTTP requests, by method, route and status.',
      type: 'counter',
      samples: [...counts].map(([key, { seconds }]) => ({ labels: labels(key), value: seconds })),
    },
  ];
}

function metrics(app: FastifyInstance, _opts: unknown, done: () => void): void {
  const ctx = app.gateway;
  const cacheMs = ctx.options.metricsCacheMs;
  const proc = processMetrics();
  app.addHook('onClose', () => proc.close());
  const http = httpCounters(app);
  let last: { at: number; text: Promise<string> } | undefined;
  const scrape = async () => formatMetrics([...(await gatewayMetrics(ctx)), ...http(), ...proc.collect()]);

  app.get(
    '/metrics',
    // Not in /openapi.json: it is for the monitoring system, not API clients (docs/operations.md).
    { schema: { hide: true } },
    async (_request, reply) => {
      const now = Date.now();
      if (last === undefined || now - last.at >= cacheMs) {
        const text = scrape();
        last = { at: now, text };
        text.catch(() => (last = undefined));
      }
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(await last.text);
    },
  );
  done();
}

/** The metrics plugin (not encapsulated: it counts every route's responses). */
export const metricsPlugin = fp(metrics, { name: 'sealgate-metrics', dependencies: ['sealgate-ops'] });
