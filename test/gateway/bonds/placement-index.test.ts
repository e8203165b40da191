/**
 * The in-memory placement directory (gateway/bonds/placement-index.ts,
 * docs/bonds-and-placement.md "Placement in memory") follows every change a
 * decision depends on: a bond posted (BondService.post), a node going
 * offline (the clock passes its heartbeat's timeout; a revoked node leaves),
 * a forged-evidence penalty proposed then waived, debt, a job assigned and
 * ended. After each change its snapshot equals the one read from the store.
 * Real LevelDB in a temp dir, frozen clock; node records are built here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { signingKeyPairFromSeed } from '../../../attest/index.js';
import { parseEconomicsParameters } from '../../../policies/index.js';
import type { JobRecord, NodeRecord, PenaltyRecord, PlacementNode } from '../../../gateway/index.js';
import {
  BondService,
  Ledger,
  NODES_SUBLEVEL,
  placementSnapshot,
  Store,
  put,
} from '../../../gateway/index.js';
import { PlacementIndex } from '../../../gateway/bonds/placement-index.js';
import { penaltyOps, penaltyProposalOps } from '../../../gateway/bonds/records.js';
import { endJobOps, newJobOps } from '../../../gateway/nodes/jobs.js';

const GIB = 2 ** 30;
const request = { nanoCpus: 1e9, memoryBytes: GIB, gpus: 0, minTier: 'software' } as const;

function nodeRecord(id: string, heartbeat: Date, extra: Partial<NodeRecord> = {}): NodeRecord {
  return {
    id,
    miner: 'miner',
    publicKey: 'AAAA',
    serial: '01',
    enrolledAt: '2026-11-01T00:00:00.000Z',
    lastHeartbeat: heartbeat.toISOString(),
    capacity: { cpus: 4, memoryBytes: 8 * GIB, gpus: [] },
    running: [],
    faults: [],
    ...extra,
  };
}

const byId = (nodes: readonly PlacementNode[]): PlacementNode[] =>
  [...nodes].sort((a, b) => (a.id < b.id ? -1 : 1));

t.test('the in-memory directory follows bonds, the clock, penalties, debt and jobs', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-placement-index-'));
  const store = await Store.open(dir);
  let clock = new Date('2026-11-29T10:00:00.000Z');
  const now = (): Date => clock;
  const ledger = await Ledger.open(store, {
    now,
    signer: signingKeyPairFromSeed(new Uint8Array(32)),
    signerKeyId: 'k',
  });
  const economics = parseEconomicsParameters({ bonds: { minimumBond: '100' } });
  const bonds = new BondService({ store, ledger, economics, now });
  const deps = { store, ledger, economics, now, nodeTimeoutSeconds: 90 };
  const index = await PlacementIndex.open(deps);
  t.teardown(async () => {
    index.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
  const write = (ops: Parameters<Store['write']>[0]) => store.exclusive(() => store.write(ops));
  const nodes = store.sublevel(NODES_SUBLEVEL);
  // the directory's snapshot, checked against the store read of the same moment
  const same = async (what: string): Promise<PlacementNode[]> => {
    const mine = byId((await index.snapshot()).nodes);
    t.same(mine, byId((await placementSnapshot(deps)).nodes), what);
    return mine;
  };
  const view = async (id: string) => (await index.snapshot()).nodes.find((n) => n.id === id);
  const eligible = async () => (await index.snapshot()).rank(request).best.map((c) => c.id);

  await write([
    put(nodes, 'node_a', nodeRecord('node_a', clock)),
    put(nodes, 'node_b', nodeRecord('node_b', clock)),
  ]);
  await same('two nodes enrolled');
  t.same(await eligible(), [], 'no bond: nobody eligible');

  // a bond posted through BondService
  await ledger.commit([
    {
      key: 'mint:1',
      kind: 'mint',
      postings: [
        { account: 'mint', amount: -1000n },
        { account: 'user:miner', amount: 1000n },
      ],
    },
  ]);
  await bonds.post('miner', 'node_a', 100n, 'n1');
  t.equal((await view('node_a'))?.bond, 100n, 'the bond is seen');
  t.same(await eligible(), ['node_a'], 'bonded: eligible');
  await bonds.post('miner', 'node_b', 100n, 'n2');
  await same('both bonded');

  // going offline: the clock passes the heartbeat's timeout, no write at all
  clock = new Date(clock.getTime() + 60_000);
  await write([put(nodes, 'node_b', nodeRecord('node_b', clock))]);
  clock = new Date(clock.getTime() + 60_000);
  t.equal((await view('node_a'))?.online, false, 'node_a is offline 120 s after its heartbeat');
  t.equal((await view('node_b'))?.online, true, 'node_b heartbeat 60 s ago: online');
  t.same(await eligible(), ['node_b']);
  await same('after the clock moved');

  // a forged-evidence penalty proposed (as the broker writes it), then waived
  const proposal = {
    nodeId: 'node_b',
    cause: 'forged-evidence',
    runId: 'run_1',
    jobId: 'job_1',
    buyer: 'buyer',
    code: 'EVIDENCE_BAD_SIGNATURE',
  } as const;
  await write(await penaltyProposalOps(store, economics, proposal, clock));
  t.equal((await view('node_b'))?.penalisedOut, true, 'a pending forged-evidence penalty puts it out');
  t.same(await eligible(), []);
  await same('penalty proposed');
  const [penalty] = (await store.sublevel('penalties').values().all()) as PenaltyRecord[];
  await write(penaltyOps(store, { ...penalty, state: 'waived' }));
  t.equal((await view('node_b'))?.penalisedOut, false, 'waived: back in');

  // debt puts a node out until it is repaid
  await ledger.commit([
    {
      key: 'debt:1',
      kind: 'penalty',
      postings: [
        { account: 'mint', amount: -5n },
        { account: 'debt:node_b', amount: 5n },
      ],
    },
  ]);
  t.equal((await view('node_b'))?.penalisedOut, true, 'debt: out');
  await same('with debt');

  // a job assigned raises the load; ending it lowers it again
  const job = {
    id: 'job_2',
    kind: 'train',
    runId: 'run_2',
    nodeId: 'node_a',
    limits: { pids: 64, memoryBytes: 4 * GIB, nanoCpus: 1e9, wallSeconds: 60, tmpfsBytes: 0, gpus: 0 },
    state: 'assigned',
  } as unknown as JobRecord; // only the fields placement reads
  await write(newJobOps(store, job));
  t.equal((await view('node_a'))?.load, 0.5, 'half its memory held');
  await same('a job assigned');
  await write(endJobOps(store, job, 'done', clock.toISOString()));
  t.equal((await view('node_a'))?.load, 0, 'the job ended');
  await same('the job ended');

  // an index write without its job record in the batch: the directory re-reads the store
  await write([put(store.sublevel('jobs'), 'job_3', { ...job, id: 'job_3' })]);
  await write([put(store.sublevel('node-jobs'), 'node_a/job_3', 'job_3')]);
  t.equal((await view('node_a'))?.load, 0.5, 'followed by a re-read');
  await same('after a re-read');

  // revoked: gone from placement
  await write([put(nodes, 'node_a', nodeRecord('node_a', clock, { revoked: clock.toISOString() }))]);
  t.equal(await view('node_a'), undefined, 'a revoked node leaves');
  await same('revoked');
});
