/**
 * The simulator's event loop (issue 6): runs arrive (Poisson), are quoted and
 * escrowed by the real RunService, wait in a queue, are placed on the best
 * idle eligible node by the real placement ranking, run for
 * steps / true speed, and settle through the real ledger with a usage receipt
 * whose steps and duration feed the real speed estimates; an interrupted run
 * records an `offline` fault and a penalty proposal and is requeued once.
 * Every hour a block closes (emission, rewards, seal) and
 * penalties are ticked; unit costs are re-balanced every adjustHours.
 */
import type { NodeRecord, PlacementNode } from '../../gateway/index.js';
import { bondAccount, deploymentOp, penaltyProposalOps, put, rankNodes } from '../../gateway/index.js';
import type { Market, SimNode, SimOptions } from './market.js';
import type { Rng } from './rng.js';

const HOUR = 3_600_000;

/** A run in the queue or on a node. */
interface Job {
  readonly runId: string;
  readonly buyer: string;
  readonly model: number;
  readonly steps: number;
  readonly queuedAt: number;
  attempts: number;
  node?: SimNode;
  startedAt?: number;
  endsAt?: number;
  interrupted?: boolean;
}

/** A settled run, as the report reads it. */
export interface Settled {
  readonly node: string;
  readonly model: string;
  readonly at: number;
  readonly steps: number;
  readonly seconds: number;
  /** Fiat micro-units of compute: the quoted unit cost × steps. */
  readonly compute: number;
  readonly queueSeconds: number;
}

/** What happened, for the report. */
export interface History {
  readonly settled: Settled[];
  readonly queueSeconds: number[];
  readonly rewards: Map<string, bigint>;
  readonly blocks: { emission: bigint; paid: bigint }[];
  readonly adjustments: { at: number; changes: number }[];
  arrived: number;
  failed: number;
  requeued: number;
  penalties: number;
  waiting: number;
}

const REQUEST = { nanoCpus: 1e9, memoryBytes: 512 * 1024 ** 2, gpus: 0, minTier: 'software' as const };

/** Run the market for `options.hours` simulated hours. */
export async function simulate(m: Market, options: SimOptions, rng: Rng): Promise<History> {
  const h: History = {
    settled: [],
    queueSeconds: [],
    rewards: new Map(),
    blocks: [],
    adjustments: [],
    arrived: 0,
    failed: 0,
    requeued: 0,
    penalties: 0,
    waiting: 0,
  };
  const end = m.start + options.hours * HOUR;
  const queue: Job[] = [];
  const active: Job[] = [];
  let nextArrival = m.start + rng.exponential(HOUR / options.runsPerHour);
  let nextBlock = m.start + HOUR;
  let nextAdjust = m.start + options.adjustHours * HOUR;
  let penalisedOut = new Set<string>();
  for (;;) {
    const first = active.reduce<Job | undefined>((a, j) => (a && a.endsAt! <= j.endsAt! ? a : j), undefined);
    const t = Math.min(first?.endsAt ?? Infinity, nextArrival, nextBlock, nextAdjust);
    if (t > end) break;
    m.clock = Math.round(t);
    if (first && t === first.endsAt) {
      active.splice(active.indexOf(first), 1);
      if (first.interrupted) await interrupt(m, h, first, queue, rng);
      else await complete(m, h, first);
    } else if (t === nextArrival) {
      queue.push(await arrive(m, h, rng));
      nextArrival += rng.exponential(HOUR / options.runsPerHour);
    } else if (t === nextBlock) {
      const closed = await m.rewards.closeBlock();
      h.blocks.push({ emission: BigInt(closed.summary.emission), paid: BigInt(closed.summary.paid) });
      for (const r of closed.rewards) h.rewards.set(r.node, (h.rewards.get(r.node) ?? 0n) + BigInt(r.amount));
      await heartbeats(m);
      await m.bonds.tick();
      penalisedOut = await m.bonds.penalisedOut(m.nodes.map((n) => n.id));
      nextBlock += HOUR;
    } else {
      const adjustment = await m.pricing.adjust();
      h.adjustments.push({ at: t, changes: adjustment?.changes.length ?? 0 });
      nextAdjust += options.adjustHours * HOUR;
    }
    await dispatch(m, queue, active, penalisedOut, rng);
  }
  h.waiting = queue.length + active.length;
  return h;
}

// A new run: a random buyer and model, 10 to 60 minutes of steps on reference hardware.
async function arrive(m: Market, h: History, rng: Rng): Promise<Job> {
  const model = rng.index(m.models.length);
  const steps = Math.max(1, Math.round(m.models[model].benchmark * rng.between(600, 3600)));
  const buyer = m.buyers[rng.index(m.buyers.length)];
  const quote = await m.runs.quote(buyer, { dataset: m.dataset.id, model: m.models[model].record.id, steps });
  const run = await m.runs.start(buyer, quote.id);
  h.arrived++;
  return { runId: run.id, buyer, model, steps, queuedAt: m.clock, attempts: 0 };
}

