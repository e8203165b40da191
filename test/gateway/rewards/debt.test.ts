import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { generateSigningKeyPair } from '../../../attest/index.js';
import { parseEconomicsParameters } from '../../../policies/index.js';
import { DEBT_ECONOMICS } from './debt-economics.js';
import type { NodeRecord, PenaltyCause, RunRecord } from '../../../gateway/index.js';
import {
  BondService,
  Ledger,
  NODES_SUBLEVEL,
  NODE_REWARDS_SUBLEVEL,
  RUNS_SUBLEVEL,
  RewardService,
  Store,
  ledgerSourceFromStore,
  nodeRewards,
  penaltyProposalOps,
  put,
  verifyLedger,
} from '../../../gateway/index.js';

// Block rewards repay a node's debt first, in the block's own commit
// (docs/rewards.md section 3 "Debt"): RewardService wired to a BondService on
// a bare store and ledger in a temp dir, with a frozen clock and the exact
// economics of debt-economics.ts (60 tokens an hour; penalties of 100 and 30).
// Nodes hold no bond, so every penalty taken becomes debt.

const HOUR = 3_600_000;
const G = Date.parse('2026-11-02T00:00:00.000Z');
const economics = parseEconomicsParameters(DEBT_ECONOMICS);
const signer = generateSigningKeyPair();

