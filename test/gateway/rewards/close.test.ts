import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { generateSigningKeyPair } from '../../../attest/index.js';
import { parseEconomicsParameters } from '../../../policies/index.js';
import type { NodeRecord, RunRecord } from '../../../gateway/index.js';
import {
  Ledger,
  MINING_POOL_ACCOUNT,
  NODES_SUBLEVEL,
  REWARDS_SUBLEVEL,
  RUNS_SUBLEVEL,
  RewardService,
  Store,
  contributionOf,
  deploymentOp,
  firstDeployment,
  ledgerSourceFromStore,
  put,
  verifyLedger,
} from '../../../gateway/index.js';

// RewardService on a bare store and ledger (no gateway): the genesis, empty
// blocks, a crash between the rewards' commit and the seal, a clock that goes
// back, and the facts a block reads (settled runs, deployments, faults),
// written here as the runs and nodes features write them.

const HOUR = 3_600_000;
const G = Date.parse('2026-11-02T00:00:00.000Z');
const economics = parseEconomicsParameters({});
const signer = generateSigningKeyPair();
const emitted = (hours: number) => (5n * 10n ** 16n * BigInt(hours)) / 8760n;

async function fixture(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-rewards-'));
  let store = await Store.open(dir);
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const clock = { now: G };
  const now = () => new Date(clock.now);
  const open = async () => {
    const ledger = await Ledger.open(store, { now, signer, signerKeyId: 'k' });
    const rewards = await RewardService.open({ store, ledger, now, economics });
    return { ledger, rewards };
  };
  const reopen = async () => {
    await store.close();
    store = await Store.open(dir);
    return open();
  };
  const verify = async () => (await verifyLedger(ledgerSourceFromStore(store), signer.publicKey)).problems;
  return { clock, open, reopen, verify, store: () => store };
}

t.test('genesis, empty blocks and the carry-over', async (t) => {
  const f = await fixture(t);
  const { ledger, rewards } = await f.open();
  t.equal(rewards.genesis.toISOString(), new Date(G).toISOString());
  f.clock.now = G + HOUR;
  const one = await rewards.closeBlock();
  t.equal(one.block.height, 1);
  t.same(one.rewards, []);
  t.same(
    [one.summary.emission, one.summary.paid, one.summary.carry, one.summary.nodes],
    [String(emitted(1)), '0', String(emitted(1)), 0],
  );
  f.clock.now = G + 3 * HOUR; // a late timer: the period is two hours long
  const two = await rewards.closeBlock();
  t.same(
    [two.summary.periodStart, two.summary.emission],
    [new Date(G + HOUR).toISOString(), String(emitted(3) - emitted(1))],
  );
  t.equal(rewards.carry, emitted(3));
  t.equal(ledger.balance(MINING_POOL_ACCOUNT), emitted(3));
  t.equal(ledger.balance('mint'), -emitted(3));
  t.same(await rewards.summary(2), two.summary);
  t.equal(await rewards.summary(9), undefined);
  // a clock that went back: an empty period, nothing minted, the block sealed anyway
  f.clock.now = G + 2 * HOUR;
  const back = await rewards.closeBlock();
  t.same([back.block.height, back.block.count, back.summary.emission], [3, 0, '0']);
  t.equal(back.summary.periodStart, back.summary.periodEnd);
  t.same(await f.verify(), []);
});

t.test('the genesis is kept from the first open', async (t) => {
  const f = await fixture(t);
  const ledger = await Ledger.open(f.store(), { now: () => new Date(G), signer, signerKeyId: 'k' });
  const early = new Date(G - 10 * HOUR);
  const first = await RewardService.open({
    store: f.store(),
    ledger,
    now: () => new Date(G),
    economics,
    genesis: early,
  });
  t.equal(first.genesis.getTime(), early.getTime());
  const later = await RewardService.open({
    store: f.store(),
    ledger,
    now: () => new Date(G),
    economics,
    genesis: new Date(G),
  });
  t.equal(later.genesis.getTime(), early.getTime());
});

