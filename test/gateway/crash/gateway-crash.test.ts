import t from 'tap';
import type { Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountId } from '../../../attest/index.js';
import { isFinal, ledgerVerify } from '../../../gateway/index.js';
import type { CrashAudit } from './audit.js';
import { auditDataDir } from './audit.js';
import type { GatewayChild, KillPlan } from './child.js';
import { spawnGateway } from './child.js';
import { drive, lostAcks, newAcks, seedRuns } from './driver.js';
import { fateOf } from './fixtures/fate.js';
import { minerKey, setUpMarket } from './market.js';

// Crash consistency of the gateway process while it settles runs (issue 3):
// "kill -9 the gateway process in a loop while it settles runs; after each
// restart `ledger verify` passes, no run is settled twice, and no escrow is
// lost". The REAL gateway (fixtures/gateway-loop.ts: buildApp on loopback)
// drives runs through RunService as the node API will, while this test's
// users start, cancel and read runs and credit buyers over HTTP with the SDK.
// The process is killed with SIGKILL at seeded random moments and restarted
// on the same data directory; after each kill the stopped directory is
// audited offline (audit.ts) and every acknowledged request must have
// survived. test/gateway/ledger/crash.test.ts is the ledger-only version.

// Six lives killed (one while opening, five amid transitions) at about 10 s a life: the loop's
// point is that every kind of kill lands and every audit passes, not the count.
const KILLS = 6;
const MAX_ROUNDS = 20;
/** Runs the users may start in one round: runs outlive rounds, and kills land amid them. */
const STARTS_PER_ROUND = 8;
/** Runs started before the first kill is armed (every fate at least once: see fixtures/fate.ts). */
const SEEDED_RUNS = 10;

// mulberry32 (Tommy Ettinger's public-domain 32-bit generator): small, seedable, good enough for test choices.
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mostly amid transitions (after the k-th one this life); one round in five (the 3rd, 8th, ...)
 * amid opening and the retry pass, so every run of the test hits both kinds of kill point.
 */
function killPlan(random: () => number, round: number): KillPlan {
  if (round % 5 === 2) return { kind: 'opening', ms: Math.floor(random() * 400) };
  return { kind: 'steps', steps: 4 + Math.floor(random() * 33), ms: Math.floor(random() * 8) };
}

/** Verify and audit the stopped data directory; returns the audit. */
async function checkStopped(t: Test, dataDir: string, label: string): Promise<CrashAudit> {
  const report = await ledgerVerify(dataDir);
  t.same(report.problems, [], `${label}: ledger verify passes (${report.entries} entries)`);
  const audit = await auditDataDir(dataDir);
  t.same(audit.problems, [], `${label}: runs agree with the ledger, nothing settled twice, no escrow lost`);
  return audit;
}

// About 70 s on a quiet machine; a busy one takes three times that, past the suite's 300 s.
t.setTimeout(600_000);

