/**
 * `GET /metrics` (gateway/ops/metrics.ts) and the text-format writer
 * (gateway/ops/prometheus.ts): a scrape counts runs by state, key releases,
 * guard flags, nodes, the queue and the ledger from the real store; it is
 * exempt from rate limits; and the format follows the Prometheus exposition
 * format 0.0.4 (escaping, special values, HELP/TYPE lines).
 */
import t from 'tap';
import {
  DATASET_FLAGS_SUBLEVEL,
  PROMETHEUS_CONTENT_TYPE,
  RELEASES_SUBLEVEL,
  RUNS_SUBLEVEL,
  countBy,
  formatMetrics,
  put,
} from '../../../gateway/index.js';
import { gatewayForTest } from '../../helpers/gateway.js';

/** The value of the sample `series` (name and labels exactly as printed), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

t.test('a scrape counts the stored runs, releases and flags, the queue and the ledger', async (t) => {
  const gw = await gatewayForTest(t, { metricsCacheMs: 0, rateLimitPerMinute: 2 });
  const { store } = gw.app.gateway;
  // Minimal records made here: only the fields the metrics read (state, outcome/purpose, action/rule).
  const runs = store.sublevel(RUNS_SUBLEVEL);
  const releases = store.sublevel(RELEASES_SUBLEVEL);
  const flags = store.sublevel(DATASET_FLAGS_SUBLEVEL);
  await store.write([
    put(runs, 'run_a', { id: 'run_a', state: 'running' }),
    put(runs, 'run_b', { id: 'run_b', state: 'settled' }),
    put(runs, 'run_c', { id: 'run_c', state: 'settled' }),
    put(releases, 'rel_1', { id: 'rel_1', outcome: 'released', purpose: 'data' }),
    put(releases, 'rel_2', { id: 'rel_2', outcome: 'refused', purpose: 'data' }),
    put(releases, 'rel_3', { id: 'rel_3', outcome: 'released', purpose: 'model' }),
    put(flags, 'ds_1/run_a/1', { runId: 'run_a', seq: 1, rule: 'canary', action: 'stop' }),
    put(flags, 'ds_1/run_a/2', { runId: 'run_a', seq: 2, rule: 'nearFlag', action: 'flag' }),
  ]);
  gw.app.gateway.nodes.scheduler.enqueue('run_a');
  await gw.operator.client.request('POST', '/v1/admin/credit', {
    body: { account: gw.operator.id, amount: '5', memo: 'metrics test' },
  });
  await gw.app.gateway.ledger.sealBlock();

  const res = await gw.app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['content-type'], PROMETHEUS_CONTENT_TYPE);
  const text = res.body;
  t.equal(sample(text, 'sealgate_runs{state="running"}'), 1);
  t.equal(sample(text, 'sealgate_runs{state="settled"}'), 2);
  t.equal(sample(text, 'sealgate_runs{state="queued"}'), 0, 'every state has a series, even at 0');
  t.equal(sample(text, 'sealgate_key_releases_total{outcome="granted",purpose="data"}'), 1);
  t.equal(sample(text, 'sealgate_key_releases_total{outcome="refused",purpose="data"}'), 1);
  t.equal(sample(text, 'sealgate_key_releases_total{outcome="granted",purpose="model"}'), 1);
  t.equal(sample(text, 'sealgate_guard_flags_total{action="stop",rule="canary"}'), 1);
  t.equal(sample(text, 'sealgate_guard_flags_by_action_total{action="flag"}'), 1);
  t.equal(sample(text, 'sealgate_guard_flags_by_action_total{action="drop"}'), 0);
  t.equal(sample(text, 'sealgate_queue_length'), 1);
  t.equal(sample(text, 'sealgate_ledger_height'), 1, 'one block sealed');
  t.ok((sample(text, 'sealgate_ledger_entries') ?? 0) >= 1, 'the credit is an entry');
  t.equal(sample(text, 'sealgate_ledger_unsealed_entries'), 0);
  t.equal(sample(text, 'sealgate_nodes{state="online"}'), 0);
  t.match(text, /\nsealgate_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1\n/);
  t.match(text, /\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total [0-9.e-]+\n/);
  t.match(text, /\nprocess_resident_memory_bytes \d+\n/);
  t.match(
    text,
    /\nsealgate_http_requests_total\{method="POST",route="\/v1\/admin\/credit",status="201"\} 1\n/,
  );
  t.notMatch(text, /acct_|run_a|rel_/, 'no id is ever a label');

  // Scrapes are exempt from the rate limit (2 a minute here), like health checks.
  for (let i = 0; i < 4; i++) t.equal((await gw.app.inject({ url: '/metrics' })).statusCode, 200);
});

t.test('scrapes within metricsCacheMs share one computation; metrics: false serves none', async (t) => {
  const gw = await gatewayForTest(t, { metricsCacheMs: 60_000 });
  const first = (await gw.app.inject({ url: '/metrics' })).body;
  await gw.app.gateway.store.write([
    put(gw.app.gateway.store.sublevel(RUNS_SUBLEVEL), 'run_x', { state: 'failed' }),
  ]);
  const second = (await gw.app.inject({ url: '/metrics' })).body;
  t.equal(sample(second, 'sealgate_runs{state="failed"}'), 0, 'the cached scrape');
  t.equal(first, second);
  const off = await gatewayForTest(t, { metrics: false });
  t.equal((await off.app.inject({ url: '/metrics' })).statusCode, 404);
});

t.test('the text format: HELP and TYPE, labels, escaping, special values', (t) => {
  const text = formatMetrics([
    {
      name: 'a_total',
      help: 'back\\slash and\nnewline',
      type: 'counter',
      samples: [{ value: 1 }, { labels: { path: 'say "hi"\\\n' }, value: 2.5 }],
    },
    {
      name: 'b',
      help: 'specials',
      type: 'gauge',
      samples: [{ value: NaN }, { value: Infinity }, { value: -Infinity }],
    },
  ]);
  t.equal(
    text,
    [
      '# HELP a_total back\\\\slash and\\nnewline',
      '# TYPE a_total counter',
      'a_total 1',
      'a_total{path="say \\"hi\\"\\\\\\n"} 2.5',
      '# HELP b specials',
      '# TYPE b gauge',
      'b NaN',
      'b +Inf',
      'b -Inf',
      '',
    ].join('\n'),
  );
  t.equal(formatMetrics([]), '');
  t.throws(() => formatMetrics([{ name: '1bad', help: '', type: 'gauge', samples: [] }]), TypeError);
  t.throws(
    () =>
      formatMetrics([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { __x: 'y' }, value: 1 }] }]),
    TypeError,
  );
  t.same(
    [...countBy(['a', 'b', 'a'], (x) => x, ['c'])],
    [
      ['c', 0],
      ['a', 2],
      ['b', 1],
    ],
  );
  t.end();
});
