/**
 * `npm run bench`: runs every benchmark module in turn and prints one table.
 * `node dist/bench/run.js ledger blobs` runs only the named modules.
 * Add a module by adding it to `benchmarks`. Exits non-zero when a target is
 * missed, so a regression is visible, but nothing in the test suite times code.
 */
import os from 'node:os';
import type { Benchmark, BenchRow } from './benchmark.js';
import { table } from './benchmark.js';
import { envelope } from './envelope.js';
import { ledger } from './ledger.js';
import { blobs } from './blobs.js';
import { catalog } from './catalog.js';
import { broker } from './broker.js';
import { sealing } from './sealing.js';
import { guard } from './guard.js';
import { placement } from './placement.js';

const benchmarks: readonly Benchmark[] = [
  // the dataset envelope
  envelope,
  // the double-entry ledger
  ledger,
  // the gateway's blob store: ingest over HTTP
  blobs,
  // GET /v1/datasets against a bare fastify route (docs/catalog.md)
  catalog,
  // the key broker: one release's evidence, policy and wrap (docs/broker.md)
  broker,
  // sealed runs on the real parts against a bare docker run (issue 4, docs/sealing-figures.md)
  sealing,
  // the egress guard's fingerprint scanner against grep -F -f (issue 5, docs/fingerprint.md)
  guard,
  // placement among 10 000 nodes against a plain array scan (issue 6, docs/bonds-and-placement.md)
  placement,
];

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
const results: [string, BenchRow][] = [];
const only = process.argv.slice(2);
const unknown = only.filter((name) => !benchmarks.some((b) => b.name === name));
if (unknown.length > 0) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}`);
for (const b of benchmarks.filter((m) => only.length === 0 || only.includes(m.name))) {
  log(`running ${b.name}`);
  for (const row of await b.run(log)) results.push([b.name, row]);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
process.stdout.write(
  `sealgate benchmarks, ${new Date().toISOString()}, ${os.cpus().length} x ${cpu}, node ${process.version}\n\n`,
);
const verdict = (r: BenchRow): string => (r.ok === undefined ? '' : r.ok ? 'ok' : 'MISSED');
process.stdout.write(
  table([
    ['benchmark', 'metric', 'value', 'target', '', 'note'],
    ...results.map(([name, r]) => [name, r.metric, r.value, r.target, verdict(r), r.note ?? '']),
  ]) + '\n',
);
process.exitCode = results.some(([, r]) => r.ok === false) ? 1 : 0;