function view(m: Market, n: SimNode, penalisedOut: ReadonlySet<string>): PlacementNode {
  const elapsed = Math.max(1, m.clock - n.joinsAt);
  return {
    id: n.id,
    online: m.clock >= n.joinsAt && m.clock >= n.offlineUntil,
    tier: 'software',
    capacity: { nanoCpus: 8e9, memoryBytes: 32 * 1024 ** 3, gpus: 0 },
    bond: m.ledger.balance(bondAccount(n.id)),
    penalisedOut: penalisedOut.has(n.id),
    successRate: n.done + n.failed === 0 ? 1 : n.done / (n.done + n.failed),
    uptime: 1 - Math.min(1, n.offlineMs / elapsed),
    load: 0,
  };
}

// Oldest run first, onto the best-scoring idle eligible node; the run is placed, sealed and started.
async function dispatch(m: Market, queue: Job[], active: Job[], out: ReadonlySet<string>, rng: Rng) {
  while (queue.length > 0) {
    const idle = m.nodes.filter((n) => n.busyUntil <= m.clock).map((n) => view(m, n, out));
    const [best] = rankNodes(idle, REQUEST, m.economics, 1).best;
    if (!best) return;
    const job = queue.shift()!;
    const node = m.nodes.find((n) => n.id === best.id)!;
    const model = m.models[job.model].record;
    await m.runs.transition(job.runId, 'place', { node: node.id, miner: node.miner });
    await m.runs.transition(job.runId, 'seal');
    await m.runs.transition(job.runId, 'start', {}, () => [
      deploymentOp(m.store, {
        timestamp: new Date(m.clock).toISOString(),
        nodeAddress: node.id,
        imageId: model.image.digest,
        runId: job.runId,
      }),
    ]);
    const seconds = job.steps / m.speeds.get(node.id)!.get(model.id)!;
    job.node = node;
    job.startedAt = m.clock;
    job.interrupted = rng.next() < node.failure;
    job.endsAt = m.clock + Math.max(1, Math.round(seconds * 1000 * (job.interrupted ? rng.next() : 1)));
    node.busyUntil = job.endsAt;
    job.attempts++;
    active.push(job);
  }
}

// The receipt: steps and duration; the speed observation goes into the seal-output batch.
async function complete(m: Market, h: History, job: Job) {
  const node = job.node!;
  const model = m.models[job.model].record;
  const run = await m.runs.get(job.runId);
  const seconds = job.steps / m.speeds.get(node.id)!.get(model.id)!;
  const output = { digest: `sha256:${'0'.repeat(64)}`, size: 1024 * 1024, wrappedKey: 'sim', keyId: 'sim' };
  await m.store.exclusive(async () => {
    const speed = await m.pricing.observeLocked(node.id, model, { steps: job.steps, seconds });
    await m.runs.transitionLocked(job.runId, 'seal-output', { output }, () => [speed]);
    const usage = { steps: job.steps, cpuSeconds: seconds, gpuSeconds: 0, seconds };
    await m.runs.transitionLocked(job.runId, 'settle', { usage });
  });
  node.done++;
  const queueSeconds = (job.startedAt! - job.queuedAt) / 1000;
  h.queueSeconds.push(queueSeconds);
  h.settled.push({
    node: node.id,
    model: model.id,
    at: m.clock,
    steps: job.steps,
    seconds,
    compute: Number(run.price.unitCost?.perStep ?? model.descriptor.unitCost) * job.steps,
    queueSeconds,
  });
}

// The node went offline holding the run: a fault and a penalty proposal; requeued once, then failed.
async function interrupt(m: Market, h: History, job: Job, queue: Job[], rng: Rng) {
  const node = job.node!;
  node.failed++;
  const outage = Math.round(rng.between(1, 6) * HOUR);
  node.offlineUntil = m.clock + outage;
  node.offlineMs += outage;
  node.busyUntil = node.offlineUntil;
  const at = new Date(m.clock);
  await m.store.exclusive(async () => {
    const nodes = m.store.sublevel('nodes');
    const record = (await m.store.get<NodeRecord>(nodes, node.id))!;
    const fault = { runId: job.runId, kind: 'offline' as const, at: at.toISOString() };
    const proposal = {
      nodeId: node.id,
      cause: 'offline' as const,
      runId: job.runId,
      jobId: `${job.runId}-${job.attempts}`,
      buyer: job.buyer,
      code: 'RUN_NODE_FAULT',
      offlineSince: at.toISOString(),
    };
    const ops = [
      put(nodes, node.id, { ...record, faults: [...record.faults, fault] }),
      ...(await penaltyProposalOps(m.store, m.economics, proposal, at)),
    ];
    h.penalties += ops.length > 1 ? 1 : 0;
    const event = job.attempts < 2 ? 'requeue' : 'fail';
    const reason = { code: 'RUN_NODE_FAULT', message: 'the node went offline during the run' };
    await m.runs.transitionLocked(job.runId, event, event === 'fail' ? { reason } : {}, () => ops);
  });
  if (job.attempts < 2) {
    h.requeued++;
    queue.unshift(job);
  } else h.failed++;
}

// A node back from an outage heartbeats again (the bond service sees it returned and stops the clock).
async function heartbeats(m: Market) {
  const nodes = m.store.sublevel('nodes');
  for (const n of m.nodes) {
    if (n.offlineUntil === 0 || n.offlineUntil > m.clock) continue;
    await m.store.exclusive(async () => {
      const record = (await m.store.get<NodeRecord>(nodes, n.id))!;
      await m.store.write([
        put(nodes, n.id, { ...record, lastHeartbeat: new Date(n.offlineUntil).toISOString() }),
      ]);
    });
    n.offlineUntil = 0;
  }
}
