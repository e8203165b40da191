import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import t from 'tap';
import nacl from 'tweetnacl';
import type { UsageReceipt } from '../../../attest/index.js';
import {
  USAGE_RECEIPT_LABEL,
  bytesToBase64,
  canonicalizeBytes,
  nodeId,
  signDetached,
} from '../../../attest/index.js';
import { parseModelDescriptor } from '../../../policies/index.js';
import type { ClosedBlock, NodeRecord, NodeRewardRecord } from '../../../gateway/index.js';
import {
  MINING_POOL_ACCOUNT,
  NODES_SUBLEVEL,
  ledgerSourceFromStore,
  put,
  verifyLedger,
} from '../../../gateway/index.js';
import { startRun as sealedStart } from '../../../gateway/broker/custody.js';
import { completeRun } from '../../../gateway/nodes/progress.js';
import type { TestAccount } from '../../helpers/gateway.js';
import { listNodeDeployments, listNodeRewards } from '../../../client/index.js';
import { gatewayForTest, signedInject } from '../../helpers/gateway.js';
import { credit, datasetRecord, modelRecord, putCatalog } from '../runs/market.js';

// A simulated week of hourly blocks (issue 6: "a simulated week with hourly
// blocks ends with ledger verify passing"): one gateway over LevelDB in a
// temp dir, a frozen clock moved by hand, the block timer out of the way
// (the test closes each block itself), no dockerd. Three nodes complete runs
// through the real services — quote and start over signed HTTP, the
// scheduler's claim, the broker's sealed start (which writes the deployment
// record), the nodes' completion with a signed usage receipt — while:
// - node A works every fourth hour from the start,
// - node B works every sixth hour, and at hour 50, when it is lost holding a job
//   (the real sweeper records the interruption; its run goes to A),
// - node C is new: it first deploys at hour 101 and works every fourth hour after.
// Every block's emission, rewards and carry-over are checked against a model
// written here from the rules (not from the gateway's code).

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T00:00:00.000Z');
const GIB = 1024 ** 3;
const UNIT_COST = 3n;
const STEPS = { A: 100, B: 60, C: 80 } as const;
type Name = keyof typeof STEPS;

