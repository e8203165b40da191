import t from 'tap';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToBase64 } from '../../../attest/index.js';
import type { LedgerEntry } from '../../../gateway/index.js';
import { Ledger, ledgerVerify } from '../../../gateway/index.js';
import { Store } from '../../../gateway/store/index.js';
import { runPlan } from './fixtures/plan.js';
import { NOW, SIGNER, SIGNER_KEY_ID, tempDir } from './helpers.js';

// Crash consistency: a child process settles runs (fixtures/settle-loop.ts)
// and is killed with SIGKILL at random moments, then restarted, 8 times (two
// of them aimed at the replay of committed keys, the rest at new writes).
// After every kill the ledger verifies offline, no run is settled twice, and
// no escrow is lost: what was escrowed equals what the escrow accounts still
// hold plus what settlements and refunds took out of them. The kill delays
// come from a seeded generator (the seed is logged).

const HARNESS = fileURLToPath(new URL('./fixtures/settle-loop.js', import.meta.url));
const RUNS = 200;
const KILLS = 8;
const MAX_ROUNDS = 20;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Run the harness; kill it `kill.ms` after it prints `kill.after` (never, without `kill`). Resolves how it ended. */
function harness(
  dir: string,
  kill?: { after: 'ready' | 'writing'; ms: number },
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARNESS, dir, String(RUNS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let armed = kill !== undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (kill && armed && out.includes(kill.after)) {
        armed = false;
        setTimeout(() => child.kill('SIGKILL'), kill.ms);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) reject(new Error(`harness exited ${code}: ${err}`));
      else resolve({ code, signal, out });
    });
  });
}

/** Escrow accounting and settle counts, from the entries of a stopped ledger. */
async function audit(dir: string) {
  const store = await Store.open(dir);
  try {
    const ledger = await Ledger.open(store, { now: () => NOW, signer: SIGNER, signerKeyId: SIGNER_KEY_ID });
    let escrowed = 0n;
    let released = 0n;
    const settles = new Map<string, number>();
    const fromEscrow = (e: LedgerEntry) =>
      e.postings.filter((p) => p.account.startsWith('escrow:')).reduce((s, p) => s + BigInt(p.amount), 0n);
    for await (const e of ledger.entries()) {
      if (e.kind === 'escrow') escrowed += fromEscrow(e);
      if (e.kind === 'settle' || e.kind === 'refund') released -= fromEscrow(e);
      // A run is its escrow account: count the settlements that drew on each.
      const run = e.postings.find((p) => p.account.startsWith('escrow:'))?.account;
      if (e.kind === 'settle' && run) settles.set(run, (settles.get(run) ?? 0) + 1);
    }
    let held = 0n;
    for (const [account, balance] of ledger.balances()) if (account.startsWith('escrow:')) held += balance;
    const settled = [...settles.keys()].length;
    const twice = [...settles.values()].filter((n) => n > 1).length;
    // Each run's escrow holds its whole quote until its settlement group, then nothing.
    const badEscrows: string[] = [];
    for (let i = 1; i <= RUNS; i++) {
      const balance = ledger.balance(`escrow:r${i}`);
      const expected = settles.has(`escrow:r${i}`)
        ? 0n
        : (await ledger.entryByKey(`escrow:r${i}`))
          ? runPlan(i).quote
          : 0n;
      if (balance !== expected) badEscrows.push(`r${i}: ${balance} != ${expected}`);
    }
    return { escrowed, released, held, settled, twice, badEscrows, lastSeq: ledger.lastSeq };
  } finally {
    await store.close();
  }
}

t.test('SIGKILL at random moments never breaks the ledger', async (t) => {
  const seed = Number(process.env.SEALGATE_CRASH_SEED ?? Date.now() % 2 ** 31);
  t.comment(`seed ${seed} (set SEALGATE_CRASH_SEED to replay)`);
  const random = mulberry32(seed);
  const dir = await tempDir(t);
  await writeFile(join(dir, 'gateway.pub'), bytesToBase64(SIGNER.publicKey));
  let kills = 0;
  const kinds = new Set<string>();
  let previous = 0;
  for (let round = 0; kills < KILLS && round < MAX_ROUNDS; round++) {
    // Most kills land among new writes; one round in four (the 2nd, 6th) amid the replay of committed keys.
    const after: 'ready' | 'writing' = round % 4 === 1 ? 'ready' : 'writing';
    const { signal } = await harness(dir, {
      after,
      ms: Math.floor(random() * (after === 'ready' ? 400 : 120)),
    });
    if (signal === 'SIGKILL') {
      kills += 1;
      kinds.add(after);
    }
    const report = await ledgerVerify(dir);
    t.same(report.problems, [], `round ${round}: verify passes`);
    const a = await audit(dir);
    t.equal(a.twice, 0, `round ${round}: no run settled twice`);
    t.equal(a.escrowed, a.held + a.released, `round ${round}: no escrow lost (${a.escrowed} escrowed)`);
    t.same(a.badEscrows, [], `round ${round}: each escrow holds its quote or nothing`);
    t.ok(a.lastSeq >= previous, `round ${round}: nothing committed was lost`);
    previous = a.lastSeq;
  }
  t.equal(kills, KILLS, `${kills} kills landed mid-run`);
  t.same([...kinds].sort(), ['ready', 'writing'], 'kills landed amid the replay and amid new writes');
  t.ok(previous < RUNS * 4, 'the kills left work for the final restart');

  const last = await harness(dir);
  t.match(last.out, /done/, 'a final restart finishes every run');
  const report = await ledgerVerify(dir);
  t.equal(report.ok, true);
  const a = await audit(dir);
  t.equal(a.settled, RUNS, 'every run settled');
  t.equal(a.twice, 0);
  t.equal(a.held, 0n, 'every escrow is empty');
  t.equal(a.escrowed, a.released);
  t.equal(a.lastSeq, RUNS * 4, 'credit, escrow, settle and refund: four entries per run, once');
});
