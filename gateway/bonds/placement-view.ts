/**
 * The gateway's nodes as placement sees them (gateway/economics/placement.ts,
 * docs/bonds-and-placement.md): one snapshot per scheduling decision or quote,
 * read from the registry, the active jobs, the ledger's bond and debt
 * accounts and the open penalties. The snapshot answers the scheduler ("may
 * this node take this job now?") and the quote ("who could, and how long is
 * the queue?").
 */
import type { TrustLevel } from '../../attest/index.js';
import type { EconomicsParameters } from '../../policies/index.js';
import type { PlacementNode, PlacementRequest, Ranking } from '../economics/index.js';
import { ineligibility, rankNodes } from '../economics/index.js';
import type { Ledger } from '../ledger/index.js';
import { activeJobs } from '../nodes/jobs.js';
import type { JobLimits, NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import type { Store } from '../store/index.js';
import { openPenalties } from './records.js';
import { bondAccount, debtAccount, forgedPending } from './shared.js';

export interface PlacementViewDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly economics: EconomicsParameters;
  readonly now: () => Date;
  readonly nodeTimeoutSeconds: number;
}

const WEEK = 7 * 86_400_000;
const clamp = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * A node's view: success rate with a uniform prior ((done + 1) / (done +
 * abandoned + 2)), uptime over the last week counting each offline fault as
 * one hour down, load = the larger of its CPU and memory shares held by jobs.
 */
export function placementNode(
  node: NodeRecord,
  held: readonly JobLimits[],
  extra: { online: boolean; bond: bigint; penalisedOut: boolean; now: Date },
): PlacementNode {
  const done = node.jobsDone ?? 0;
  const abandoned = node.jobsAbandoned ?? 0;
  const since = extra.now.getTime() - WEEK;
  const outages = node.faults.filter((f) => f.kind === 'offline' && Date.parse(f.at) >= since).length;
  const c = node.capacity;
  const capacity = c && {
    nanoCpus: Math.round(c.cpus * 1e9),
    memoryBytes: c.memoryBytes,
    gpus: c.gpus.length,
  };
  const cpu = held.reduce((s, l) => s + l.nanoCpus, 0);
  const memory = held.reduce((s, l) => s + l.memoryBytes, 0);
  const load = capacity
    ? Math.max(cpu / Math.max(1, capacity.nanoCpus), memory / Math.max(1, capacity.memoryBytes))
    : 1;
  return {
    id: node.id,
    online: extra.online,
    tier: (node as { tier?: TrustLevel }).tier ?? 'software',
    ...(capacity ? { capacity } : {}),
    bond: extra.bond,
    penalisedOut: extra.penalisedOut,
    successRate: (done + 1) / (done + abandoned + 2),
    uptime: clamp(1 - outages / 168),
    load: clamp(load),
  };
}

const requestKey = (r: PlacementRequest): string => `${r.nanoCpus}/${r.memoryBytes}/${r.gpus}/${r.minTier}`;

/** One look at every node. */
export class PlacementSnapshot {
  readonly nodes: readonly PlacementNode[];
  readonly #economics: EconomicsParameters;
  readonly #rankings = new Map<string, Ranking>();

  constructor(nodes: readonly PlacementNode[], economics: EconomicsParameters) {
    this.nodes = nodes;
    this.#economics = economics;
  }

  /** The ranking for `request` (the best `k`, by default the candidates parameter). */
  rank(request: PlacementRequest, k?: number): Ranking {
    const key = `${requestKey(request)}/${k ?? ''}`;
    let ranking = this.#rankings.get(key);
    if (!ranking) {
      ranking = rankNodes(this.nodes, request, this.#economics, k);
      this.#rankings.set(key, ranking);
    }
    return ranking;
  }

  /**
   * May `nodeId` (which is asking, so online) take a job asking `request`
   * that has waited `waitedSeconds`? It must be eligible, and among the best
   * candidates unless the job has waited patienceSeconds.
   */
  allows(nodeId: string, request: PlacementRequest, waitedSeconds: number): boolean {
    const node = this.nodes.find((n) => n.id === nodeId);
    if (!node) return false;
    const asking = { ...node, online: true };
    if (ineligibility(asking, request, BigInt(this.#economics.bonds.minimumBond)) !== undefined) return false;
    if (waitedSeconds >= this.#economics.placement.patienceSeconds) return true;
    // One ranking per (asker, request) in a snapshot: a claim checks many queued jobs of few shapes.
    const key = `${nodeId}|${requestKey(request)}`;
    let ranking = this.#rankings.get(key);
    if (!ranking) {
      const others = node.online ? this.nodes : this.nodes.map((n) => (n.id === nodeId ? asking : n));
      ranking = rankNodes(others, request, this.#economics);
      this.#rankings.set(key, ranking);
    }
    return ranking.best.some((c) => c.id === nodeId);
  }
}

/** What a snapshot is made of: the unrevoked node records, their held jobs, who is penalised out. */
export interface PlacementInputs {
  readonly records: Iterable<NodeRecord>;
  readonly held: (nodeId: string) => readonly JobLimits[];
  /** Nodes with a pending forged-evidence penalty (debt is read from the ledger). */
  readonly forged: ReadonlySet<string>;
}

type SnapshotDeps = Pick<PlacementViewDeps, 'ledger' | 'economics' | 'now' | 'nodeTimeoutSeconds'>;

/**
 * The snapshot of `inputs` now: online from the last heartbeat, the bond and
 * debt from the ledger's in-memory balances. Shared by the store read below
 * and the in-memory directory (placement-index.ts), so the two cannot differ.
 */
export function snapshotOf(inputs: PlacementInputs, deps: SnapshotDeps): PlacementSnapshot {
  const { ledger } = deps;
  const now = deps.now();
  const timeout = deps.nodeTimeoutSeconds * 1000;
  const nodes: PlacementNode[] = [];
  for (const n of inputs.records) {
    nodes.push(
      placementNode(n, inputs.held(n.id), {
        online: n.lastHeartbeat !== undefined && now.getTime() - Date.parse(n.lastHeartbeat) < timeout,
        bond: ledger.balance(bondAccount(n.id)),
        penalisedOut: inputs.forged.has(n.id) || ledger.balance(debtAccount(n.id)) > 0n,
        now,
      }),
    );
  }
  return new PlacementSnapshot(nodes, deps.economics);
}

/** Read every enrolled, unrevoked node into a snapshot, from the store (the reference path). */
export async function placementSnapshot(deps: PlacementViewDeps): Promise<PlacementSnapshot> {
  const { store } = deps;
  const records = ((await store.sublevel(NODES_SUBLEVEL).values().all()) as NodeRecord[]).filter(
    (n) => n.revoked === undefined,
  );
  const held = new Map<string, JobLimits[]>();
  for (const job of await activeJobs(store)) {
    const list = held.get(job.nodeId) ?? [];
    list.push(job.limits);
    held.set(job.nodeId, list);
  }
  const forged = new Set<string>();
  for (const p of await openPenalties(store)) if (forgedPending(p)) forged.add(p.nodeId);
  return snapshotOf({ records, held: (id) => held.get(id) ?? [], forged }, deps);
}

/** A job's limits and a dataset's minimum tier as a placement request. */
export function placementRequest(limits: JobLimits, minTier: TrustLevel): PlacementRequest {
  return { nanoCpus: limits.nanoCpus, memoryBytes: limits.memoryBytes, gpus: limits.gpus, minTier };
}
