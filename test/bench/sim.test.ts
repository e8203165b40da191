/**
 * The market simulator (issue 6) run small: `node dist/bench/sim.js --json`
 * over one simulated day (24 hourly blocks, a unit-cost adjustment every 6
 * hours) prints one JSON document of the promised shape; `ledger verify`
 * passed on the real LevelDB it wrote; the spread of a node's returns across
 * models shrank; the rewards never exceeded emission and the carry-over is
 * what emission did not pay. The market comes from the simulator's seeded
 * generator (seed 6).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { SimReport } from '../../bench/sim/report.js';

const SIM = fileURLToPath(new URL('../../bench/sim.js', import.meta.url));

function sim(args: string[]): Promise<string> {
  // No V8 coverage in the subprocess (see test/bin/sealgate.ts cleanEnv).
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SIM, ...args], { env }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

t.test('one simulated day through the real pricing, ledger, rewards and placement', async (t) => {
  const out = await sim([
    '--json',
    '--hours=24',
    '--nodes=4',
    '--models=3',
    '--runs-per-hour=3',
    '--adjust-hours=6',
    '--failure-rate=0.05',
  ]);
  const r = JSON.parse(out) as SimReport;
  t.same(Object.keys(r).sort(), [
    'adjustments',
    'ledger',
    'market',
    'options',
    'penalties',
    'queue',
    'returns',
    'rewards',
    'runs',
    'wallSeconds',
  ]);
  t.same(Object.keys(r.returns).sort(), ['after', 'before', 'measuredFirstPeriod', 'measuredLastPeriod']);
  t.equal(r.market.nodes.length, 4);
  t.equal(r.market.models.length, 3);

  t.ok(r.ledger.ok, 'ledger verify passed');
  t.same(r.ledger.problems, []);
  t.equal(r.ledger.blocks, 24, 'an hourly block each hour');
  t.equal(r.rewards.blocks, 24);

  t.ok(r.runs.settled > 20, `${r.runs.settled} runs settled`);
  t.ok(r.adjustments.count >= 1, 'unit costs were adjusted');
  t.ok(
    r.returns.after.spreadMax < r.returns.before.spreadMax / 5,
    `spread ${r.returns.before.spreadMax} -> ${r.returns.after.spreadMax}`,
  );
  t.ok(r.returns.after.spreadMax < 0.02, 'within 2% with ±0.5% speed noise');
  t.ok(
    r.returns.measuredLastPeriod.spreadMax < r.returns.measuredFirstPeriod.spreadMax,
    'measured from the settlements too',
  );

  const emitted = BigInt(r.rewards.emitted);
  const paid = BigInt(r.rewards.paid);
  t.ok(paid <= emitted, 'rewards never exceed emission');
  t.equal(BigInt(r.rewards.carry), emitted - paid, 'the carry-over is exactly what was not paid');
  t.equal(
    r.rewards.perNode.reduce((a, n) => a + BigInt(n.amount), 0n),
    paid,
    'the per-node rewards add up to the paid total',
  );
  t.ok(r.queue.runs === r.runs.settled && r.queue.p95Seconds >= r.queue.p50Seconds);
});
