import t from 'tap';
import nacl from 'tweetnacl';
import { bytesToBase64, nodeId } from '../../../attest/index.js';
import type { NodeRecord, NodeRewardRecord, RunRecord } from '../../../gateway/index.js';
import {
  NODES_SUBLEVEL,
  RUNS_SUBLEVEL,
  ledgerSourceFromStore,
  penaltyProposalOps,
  put,
  verifyLedger,
} from '../../../gateway/index.js';
import { listNodeRewards } from '../../../client/index.js';
import { gatewayForTest, signedInject } from '../../helpers/gateway.js';
import { DEBT_ECONOMICS } from './debt-economics.js';

// Rewards repaying debt through the real gateway (buildApp wires the
// BondService into the RewardService): a node whose forged-evidence penalty
// (100) exceeded its bond (0) has settled work in the block; the block's
// reward (60: debt-economics.ts emits exactly 60 tokens an hour with
// probability 1) repays 60 of the debt, and the rewards
// route, its schema and the SDK show `repaid`.

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00.000Z');

t.test('the rewards route shows what a reward repaid', async (t) => {
  let now = T0;
  const gw = await gatewayForTest(t, {
    now: () => new Date(now),
    blockIntervalMs: 2 ** 31 - 1,
    economics: DEBT_ECONOMICS,
  });
  const { store, ledger, rewards, bonds } = gw.app.gateway;
  const miner = await gw.account('miner');
  const keys = nacl.sign.keyPair();
  const record: NodeRecord = {
    id: nodeId(keys.publicKey),
    miner: miner.id,
    publicKey: bytesToBase64(keys.publicKey),
    serial: '01',
    enrolledAt: new Date(T0).toISOString(),
    running: [],
    faults: [],
  };
  const N = record.id;
  // the penalty, proposed two hours before and taken now: all of it debt
  await store.write([put(store.sublevel(NODES_SUBLEVEL), N, record)]);
  const proposal = {
    nodeId: N,
    cause: 'forged-evidence' as const,
    runId: 'run_x',
    jobId: 'job_x',
    buyer: 'buyer_1',
    code: 'TEST',
  };
  await store.write(
    await penaltyProposalOps(store, gw.app.gateway.economics, proposal, new Date(T0 - 2 * HOUR)),
  );
  await bonds.tick();
  t.equal(ledger.balance(`debt:${N}`), 100n);
  // a run of the node's settled in the block, as RunService stores it (contribution 70)
  const run: RunRecord = {
    id: 'run_1',
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
    node: N,
    miner: miner.id,
    usage: { steps: 10, cpuSeconds: 0, gpuSeconds: 0, seconds: 0 },
    history: [],
    createdAt: '',
    updatedAt: '',
  };
  await store.write([put(store.sublevel(RUNS_SUBLEVEL), run.id, run)]);
  await ledger.commit([
    {
      key: `settle:${run.id}`,
      kind: 'settle',
      ref: run.id,
      postings: [
        { account: 'mint', amount: -1n },
        { account: 'user:b', amount: 1n },
      ],
    },
  ]);
  now = T0 + HOUR;
  await rewards.closeBlock();
  t.equal(ledger.balance(`debt:${N}`), 40n);
  t.equal(ledger.balance(`user:${miner.id}`), 0n);

  const res = await signedInject(gw.app, {
    method: 'GET',
    url: `/v1/nodes/${N}/rewards`,
    key: miner.key,
    now: new Date(now),
  });
  t.equal(res.statusCode, 200);
  const [item] = res.json<{ items: NodeRewardRecord[] }>().items;
  t.match(item, { height: 1, node: N, amount: '60', repaid: '60', entryKey: `reward:1:${N}` });
  const sdk = await listNodeRewards(miner.client, N);
  t.equal(sdk.items[0].repaid, '60', 'the SDK reads it');
  const status = await signedInject(gw.app, {
    method: 'GET',
    url: `/v1/nodes/${N}/bond`,
    key: miner.key,
    now: new Date(now),
  });
  t.match(status.json(), { debt: '40' });
  t.same(
    (await verifyLedger(ledgerSourceFromStore(store), gw.app.gateway.identity.gateway.keyPair.publicKey))
      .problems,
    [],
  );
});