t.test('a crash between the rewards and the seal: the next close only seals', async (t) => {
  const f = await fixture(t);
  const { ledger, rewards } = await f.open();
  f.clock.now = G + HOUR;
  await rewards.closeBlock();
  f.clock.now = G + 2 * HOUR;
  // the seal fails once, after the block's emission was committed
  ledger.sealBlockLocked = () => Promise.reject(new Error('killed before the seal'));
  await t.rejects(rewards.closeBlock(), { message: 'killed before the seal' });
  t.equal(ledger.height, 1);
  t.equal((await rewards.state())?.height, 2);
  const again = await f.reopen();
  f.clock.now = G + 2 * HOUR + 5 * 60_000;
  const sealed = await again.rewards.closeBlock();
  t.same([sealed.block.height, sealed.rewards], [2, []]);
  t.equal(sealed.summary.periodEnd, new Date(G + 2 * HOUR).toISOString(), 'the period paid before the crash');
  t.equal(again.rewards.carry, emitted(2), 'nothing paid twice');
  f.clock.now = G + 3 * HOUR;
  const next = await again.rewards.closeBlock();
  t.same([next.block.height, next.summary.periodStart], [3, new Date(G + 2 * HOUR).toISOString()]);
  t.equal(again.rewards.carry, emitted(3));
  t.same(await f.verify(), []);
});

// A settled run on `node`, as RunService stores it, and its settle entry.
function settledRun(
  id: string,
  node: string,
  miner: string | undefined,
  steps: number,
  used: number,
): RunRecord {
  return {
    id,
    quote: 'q',
    buyer: 'b',
    seller: 's',
    publisher: 'p',
    dataset: 'd',
    model: 'm',
    steps,
    price: {
      fiat: { compute: String(7 * steps), baseFee: '0', data: '0', total: String(7 * steps) },
      tokens: '1',
      rate: { fiat: '1', tokens: '1' },
      split: { sellerBps: 0, publisherBps: 0, minerBps: 10_000, platformBps: 0 },
    },
    state: 'settled',
    node,
    ...(miner ? { miner } : {}),
    usage: { steps: used, cpuSeconds: 0, gpuSeconds: 0, seconds: 0 },
    history: [],
    createdAt: '',
    updatedAt: '',
  };
}

