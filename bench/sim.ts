/**
 * `npm run sim`: the market simulator (issue 6). Nodes of different speeds,
 * models, arriving runs, failures and hourly blocks over simulated weeks,
 * through the real pricing, ledger, reward and placement code. Prints a
 * summary, or with `--json` one JSON document. Options: --seed N, --weeks N
 * or --hours N, --nodes N, --models N, --runs-per-hour N, --adjust-hours N,
 * --noise X, --failure-rate X. Exits 1 when `ledger verify` fails.
 */
import { parseArgs } from 'node:util';
import type { SimReport } from './sim/report.js';
import { SIM_DEFAULTS, runSimulation } from './sim/run.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    seed: { type: 'string' },
    weeks: { type: 'string' },
    hours: { type: 'string' },
    nodes: { type: 'string' },
    models: { type: 'string' },
    'runs-per-hour': { type: 'string' },
    'adjust-hours': { type: 'string' },
    noise: { type: 'string' },
    'failure-rate': { type: 'string' },
  },
});

function num(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new TypeError(`--${name} takes a number >= 0, not ${value}`);
  return n;
}

const d = SIM_DEFAULTS;
const options = {
  seed: num('seed', values.seed, d.seed),
  hours:
    values.weeks === undefined ? num('hours', values.hours, d.hours) : num('weeks', values.weeks, 0) * 168,
  nodes: Math.max(1, num('nodes', values.nodes, d.nodes)),
  models: Math.max(1, num('models', values.models, d.models)),
  runsPerHour: num('runs-per-hour', values['runs-per-hour'], d.runsPerHour),
  adjustHours: num('adjust-hours', values['adjust-hours'], d.adjustHours),
  noise: num('noise', values.noise, d.noise),
  failureRate: num('failure-rate', values['failure-rate'], d.failureRate),
};

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;

function summary(r: SimReport): string {
  const lines = [
    `sealgate market simulation: ${r.options.hours} h, ${r.options.nodes} nodes, ${r.options.models} models, seed ${r.options.seed}`,
    `runs: ${r.runs.arrived} arrived, ${r.runs.settled} settled, ${r.runs.requeued} requeued, ${r.runs.failed} failed, ${r.runs.unfinished} unfinished`,
    `unit costs (publisher -> after ${r.adjustments.count} adjustments):`,
    ...r.market.models.map(
      (m) =>
        `  ${m.id}  ${m.publisherUnitCost} -> ${m.finalUnitCost}  (reference ${m.benchmarkStepsPerSecond} steps/s)`,
    ),
    `return spread across models, worst node (mean): before ${pct(r.returns.before.spreadMax)} (${pct(r.returns.before.spreadMean)}), after ${pct(r.returns.after.spreadMax)} (${pct(r.returns.after.spreadMean)})`,
    `  measured from settlements: first period ${pct(r.returns.measuredFirstPeriod.spreadMax)}, last period ${pct(r.returns.measuredLastPeriod.spreadMax)}`,
    `rewards: ${r.rewards.blocks} blocks, emitted ${r.rewards.emitted}, paid ${r.rewards.paid}, carry ${r.rewards.carry}`,
    ...r.rewards.perNode.map((n) => `  ${n.node}  ${n.amount}  ${pct(n.share)}`),
    `queue: ${r.queue.runs} runs, mean ${r.queue.meanSeconds} s, p50 ${r.queue.p50Seconds} s, p95 ${r.queue.p95Seconds} s, max ${r.queue.maxSeconds} s`,
    `penalties proposed: ${r.penalties.proposed}`,
    `ledger verify: ${r.ledger.ok ? 'ok' : 'FAILED'} (${r.ledger.entries} entries, ${r.ledger.blocks} blocks)${r.ledger.problems.map((p) => `\n  ${p}`).join('')}`,
    `wall time: ${r.wallSeconds} s`,
  ];
  return lines.join('\n') + '\n';
}

const result = await runSimulation(options);
process.stdout.write(values.json ? JSON.stringify(result, null, 2) + '\n' : summary(result));
process.exitCode = result.ledger.ok ? 0 : 1;
