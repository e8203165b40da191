/**
 * Placement, pure (DESIGN.md 5 step 4 and 9; docs/bonds-and-placement.md):
 * which nodes may take a run (online, capable, tier, bond, not penalised
 * out), how they score (asking price, reputation = success rate × uptime,
 * load), the best few in one pass over the nodes, and the queue estimate a
 * quote reports. No I/O: the scheduler and the quote feed it node views.
 */
import type { TrustLevel } from '../../attest/index.js';
import type { EconomicsParameters } from '../../policies/index.js';
import { tierAtLeast } from '../../policies/index.js';

/** What placement knows of a node. */
export interface PlacementNode {
  readonly id: string;
  readonly online: boolean;
  /** The strongest evidence tier the node can give. */
  readonly tier: TrustLevel;
  /** Total capacity from its last heartbeat (undefined before any). */
  readonly capacity?: { readonly nanoCpus: number; readonly memoryBytes: number; readonly gpus: number };
  /** Tokens held in its bond account. */
  readonly bond: bigint;
  /** Outstanding debt or a pending forged-evidence penalty: not scheduled. */
  readonly penalisedOut: boolean;
  /** Its asking price relative to the list price, ppm (10^6 = list; no node sets one yet). */
  readonly pricePpm?: number;
  /** Reputation inputs, each in [0, 1]. */
  readonly successRate: number;
  readonly uptime: number;
  /** The share of its capacity its active jobs hold, in [0, 1]. */
  readonly load: number;
}

/** What a run asks of a node. */
export interface PlacementRequest {
  readonly nanoCpus: number;
  readonly memoryBytes: number;
  readonly gpus: number;
  readonly minTier: TrustLevel;
}

/** Why a node may not take a run. */
export type Ineligibility = 'offline' | 'incapable' | 'tier' | 'bond' | 'penalised';

/** The first rule `node` breaks for `request`, or undefined when it is eligible. */
export function ineligibility(
  node: PlacementNode,
  request: PlacementRequest,
  minimumBond: bigint,
): Ineligibility | undefined {
  if (!node.online) return 'offline';
  const c = node.capacity;
  if (!c || c.nanoCpus < request.nanoCpus || c.memoryBytes < request.memoryBytes || c.gpus < request.gpus)
    return 'incapable';
  if (!tierAtLeast(node.tier, request.minTier)) return 'tier';
  if (node.bond < minimumBond) return 'bond';
  if (node.penalisedOut) return 'penalised';
  return undefined;
}

type Weights = EconomicsParameters['placement'];

const clamp = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);

/**
 * The node's score in [0, 1]: (w_price × min(1, 10^6 / pricePpm) +
 * w_reputation × successRate × uptime + w_load × (1 − load)) / Σ w.
 * Higher is better; equal weights of 0 score every node 0.
 */
export function placementScore(node: PlacementNode, weights: Weights): number {
  const total = weights.priceWeightPpm + weights.reputationWeightPpm + weights.loadWeightPpm;
  if (total === 0) return 0;
  const price = clamp(1_000_000 / Math.max(1, node.pricePpm ?? 1_000_000));
  const reputation = clamp(node.successRate) * clamp(node.uptime);
  const idle = 1 - clamp(node.load);
  return (
    (weights.priceWeightPpm * price +
      weights.reputationWeightPpm * reputation +
      weights.loadWeightPpm * idle) /
    total
  );
}

/** A scored eligible node. */
export interface Candidate {
  readonly id: string;
  readonly tier: TrustLevel;
  readonly score: number;
}

/** The outcome of one pass over the nodes. */
export interface Ranking {
  /** How many nodes are eligible. */
  readonly eligible: number;
  /** How many of them hold no job now. */
  readonly idle: number;
  /** The best `k`, best first (ties: smaller id first). */
  readonly best: readonly Candidate[];
}

// a before b: higher score, then smaller id (a total order, so rankings are reproducible).
function better(a: Candidate, b: Candidate): boolean {
  return a.score > b.score || (a.score === b.score && a.id < b.id);
}

/**
 * Rank `nodes` for `request`: one pass, keeping the best `k` in a sorted
 * array of length k (O(n·k) in the worst case, O(n) in practice).
 */
export function rankNodes(
  nodes: Iterable<PlacementNode>,
  request: PlacementRequest,
  params: Pick<EconomicsParameters, 'bonds' | 'placement'>,
  k: number = params.placement.candidates,
): Ranking {
  const minimumBond = BigInt(params.bonds.minimumBond);
  const best: Candidate[] = [];
  let eligible = 0;
  let idle = 0;
  for (const node of nodes) {
    if (ineligibility(node, request, minimumBond) !== undefined) continue;
    eligible++;
    if (node.load === 0) idle++;
    const c: Candidate = { id: node.id, tier: node.tier, score: placementScore(node, params.placement) };
    if (best.length === k && !better(c, best[k - 1])) continue;
    let i = best.length < k ? best.length : k - 1;
    while (i > 0 && better(c, best[i - 1])) i--;
    best.splice(i, 0, c);
    if (best.length > k) best.pop();
  }
  return { eligible, idle, best };
}

/**
 * The estimated wait, seconds, before a node takes a run that has
 * `queuedAhead` eligible runs before it: none while an idle eligible node is
 * left for it; otherwise one `runSeconds` per wave of `eligible` nodes.
 * Zero when no node is eligible (the quote's node count of 0 says so).
 */
export function queueEstimate(
  ranking: Pick<Ranking, 'eligible' | 'idle'>,
  queuedAhead: number,
  runSeconds: number,
): number {
  if (ranking.eligible === 0 || queuedAhead < ranking.idle) return 0;
  const waves = Math.floor((queuedAhead - ranking.idle) / ranking.eligible) + 1;
  return waves * runSeconds;
}
