/**
 * `sealgate demo --json` end to end, as a user runs it (issue 7): the built
 * binary in a child process (test/bin/sealgate.ts, without V8 coverage), the
 * real dockerd, a gateway and a node on loopback inside it. One JSON document
 * whose nine steps all succeed with their details: the honest report passes
 * and the leaky run is stopped with GUARD_STOPPED and an exact flag, its
 * report failing; balances move consistently; both ratings are recorded; and
 * nothing is left: no container, image, directory or listening gateway. Then
 * the failure path: with no dockerd the document says which step failed, with
 * its code, the rest skipped, and the exit is non-zero.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { dockerForTest } from '../helpers/docker.js';

/** The built CLI, from dist/test/e2e. */
const BIN = fileURLToPath(new URL('../../bin/sealgate.js', import.meta.url));

/**
 * Run `sealgate ARGS...` as test/bin/sealgate.ts does (lint keeps test/e2e from importing a path
 * named bin): no sealgate setting and no NODE_V8_COVERAGE from this process, plus `env`.
 */
function sealgate(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = { ...process.env };
  for (const name of ['SEALGATE_HOME', 'SEALGATE_GATEWAY', 'SEALGATE_DEBUG', 'NODE_V8_COVERAGE'])
    delete base[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...base, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

/** True when nothing listens at `url` any more. */
const refused = (url: string): Promise<boolean> =>
  fetch(`${url}/healthz`).then(
    () => false,
    () => true,
  );

/** The step names issue 7 fixes, in order. */
const STEPS = [
  'accounts',
  'list-dataset',
  'publish-model',
  'sealed-run',
  'inference',
  'verification',
  'leaky-run-caught',
  'settlement',
  'ratings',
];

type Step = { step: string; ok: boolean; code?: string; skipped?: boolean } & Record<string, unknown>;
interface Doc {
  ok: boolean;
  steps: Step[];
  cleanup: { containers: number; images: string[]; dirs: string[]; label?: string; gateway?: string };
}

/** The one JSON document on stdout (a second line would fail the parse). */
function parse(t: Test, stdout: string): Doc {
  const lines = stdout.trimEnd().split('\n');
  t.equal(lines.length, 1, 'stdout is one JSON document');
  return JSON.parse(lines[0]) as Doc;
}

const docker = await dockerForTest(t);
if (docker !== undefined) {
  t.test('sealgate demo --json: nine steps on the real parts, nothing left behind', async (t) => {
    const run = await sealgate(['demo', '--json']);
    t.equal(run.code, 0, `exit 0 (${run.stderr.trim()})`);
    const doc = parse(t, run.stdout);
    t.same(
      doc.steps.map((s) => s.step),
      STEPS,
      'the nine steps, named and ordered as issue 7 says',
    );
    for (const s of doc.steps) t.equal(s.ok, true, `${s.step} ok ${s.ok ? '' : JSON.stringify(s)}`);
    t.equal(doc.ok, true);
    const step = (name: string): Record<string, unknown> => doc.steps.find((s) => s.step === name)!;

    const accounts = step('accounts');
    for (const role of ['seller', 'buyer', 'publisher', 'miner', 'operator'])
      t.match(accounts[role], /^acct_/, `${role} account`);
    t.match(accounts.node, /^node_/, 'the miner enrolled a node');
    t.equal(accounts.buyerBalance, accounts.credited, 'the operator credited the buyer');

    const listed = step('list-dataset');
    t.equal(listed.canariesPlanted, 16, 'sixteen canaries planted');
    t.ok(
      ['name', 'national_id', 'email'].every((c) => (listed.columns as string[]).includes(c)),
      'personal fields',
    );
    t.match(step('publish-model').digest, /^sha256:[0-9a-f]{64}$/, 'published by image digest');

    const sealed = step('sealed-run');
    t.equal(sealed.state, 'settled');
    t.ok((sealed.metrics as number) >= 2, 'metrics streamed');
    t.ok((sealed.lastLoss as number) < (sealed.firstLoss as number), 'the loss fell');
    t.equal(sealed.live, true, 'the first metric came before the run ended');

    const inference = step('inference');
    const answers = inference.answers as number[];
    t.equal(answers.length, inference.queries, 'one answer per query');
    t.ok(
      answers.every((p) => p >= 0 && p <= 1),
      'probabilities',
    );

    const verification = step('verification');
    t.equal(verification.verdict, 'pass', 'the honest run’s report passes');
    t.equal(verification.checkedOffline, true, 'and checks offline with the gateway key');

    const leaky = step('leaky-run-caught');
    t.equal(leaky.state, 'flagged', 'the leaky run was stopped');
    t.equal(leaky.code, 'GUARD_STOPPED');
    t.ok(
      (leaky.flags as { rule: string; action: string }[]).some(
        (f) => f.rule === 'exact' && f.action === 'stop',
      ),
      'the seller sees an exact flag that stopped it',
    );
    t.equal(leaky.verdict, 'fail', 'its report fails');
    t.ok(
      (leaky.reasons as string[]).some((r) => r.includes('rule exact')),
      'naming the rule',
    );
    t.equal(leaky.buyerSawRecord, false, 'the buyer never saw the record');

    const settlement = step('settlement');
    const change = settlement.change as Record<string, string>;
    const split = settlement.settlement as Record<string, string>;
    const total = Object.values(change).reduce((acc, v) => acc + BigInt(v), 0n);
    t.equal(total, 0n, 'the balance changes sum to zero');
    for (const party of ['seller', 'publisher', 'miner', 'platform'])
      t.equal(change[party], split[party], `${party} got its share of the run`);
    t.equal(
      BigInt(settlement.buyerPaid as string),
      BigInt(settlement.escrowed as string) - BigInt(split.refund),
      'the buyer paid the escrow less the refund; the stopped run cost nothing',
    );
    t.equal(settlement.escrowLeft, '0', 'no escrow left');
    t.equal((settlement.before as Record<string, string>).buyer, accounts.credited);

    const ratings = step('ratings') as Record<string, Record<string, unknown>>;
    // `side` is the side rated: the buyer rates the seller.
    t.match(ratings.buyer, { by: accounts.buyer, of: accounts.seller, side: 'seller', stars: 5 });
    t.match(ratings.seller, { by: accounts.seller, of: accounts.buyer, side: 'buyer', stars: 4 });
    t.equal(ratings.sellerRating.count, 1, 'the seller’s rating is on the listing');

    t.same(doc.cleanup.images, [], 'the demo’s images are gone');
    t.same(doc.cleanup.dirs, [], 'its temp dirs are gone');
    t.equal(doc.cleanup.containers, 0);
    const left = await docker.listContainers({
      all: true,
      filters: { label: [`sealgate.test=${doc.cleanup.label}`] },
    });
    t.same(left, [], 'no container of the demo on the daemon');
    t.notOk(doc.cleanup.dirs.some((d) => existsSync(d)));
    t.ok(await refused(doc.cleanup.gateway!), 'no gateway listens any more');
  });
}

t.test('with no dockerd: the first step fails with its code, the rest are skipped, exit 1', async (t) => {
  const run = await sealgate(['demo', '--json'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  t.equal(run.code, 1, 'exit 1');
  const doc = parse(t, run.stdout);
  t.equal(doc.ok, false);
  t.match(doc.steps[0], { step: 'accounts', ok: false, code: 'DEMO_NO_DOCKER' });
  t.match(doc.steps[0].error, /^[^\n]+$/, 'a one-line error');
  t.ok(
    doc.steps.slice(1).every((s) => !s.ok && s.skipped === true),
    'every other step skipped',
  );
  t.match(run.stderr, /^sealgate: the demo failed at accounts: [^\n]+ \(DEMO_NO_DOCKER\)\n$/);
});