t.test(
  'SIGKILL the gateway while it settles runs: verify passes, nothing settled twice, no escrow lost',
  async (t) => {
    const seed = Number(process.env.SEALGATE_CRASH_SEED ?? Date.now() % 2 ** 31);
    t.comment(`seed ${seed} (set SEALGATE_CRASH_SEED to replay)`);
    const killRandom = mulberry32(seed);
    const userRandom = mulberry32(seed ^ 0x5bd1e995);
    const work = await mkdtemp(join(tmpdir(), 'sealgate-crash-'));
    t.teardown(() => rm(work, { recursive: true, force: true }));
    const dataDir = join(work, 'data');
    const miner = accountId(minerKey(seed).publicKey);
    const acks = newAcks();

    let child: GatewayChild = spawnGateway(dataDir, miner, 'loop');
    const firstUrl = await child.ready;
    const market = await setUpMarket(firstUrl, dataDir, work, seed);
    await seedRuns({ url: firstUrl, market, acks, random: userRandom }, SEEDED_RUNS);
    let kills = 0;
    let amidRuns = 0;
    const kinds = new Set<KillPlan['kind']>();
    for (let round = 0; kills < KILLS && round < MAX_ROUNDS; round++) {
      const began = Date.now();
      if (round > 0) child = spawnGateway(dataDir, miner, 'loop');
      const plan = killPlan(killRandom, round);
      child.arm(plan, 2000);
      const url = await child.ready.catch(() => undefined);
      const driving = url
        ? drive({ url, market, acks, random: userRandom, startBudget: STARTS_PER_ROUND, child })
        : Promise.resolve(0);
      const exit = await child.exited;
      await driving;
      if (exit.signal !== 'SIGKILL') {
        t.fail(`round ${round}: the gateway ended by itself (${exit.code}): ${exit.stderr}`);
        break;
      }
      kills += 1;
      kinds.add(plan.kind);
      const died = Date.now();
      const audit = await checkStopped(t, dataDir, `round ${round}`);
      t.same(lostAcks(acks, audit), [], `round ${round}: every acknowledged request survived the kill`);
      const open = [...audit.runs.values()].filter((run) => !isFinal(run.state)).length;
      if (open > 0) amidRuns += 1;
      t.comment(
        `round ${round}: ${plan.kind} ${JSON.stringify(plan)}: killed after ${child.steps} transitions, ` +
          `${open} of ${audit.runs.size} runs open ` +
          `(life ${died - began} ms, audit ${Date.now() - died} ms)`,
      );
    }
    t.equal(kills, KILLS, `${kills} kills`);
    t.same([...kinds].sort(), ['opening', 'steps'], 'kills landed amid opening and amid transitions');
    t.ok(amidRuns >= KILLS / 2, `${amidRuns} kills left runs open (landed while runs were being settled)`);
    t.same(acks.unexpected, [], 'no request got a reply other than a 2xx or an expected refusal');

    // The last life drives every run to its end and closes.
    const last = spawnGateway(dataDir, miner, 'finish');
    const exit = await last.exited;
    t.equal(exit.code, 0, `the last life finishes: ${exit.stderr}`);
    t.match(exit.stdout, /^done$/m);
    const audit = await checkStopped(t, dataDir, 'the end');
    t.same(lostAcks(acks, audit), []);
    const runs = [...audit.runs.values()];
    // Runs were started between kills too (how many depends on how much a life gets done before
    // its kill, which on a loaded machine is little: at load 9, 7 in six lives).
    t.ok(
      runs.length >= acks.starts.size && acks.starts.size > SEEDED_RUNS,
      `${runs.length} runs, ${acks.starts.size} acknowledged`,
    );
    t.same(
      runs.filter((run) => !isFinal(run.state)).map((run) => run.id),
      [],
      'every run is final',
    );
    t.equal(audit.held, 0n, 'every escrow is empty');
    t.equal(audit.escrowed, audit.released, 'all escrowed tokens were settled or refunded');
    // Each run ended as planned, or cancelled by its buyer.
    const wrongEnd = runs.filter((run) => {
      if (run.state === 'cancelled') return !acks.cancelsSent.has(run.id);
      const fate = fateOf(run.steps);
      return run.state !== (fate.end === 'settle' ? 'settled' : fate.end === 'fail' ? 'failed' : 'flagged');
    });
    t.same(
      wrongEnd.map((run) => `${run.id} ${run.state}`),
      [],
      'every run ended as its plan says',
    );
    const ends = (state: string) => runs.filter((run) => run.state === state).length;
    t.comment(
      `ends: ${ends('settled')} settled, ${ends('failed')} failed, ${ends('flagged')} flagged, ${ends('cancelled')} cancelled`,
    );
    t.ok(
      ends('settled') > 0 && ends('failed') > 0 && ends('flagged') > 0,
      'settlements, failures and flags all happened',
    );
  },
);