t.test('a simulated week of hourly blocks', async (t) => {
  let now = T0;
  const gw = await gatewayForTest(t, {
    now: () => new Date(now),
    blockIntervalMs: 2 ** 31 - 1,
    sweepSeconds: 3600,
  });
  const { store, ledger, rewards, runs, blobs, nodes } = gw.app.gateway;
  const [seller, buyer, publisher, stranger] = await Promise.all([
    gw.account('seller'),
    gw.account('buyer'),
    gw.account('publisher'),
    gw.account('buyer'),
  ]);
  const miners = { A: await gw.account('miner'), B: await gw.account('miner'), C: await gw.account('miner') };
  const dataset = datasetRecord(seller.id, new Date(T0));
  const base = modelRecord(publisher.id, new Date(T0));
  const model = {
    ...base,
    descriptor: parseModelDescriptor({
      ...base.descriptor,
      unitCost: String(UNIT_COST),
      resources: { cpus: 1, memoryMiB: 256 },
    }),
  };
  await putCatalog(gw, { dataset, model });
  await credit(gw, buyer.id, 10n ** 15n);
  // one sealed output blob, uploaded once and named by every completion
  const outputBytes = Buffer.from('a sealed model (ciphertext)');
  const output = {
    digest: `sha256:${createHash('sha256').update(outputBytes).digest('hex')}`,
    size: outputBytes.length,
    wrappedKey: bytesToBase64(new Uint8Array(80)),
    keyId: 'ab'.repeat(16),
  };
  await blobs.put(output.digest, Readable.from([outputBytes]));

  const as = (who: TestAccount, method: string, url: string, body?: unknown) =>
    signedInject(gw.app, { method, url, body, key: who.key, now: new Date(now) });

  interface Node {
    readonly id: string;
    readonly secretKey: Uint8Array;
  }
  // Enrolled as the registry stores a node (enrollment itself is tested in test/gateway/nodes;
  // its CA and CSR keys would cost this test seconds), with one heartbeat for its capacity.
  async function enroll(miner: TestAccount): Promise<Node> {
    const keys = nacl.sign.keyPair();
    const record: NodeRecord = {
      id: nodeId(keys.publicKey),
      miner: miner.id,
      publicKey: bytesToBase64(keys.publicKey),
      serial: '01',
      enrolledAt: new Date(now).toISOString(),
      running: [],
      faults: [],
    };
    await store.write([put(store.sublevel(NODES_SUBLEVEL), record.id, record)]);
    await nodes.registry.heartbeat(record.id, {
      runtimeVersion: '1.0.0',
      capacity: { cpus: 4, memoryBytes: 8 * GIB, gpus: [] },
      runs: [],
    });
    return { id: record.id, secretKey: keys.secretKey };
  }
  const node: Record<Name, Node> = {
    A: await enroll(miners.A),
    B: await enroll(miners.B),
    C: await enroll(miners.C),
  };

  async function queueRun(steps: number): Promise<string> {
    const quote = await as(buyer, 'POST', '/v1/quotes', { dataset: dataset.id, model: model.id, steps });
    const run = await as(buyer, 'POST', '/v1/runs', { quote: quote.json<{ id: string }>().id });
    if (run.statusCode !== 201) throw new Error(`start: ${run.body}`);
    return run.json<{ id: string }>().id;
  }

  // The test's own tally: contributions per block and node, and interruptions.
  const tally = new Map<number, Map<Name, bigint>>();
  function count(hour: number, name: Name, steps: number) {
    const block = tally.get(hour) ?? new Map<Name, bigint>();
    block.set(name, (block.get(name) ?? 0n) + UNIT_COST * BigInt(steps));
    tally.set(hour, block);
  }

  // Claim, seal, start (the deployment record), complete (receipt, settlement).
  async function finish(hour: number, name: Name, runId: string, steps: number): Promise<void> {
    const n = node[name];
    const job = await nodes.scheduler.claim(n.id);
    t.equal(job?.runId, runId, `${name} takes ${runId}`);
    await runs.transition(runId, 'seal');
    await sealedStart(runs, runId, { store, jobId: job!.jobId });
    now += 60_000;
    const body: UsageReceipt = {
      version: 1,
      runId,
      jobId: job!.jobId,
      nodeId: n.id,
      steps,
      cpuSeconds: 50,
      gpuSeconds: 0,
      durationSeconds: 60,
      exitCode: 0,
      deployment: { timestamp: new Date(now).toISOString(), nodeAddress: n.id, imageId: model.image.digest },
    };
    const signature = bytesToBase64(signDetached(USAGE_RECEIPT_LABEL, canonicalizeBytes(body), n.secretKey));
    const settled = await completeRun(nodes.progress, await nodes.registry.get(n.id), runId, {
      jobId: job!.jobId,
      output,
      receipt: { body, signature },
    });
    t.equal(settled.state, 'settled');
    count(hour, name, steps);
  }

  const INTERRUPTED_AT_HOUR = 50;
  let interruptedAt = 0;
  const closed: ClosedBlock[] = [];
  for (let hour = 0; hour < 168; hour++) {
    now = T0 + hour * HOUR + 5 * 60_000;
    if (hour % 4 === 0) await finish(hour, 'A', await queueRun(STEPS.A), STEPS.A);
    if (hour % 6 === 0 || hour === INTERRUPTED_AT_HOUR)
      await finish(hour, 'B', await queueRun(STEPS.B), STEPS.B);
    if (hour > 100 && hour % 4 === 1) await finish(hour, 'C', await queueRun(STEPS.C), STEPS.C);
    if (hour === INTERRUPTED_AT_HOUR) {
      // B takes a job and is silent (its last heartbeat is hours old); the sweeper finds it
      // offline and requeues the run; A runs it
      const runId = await queueRun(STEPS.A);
      t.equal((await nodes.scheduler.claim(node.B.id))?.runId, runId);
      now += (gw.app.gateway.options.nodeTimeoutSeconds + 1) * 1000;
      interruptedAt = now;
      t.same((await nodes.sweeper.sweep()).requeued, [runId]);
      await finish(hour, 'A', runId, STEPS.A);
    }
    now = T0 + (hour + 1) * HOUR;
    closed.push(await rewards.closeBlock());
  }

  // The model: E(h hours) = floor(5e16 × h / 8760) in the first era (500 million tokens a year, 8 decimals).
  const emitted = (hours: number) => (5n * 10n ** 16n * BigInt(hours)) / 8760n;
  const FIRST = 9_500n * 1_000_000n;
  const ESTABLISHED = 980_100n * 1_000_000n;
  function probability(name: Name, hour: number): bigint {
    const first = name === 'C' ? 101 : 0;
    const basis = hour === first ? FIRST : ESTABLISHED;
    if (name !== 'B') return basis;
    const blockStart = T0 + hour * HOUR;
    if (interruptedAt >= blockStart && interruptedAt < blockStart + HOUR) return 0n;
    if (interruptedAt < blockStart && blockStart < interruptedAt + 100 * HOUR) return basis / 100n;
    return basis;
  }

  t.test('every block pays as the rules say, and the carry-over is exact', async (t) => {
    let carry = 0n;
    const paidTo = { A: 0n, B: 0n, C: 0n };
    for (let hour = 0; hour < 168; hour++) {
      const c = closed[hour];
      t.equal(c.block.height, hour + 1);
      const emission = emitted(hour + 1) - emitted(hour);
      const pool = carry + emission;
      const work = tally.get(hour) ?? new Map<Name, bigint>();
      const network = [...work.values()].reduce((a, b) => a + b, 0n);
      let paid = 0n;
      const expected = [...work].map(([name, contribution]) => {
        const amount = (pool * probability(name, hour) * contribution) / (10n ** 12n * network);
        paid += amount;
        paidTo[name] += amount;
        return {
          node: node[name].id,
          miner: miners[name].id,
          contribution: String(contribution),
          amount: String(amount),
        };
      });
      t.same(
        c.rewards.map((r) => ({
          node: r.node,
          miner: r.miner,
          contribution: r.contribution,
          amount: r.amount,
        })),
        expected,
        `block ${hour + 1}`,
      );
      t.same(
        c.summary,
        {
          height: hour + 1,
          periodStart: new Date(T0 + hour * HOUR).toISOString(),
          periodEnd: new Date(T0 + (hour + 1) * HOUR).toISOString(),
          emission: String(emission),
          emitted: String(emitted(hour + 1)),
          pool: String(pool),
          network: String(network),
          paid: String(paid),
          carry: String(pool - paid),
          nodes: work.size,
        },
        `summary of block ${hour + 1}`,
      );
      carry = pool - paid;
    }
    t.equal(rewards.carry, carry, "the pool's balance is the last carry-over");
    t.equal(ledger.balance(MINING_POOL_ACCOUNT), carry);
    t.ok(carry > 0n, 'unpaid shares carried over');
    t.equal(
      paidTo.A + paidTo.B + paidTo.C + carry,
      emitted(168),
      'everything emitted is paid or in the pool',
    );
    // the ledger holds exactly the emission and the rewards: mint entries into the pool, reward entries out
    let minted = 0n;
    let rewarded = 0n;
    for await (const e of ledger.entries()) {
      if (e.key.startsWith('emission:')) minted += BigInt(e.postings[1].amount);
      if (e.kind === 'reward') rewarded += BigInt(e.postings[1].amount);
    }
    t.equal(minted, emitted(168));
    t.equal(rewarded, paidTo.A + paidTo.B + paidTo.C);
  });

  t.test('the probabilities seen by each node: first deployment, forfeit, the 100-hour window', (t) => {
    const byNode = (name: Name) => closed.flatMap((c) => c.rewards.filter((r) => r.node === node[name].id));
    const at = (name: Name, height: number) =>
      byNode(name).find((r) => r.height === height) as NodeRewardRecord;
    t.same([at('A', 1).basis, at('A', 1).probability], ['first-deployment', '0.009500000000']);
    t.same([at('A', 5).basis, at('A', 5).probability], ['established', '0.980100000000']);
    // B: forfeits block 51 (hour 50) though it completed work in it
    t.same([at('B', 51).interruption, at('B', 51).amount, at('B', 51).entryKey], ['forfeited', '0', null]);
    t.same([at('B', 55).interruption, at('B', 55).probability], ['window', '0.009801000000']);
    // the last block starting inside the window starts at hour 150 (< 150:07:31); hour 151 is free
    t.equal(at('B', 151).interruption, 'window');
    t.same([at('B', 157).interruption, at('B', 157).probability], ['none', '0.980100000000']);
    t.equal(
      byNode('B').filter((r) => r.interruption === 'window').length,
      byNode('B').filter((r) => r.height >= 52 && r.height <= 151).length,
    );
    // C: first deployment in its first block, then established
    t.same(byNode('C')[0].height, 102);
    t.same([byNode('C')[0].basis, byNode('C')[1].basis], ['first-deployment', 'established']);
    t.end();
  });

  t.test('ledger verify passes at the end of the week', async (t) => {
    const report = await verifyLedger(
      ledgerSourceFromStore(store),
      gw.app.gateway.identity.gateway.keyPair.publicKey,
    );
    t.same(report.problems, []);
    t.equal(report.ok, true);
    t.equal(report.blocks, 168);
  });

  t.test('reading rewards and deployments: the miner or the operator', async (t) => {
    const B = node.B.id;
    const page = await as(miners.B, 'GET', `/v1/nodes/${B}/rewards?limit=2`);
    t.equal(page.statusCode, 200);
    const body = page.json<{ items: NodeRewardRecord[]; next: string }>();
    t.same(
      body.items.map((r) => r.height),
      [163, 157],
    );
    const next = await as(
      miners.B,
      'GET',
      `/v1/nodes/${B}/rewards?limit=2&cursor=${encodeURIComponent(body.next)}`,
    );
    t.same(
      next.json<{ items: NodeRewardRecord[] }>().items.map((r) => r.height),
      [151, 145],
    );
    t.equal((await as(gw.operator, 'GET', `/v1/nodes/${B}/rewards`)).statusCode, 200);
    const theirs = await as(stranger, 'GET', `/v1/nodes/${B}/rewards`);
    t.same(
      [theirs.statusCode, theirs.json<{ error: { code: string } }>().error.code],
      [403, 'REWARD_NOT_YOUR_NODE'],
    );
    const other = await as(miners.A, 'GET', `/v1/nodes/${B}/deployments`);
    t.same(
      [other.statusCode, other.json<{ error: { code: string } }>().error.code],
      [403, 'REWARD_NOT_YOUR_NODE'],
    );
    const missing = await as(gw.operator, 'GET', '/v1/nodes/node_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/rewards');
    t.equal(missing.json<{ error: { code: string } }>().error.code, 'REWARD_NODE_NOT_FOUND');
    const bad = await as(miners.B, 'GET', `/v1/nodes/${B}/rewards?cursor=someone-else`);
    t.same([bad.statusCode, bad.json<{ error: { code: string } }>().error.code], [400, 'REWARD_BAD_CURSOR']);
    t.equal((await gw.app.inject({ method: 'GET', url: `/v1/nodes/${B}/rewards` })).statusCode, 401);

    const deployments = await as(miners.C, 'GET', `/v1/nodes/${node.C.id}/deployments?limit=500`);
    const items = deployments.json<{
      items: { timestamp: string; nodeAddress: string; imageId: string; runId: string }[];
    }>().items;
    t.equal(items.length, 17, "one record per sealed start of C's");
    t.same(items[items.length - 1], {
      timestamp: new Date(T0 + 101 * HOUR + 5 * 60_000).toISOString(),
      nodeAddress: node.C.id,
      imageId: model.image.digest,
      runId: items[items.length - 1].runId,
    });
    // B's interrupted start never happened (it was only placed): its records are its completed runs
    const b = await as(gw.operator, 'GET', `/v1/nodes/${B}/deployments?limit=500`);
    t.equal(b.json<{ items: unknown[] }>().items.length, 29);

    // the SDK (what `sealgate node rewards` calls) reads the same pages
    const sdk = await listNodeRewards(miners.B.client, B, { limit: 1 });
    t.same([sdk.items[0].height, sdk.items[0].amount], [163, body.items[0].amount]);
    t.equal(
      (await listNodeDeployments(miners.C.client, node.C.id, { limit: 1 })).items[0].nodeAddress,
      node.C.id,
    );
    await t.rejects(listNodeRewards(stranger.client, B), { code: 'REWARD_NOT_YOUR_NODE' });

    const summary = (await gw.app.inject({ method: 'GET', url: '/v1/rewards' })).json<
      Record<string, unknown>
    >();
    t.same(summary, {
      genesis: new Date(T0).toISOString(),
      total: String(5n * 10n ** 17n),
      emitted: String(emitted(168)),
      carry: String(rewards.carry),
      pool: MINING_POOL_ACCOUNT,
      height: 168,
    });
  });
});