async function fixture(t: Test) {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-rewards-debt-'));
  let store = await Store.open(dir);
  t.teardown(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const clock = { now: G };
  const now = () => new Date(clock.now);
  const open = async () => {
    const ledger = await Ledger.open(store, { now, signer, signerKeyId: 'k' });
    const bonds = new BondService({ store, ledger, economics, now });
    const rewards = await RewardService.open({ store, ledger, now, economics, debts: bonds });
    return { ledger, bonds, rewards };
  };
  const reopen = async () => {
    await store.close();
    store = await Store.open(dir);
    return open();
  };
  const verify = async () => (await verifyLedger(ledgerSourceFromStore(store), signer.publicKey)).problems;
  return { clock, open, reopen, verify, store: () => store };
}

const node = (id: string): NodeRecord => ({
  id,
  miner: `acct_${id}`,
  publicKey: '',
  serial: '01',
  enrolledAt: '',
  running: [],
  faults: [],
});

// A run settled on `nodeId` as RunService stores it (close.test.ts): contribution 70.
const settledRun = (id: string, nodeId: string): RunRecord => ({
  id,
  quote: 'q',
  buyer: 'b',
  seller: 's',
  publisher: 'p',
  dataset: 'd',
  model: 'm',
  steps: 10,
  price: {
    fiat: { compute: '70', baseFee: '0', data: '0', total: '70' },
    tokens: '1',
    rate: { fiat: '1', tokens: '1' },
    split: { sellerBps: 0, publisherBps: 0, minerBps: 10_000, platformBps: 0 },
  },
  state: 'settled',
  node: nodeId,
  miner: `acct_${nodeId}`,
  usage: { steps: 10, cpuSeconds: 0, gpuSeconds: 0, seconds: 0 },
  history: [],
  createdAt: '',
  updatedAt: '',
});

type Market = Awaited<ReturnType<Awaited<ReturnType<typeof fixture>>['open']>>;

// Nodes, and penalties proposed two hours before genesis (so due at it), taken by the tick: all debt.
async function setUp(store: Store, m: Market, nodes: string[], penalties: [string, PenaltyCause, string][]) {
  await store.write(nodes.map((id) => put(store.sublevel(NODES_SUBLEVEL), id, node(id))));
  for (const [i, [nodeId, cause, buyer]] of penalties.entries()) {
    const at = new Date(G - 2 * HOUR + i * 1000); // the order they were proposed in
    const proposal = { nodeId, cause, runId: `run_x${i}`, jobId: `job_x${i}`, buyer, code: 'TEST' };
    await store.write(await penaltyProposalOps(store, economics, proposal, at));
  }
  await m.bonds.tick();
}

// Each node's work in the block being paid: one settled run each (contribution 70).
async function work(store: Store, m: Market, nodes: string[], tag: string) {
  const runs = nodes.map((id) => settledRun(`run_${tag}_${id}`, id));
  await store.write(runs.map((r) => put(store.sublevel(RUNS_SUBLEVEL), r.id, r)));
  await m.ledger.commit(
    runs.map((r) => ({
      key: `settle:${r.id}`,
      kind: 'settle' as const,
      ref: r.id,
      postings: [
        { account: 'mint', amount: -1n },
        { account: 'user:b', amount: 1n },
      ],
    })),
  );
}

// The ledger's invariants: the balances sum to zero, only the mint is below zero, and each
// node's debt account holds exactly what its penalty records still owe.
async function invariants(t: Test, m: Market, nodes: string[]) {
  const all = [...m.ledger.balances()];
  t.equal(
    all.reduce((sum, [, b]) => sum + b, 0n),
    0n,
    'the balances sum to zero',
  );
  t.same(
    all.filter(([a, b]) => b < 0n && a !== 'mint'),
    [],
    'no balance but the mint is negative',
  );
  for (const id of nodes) {
    const owed = (await m.bonds.status(id)).penalties.reduce((sum, p) => sum + BigInt(p.debt), 0n);
    t.equal(m.ledger.balance(`debt:${id}`), owed, `${id}: debt:N is what its penalties still owe`);
  }
}

t.test('a reward of 60 against a debt of 100: all of it repays, split buyer/platform', async (t) => {
  const f = await fixture(t);
  const m = await f.open();
  const store = f.store();
  await setUp(store, m, ['node_a', 'node_b'], [['node_a', 'forged-evidence', 'buyer_1']]);
  t.equal(m.ledger.balance('debt:node_a'), 100n);
  await work(store, m, ['node_a', 'node_b'], '1');
  f.clock.now = G + 2 * HOUR; // 120 emitted, 60 each (equal contributions)
  const closed = await m.rewards.closeBlock();
  t.same(
    closed.rewards.map((r) => [r.node, r.amount, r.repaid]),
    [
      ['node_a', '60', '60'],
      ['node_b', '60', '0'],
    ],
    'the records say what was repaid',
  );
  t.equal(closed.summary.paid, '120', 'paid counts what repaid debt too');
  t.equal(m.ledger.balance('debt:node_a'), 40n, 'the debt is 40');
  t.equal(m.ledger.balance('user:acct_node_a'), 0n, 'the miner in debt keeps nothing');
  t.equal(m.ledger.balance('user:acct_node_b'), 60n, 'a node without debt is unaffected');
  t.equal(m.ledger.balance('user:buyer_1'), 30n, 'the harmed buyer gets half');
  t.equal(m.ledger.balance('platform'), 30n, 'the platform the rest');
  const [penalty] = (await m.bonds.status('node_a')).penalties;
  t.equal(penalty.debt, '40');
  // one commit group: the rewards, then the repayment
  const reward = await m.ledger.entryByKey('reward:1:node_a');
  const repay = await m.ledger.entryByKey(`repay:reward:1:node_a:${penalty.id}`);
  t.ok(reward && repay && reward.group === repay.group && repay.seq > reward.seq, 'same group, after');
  t.equal(repay?.kind, 'penalty');
  t.match(repay?.meta, { penalty: penalty.id });
  t.same(
    (await nodeRewards(store, 'node_a', 5)).items.map((r) => [r.height, r.amount, r.repaid]),
    [[1, '60', '60']],
  );
  await invariants(t, m, ['node_a', 'node_b']);
  t.same(await f.verify(), []);
});

t.test('a reward of 150 against a debt of 100: the debt is cleared, the miner keeps 50', async (t) => {
  const f = await fixture(t);
  const m = await f.open();
  const store = f.store();
  await setUp(store, m, ['node_a'], [['node_a', 'forged-evidence', 'buyer_1']]);
  await work(store, m, ['node_a'], '1');
  f.clock.now = G + 2.5 * HOUR; // 150 emitted
  const closed = await m.rewards.closeBlock();
  t.same(
    closed.rewards.map((r) => [r.amount, r.repaid]),
    [['150', '100']],
  );
  t.equal(m.ledger.balance('debt:node_a'), 0n);
  t.equal(m.ledger.balance('user:acct_node_a'), 50n);
  t.same([m.ledger.balance('user:buyer_1'), m.ledger.balance('platform')], [50n, 50n]);
  t.equal((await m.bonds.status('node_a')).penalties[0].debt, '0');
  // the next reward, with no debt left, stays with the miner
  await work(store, m, ['node_a'], '2');
  f.clock.now = G + 3.5 * HOUR;
  const next = await m.rewards.closeBlock();
  t.same(
    next.rewards.map((r) => [r.amount, r.repaid]),
    [['60', '0']],
  );
  t.equal(m.ledger.balance('user:acct_node_a'), 110n);
  await invariants(t, m, ['node_a']);
  t.same(await f.verify(), []);
});

t.test('two penalties: the oldest is repaid first, each split to its own buyer', async (t) => {
  const f = await fixture(t);
  const m = await f.open();
  const store = f.store();
  await setUp(
    store,
    m,
    ['node_a'],
    [
      ['node_a', 'failed-run', 'buyer_1'], // 30, older
      ['node_a', 'forged-evidence', 'buyer_2'], // 100, newer
    ],
  );
  t.equal(m.ledger.balance('debt:node_a'), 130n);
  await work(store, m, ['node_a'], '1');
  f.clock.now = G + HOUR; // 60
  const closed = await m.rewards.closeBlock();
  t.equal(closed.rewards[0].repaid, '60');
  const [older, newer] = (await m.bonds.status('node_a')).penalties;
  t.same([older.cause, older.debt, newer.cause, newer.debt], ['failed-run', '0', 'forged-evidence', '70']);
  t.equal(m.ledger.balance('debt:node_a'), 70n);
  t.same(
    [m.ledger.balance('user:buyer_1'), m.ledger.balance('user:buyer_2'), m.ledger.balance('platform')],
    [15n, 15n, 30n],
    '30 split to the first buyer, then 30 of the second penalty to its buyer',
  );
  const first = await m.ledger.entryByKey(`repay:reward:1:node_a:${older.id}`);
  const second = await m.ledger.entryByKey(`repay:reward:1:node_a:${newer.id}`);
  t.ok(first && second && first.seq < second.seq, 'oldest first');
  await invariants(t, m, ['node_a']);
  t.same(await f.verify(), []);
});

t.test('closing the block again changes nothing, even after a crash before the seal', async (t) => {
  const f = await fixture(t);
  const m = await f.open();
  const store = f.store();
  await setUp(store, m, ['node_a'], [['node_a', 'forged-evidence', 'buyer_1']]);
  await work(store, m, ['node_a'], '1');
  f.clock.now = G + HOUR;
  const seal = m.ledger.sealBlockLocked.bind(m.ledger);
  m.ledger.sealBlockLocked = () => Promise.reject(new Error('killed before the seal'));
  await t.rejects(m.rewards.closeBlock(), { message: 'killed before the seal' });
  m.ledger.sealBlockLocked = seal;
  // the reward and its repayment were committed together
  const after = new Map(m.ledger.balances());
  t.same([after.get('debt:node_a'), after.get('user:acct_node_a')], [40n, 0n]);
  const again = await f.reopen();
  t.equal(again.ledger.balance('debt:node_a'), 40n, 'the reopened ledger agrees');
  const sealed = await again.rewards.closeBlock();
  t.same([sealed.block.height, sealed.rewards, sealed.summary.paid], [1, [], '60'], 'only sealed');
  t.same(new Map(again.ledger.balances()), after, 'no balance moved');
  t.equal((await again.bonds.status('node_a')).penalties[0].debt, '40');
  // a close at the same instant: an empty block, still nothing repaid twice
  const empty = await again.rewards.closeBlock();
  t.same([empty.block.height, empty.rewards, empty.summary.paid], [2, [], '0']);
  t.same(new Map(again.ledger.balances()), after);
  await invariants(t, again, ['node_a']);
  t.same(await f.verify(), []);
});

t.test('repaymentLocked: needs the lock, and repays nothing without debt', async (t) => {
  const f = await fixture(t);
  const m = await f.open();
  const store = f.store();
  await store.write([put(store.sublevel(NODES_SUBLEVEL), 'node_a', node('node_a'))]);
  await t.rejects(m.bonds.repaymentLocked('node_a', 'user:acct_node_a', 10n, 'k'), TypeError);
  const none = await store.exclusive(() => m.bonds.repaymentLocked('node_a', 'user:acct_node_a', 10n, 'k'));
  t.same(none, { repaid: 0n, txs: [], ops: [] });
});

t.test('a reward record stored before rewards repaid debt reads as repaid 0', async (t) => {
  const f = await fixture(t);
  await f.open();
  const store = f.store();
  // the shape close.test.ts's records had before this change: no `repaid`
  const legacy = {
    height: 1,
    node: 'node_a',
    miner: 'acct_node_a',
    periodStart: new Date(G).toISOString(),
    periodEnd: new Date(G + HOUR).toISOString(),
    contribution: '70',
    network: '70',
    basis: 'established',
    interruption: 'none',
    probability: '1.000000000000',
    pool: '60',
    amount: '60',
    entryKey: 'reward:1:node_a',
  };
  await store.write([put(store.sublevel(NODE_REWARDS_SUBLEVEL), 'node_a!000000000001', legacy)]);
  t.same((await nodeRewards(store, 'node_a', 5)).items, [{ ...legacy, repaid: '0' }]);
});