t.test('a block reads settled runs, first deployments and offline faults', async (t) => {
  const f = await fixture(t);
  const { ledger, rewards } = await f.open();
  const store = f.store();
  const node = (id: string, faults: NodeRecord['faults']): NodeRecord => ({
    id,
    miner: `acct_${id}`,
    publicKey: '',
    serial: '01',
    enrolledAt: '',
    running: [],
    faults,
  });
  const at = (ms: number) => new Date(ms).toISOString();
  const runs = [
    settledRun('run_6', 'node_idle', 'acct_node_idle', 10, 0), // first, with 0: no share, no record
    settledRun('run_1', 'node_old', 'acct_node_old', 10, 10), // 70
    settledRun('run_2', 'node_old', 'acct_node_old', 10, 50), // capped: 70
    settledRun('run_3', 'node_new', 'acct_node_new', 10, 4), // 28
    settledRun('run_4', 'node_lost', 'acct_node_lost', 10, 2), // 14, forfeited
    settledRun('run_5', 'acct_legacy', undefined, 10, 6), // 42, a run placed before nodes existed
  ];
  await store.write([
    ...runs.map((r) => put(store.sublevel(RUNS_SUBLEVEL), r.id, r)),
    put(store.sublevel(NODES_SUBLEVEL), 'node_old', node('node_old', [])),
    put(
      store.sublevel(NODES_SUBLEVEL),
      'node_new',
      node('node_new', [{ runId: 'x', kind: 'unconfirmed', at: at(G) }]),
    ),
    put(
      store.sublevel(NODES_SUBLEVEL),
      'node_lost',
      node('node_lost', [{ runId: 'y', kind: 'offline', at: at(G + HOUR + 1) }]),
    ),
    deploymentOp(store, { timestamp: at(G - HOUR), nodeAddress: 'node_old', imageId: 'i', runId: 'run_0' }),
    deploymentOp(store, {
      timestamp: at(G + HOUR + 5),
      nodeAddress: 'node_new',
      imageId: 'i',
      runId: 'run_3',
    }),
    deploymentOp(store, {
      timestamp: at(G - 2 * HOUR),
      nodeAddress: 'node_lost',
      imageId: 'i',
      runId: 'run_9',
    }),
  ]);
  t.equal((await firstDeployment(store, 'node_old'))?.runId, 'run_0');
  t.equal(await firstDeployment(store, 'node_none'), undefined);
  // the first block has no work; the second holds the settlements
  f.clock.now = G + HOUR;
  await rewards.closeBlock();
  await ledger.commit(
    runs.map((r) => ({
      key: `settle:${r.id}`,
      kind: 'settle' as const,
      ref: r.id,
      postings: [
        { account: 'mint', amount: -1n },
        { account: `user:${r.buyer}`, amount: 1n },
      ],
    })),
  );
  // a settle entry whose run is missing is skipped
  await ledger.commit([
    {
      key: 'settle:gone',
      kind: 'settle',
      ref: 'run_gone',
      postings: [
        { account: 'mint', amount: -1n },
        { account: 'platform', amount: 1n },
      ],
    },
  ]);
  f.clock.now = G + 2 * HOUR;
  const closed = await rewards.closeBlock();
  const pool = emitted(2);
  t.equal(closed.summary.network, '224');
  const expect = (
    node: string,
    miner: string,
    c: bigint,
    ppm2: bigint,
    basis: string,
    interruption: string,
  ) => ({
    node,
    miner,
    contribution: String(c),
    basis,
    interruption,
    amount: String((pool * ppm2 * c) / (10n ** 12n * 224n)),
  });
  t.same(
    closed.rewards.map((r) => ({
      node: r.node,
      miner: r.miner,
      contribution: r.contribution,
      basis: r.basis,
      interruption: r.interruption,
      amount: r.amount,
    })),
    [
      expect('node_old', 'acct_node_old', 140n, 980_100n * 10n ** 6n, 'established', 'none'),
      expect('node_new', 'acct_node_new', 28n, 9_500n * 10n ** 6n, 'first-deployment', 'none'),
      expect('node_lost', 'acct_node_lost', 14n, 0n, 'established', 'forfeited'),
      expect('acct_legacy', 'acct_legacy', 42n, 9_500n * 10n ** 6n, 'first-deployment', 'none'),
    ],
  );
  t.equal(ledger.balance('user:acct_node_old'), BigInt(closed.rewards[0].amount));
  t.equal(ledger.balance('user:acct_node_lost'), 0n);
  t.equal(ledger.balance('user:acct_legacy'), BigInt(closed.rewards[3].amount));
  t.equal(rewards.carry, pool - BigInt(closed.summary.paid));
  t.ok(await store.get(store.sublevel(REWARDS_SUBLEVEL), 'state'));
  t.same(await f.verify(), []);
});

t.test('a run contributes unit cost × the steps it used, never more than quoted', (t) => {
  const run = settledRun('run_1', 'n', 'm', 10, 4);
  t.equal(contributionOf(run), 28n);
  t.equal(contributionOf({ ...run, usage: { ...run.usage!, steps: 99 } }), 70n);
  t.equal(contributionOf({ ...run, usage: { ...run.usage!, steps: -3 } }), 0n);
  const { usage, ...unsettled } = run;
  void usage;
  t.equal(contributionOf(unsettled), 0n);
  t.equal(contributionOf({ ...run, steps: 0 }), 0n);
  t.end();
});

t.test('a run priced by use contributes the charge it settled at, not the cap', (t) => {
  // Rates per resource (fiat base units per unit): 3 per step, 4 per GPU-second; the quote's
  // compute (7 × 10 = 70) is the charge at the run's limits, the most its use can cost.
  const base = settledRun('run_u', 'n', 'm', 10, 4);
  const run: RunRecord = {
    ...base,
    price: {
      ...base.price,
      charges: {
        rates: { step: '3', gpuSecond: '4' },
        basis: { memoryMiB: 0, gflopsPerStep: 0, dataBytes: 0 },
        cap: {},
      },
    },
    usage: { steps: 4, cpuSeconds: 0, gpuSeconds: 2.5, seconds: 3 },
  };
  t.equal(contributionOf(run), 22n, '4 steps × 3 + 2.5 GPU-s × 4');
  t.equal(contributionOf({ ...run, usage: { ...run.usage!, gpuSeconds: 100 } }), 70n, 'capped at the quote');
  t.end();
});
