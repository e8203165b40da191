/**
 * Block rewards (DESIGN.md 9, issue 6), pure and exact in bigint base units.
 * A node's reward for a block period is
 *
 *   floor(pool × probability × contribution / network)
 *
 * where contribution = Σ unit cost × steps of the node's work completed in
 * the period, and network = Σ contributions of every node (not Σ weighted
 * contributions: the probability is an expected-value weight, and what it
 * does not pay stays in the pool and carries over, as in DeepBrain Chain).
 *
 * Probability, in parts per million (economics.rewards): firstDeploymentPpm
 * (1% × 95%) when the node had no deployment before the period began,
 * establishedPpm (99% × 99%) otherwise. An abnormal interruption inside the
 * period forfeits its reward (probability 0); one in the `interruptionHours`
 * before the period began multiplies it by interruptionMultiplierPpm (1%),
 * once however many there were. Details and edges: docs/rewards.md section 2.
 */
import type { EconomicsParameters } from '../../policies/index.js';

/** The reward parameters (economics.rewards). */
export type RewardParameters = EconomicsParameters['rewards'];

/** One part per million; a probability carries two factors of it (ppm²). */
export const PPM = 1_000_000n;
const PPM2 = PPM * PPM;
const HOUR_MS = 3_600_000;

/** A block's period, epoch milliseconds: from `startMs` (inclusive) to `endMs` (exclusive). */
export interface RewardPeriod {
  readonly startMs: number;
  readonly endMs: number;
}

/** What the rewards know of one node for one period. */
export interface NodeActivity {
  readonly node: string;
  /** Σ unit cost × steps of its work completed in the period (fiat base units). */
  readonly contribution: bigint;
  /** Its earliest deployment record (epoch ms), if any. */
  readonly firstDeploymentMs?: number;
  /** Its abnormal interruptions (epoch ms), any order; later ones than the period are ignored. */
  readonly interruptionsMs: readonly number[];
}

/** Why a node's probability is what it is. */
export type RewardBasis = 'first-deployment' | 'established';
export type InterruptionEffect = 'none' | 'forfeited' | 'window';

/** A node's probability for a period, exactly: `ppm2` parts per 10^12. */
export interface RewardProbability {
  readonly basis: RewardBasis;
  readonly interruption: InterruptionEffect;
  readonly ppm2: bigint;
}

function checkPeriod(period: RewardPeriod): void {
  if (!Number.isSafeInteger(period.startMs) || !Number.isSafeInteger(period.endMs))
    throw new TypeError('a reward period is whole epoch milliseconds');
  if (period.endMs < period.startMs) throw new TypeError('a reward period ends before it starts');
}

/**
 * The probability of `node` in `period`: the basis (first deployment when it
 * had none before `startMs`), then an interruption at t with startMs <= t <
 * endMs forfeits it, and one with t < startMs < t + interruptionHours
 * multiplies it by interruptionMultiplierPpm (the window is half-open: a
 * period that starts exactly interruptionHours after it is not affected).
 */
export function rewardProbability(
  params: RewardParameters,
  period: RewardPeriod,
  node: Pick<NodeActivity, 'firstDeploymentMs' | 'interruptionsMs'>,
): RewardProbability {
  checkPeriod(period);
  const established = node.firstDeploymentMs !== undefined && node.firstDeploymentMs < period.startMs;
  const basis: RewardBasis = established ? 'established' : 'first-deployment';
  const base = BigInt(established ? params.establishedPpm : params.firstDeploymentPpm);
  const windowMs = params.interruptionHours * HOUR_MS;
  let interruption: InterruptionEffect = 'none';
  for (const t of node.interruptionsMs) {
    if (t >= period.startMs && t < period.endMs) interruption = 'forfeited';
    else if (interruption === 'none' && t < period.startMs && period.startMs < t + windowMs)
      interruption = 'window';
  }
  const multiplier = interruption === 'window' ? BigInt(params.interruptionMultiplierPpm) : PPM;
  return { basis, interruption, ppm2: interruption === 'forfeited' ? 0n : base * multiplier };
}

/** One node's reward in a block. */
export interface NodeReward extends RewardProbability {
  readonly node: string;
  readonly contribution: bigint;
  readonly amount: bigint;
}

/** A block's rewards: what the pool held, what it paid, what carries over. */
export interface BlockRewards {
  readonly pool: bigint;
  /** Σ contributions of every node (the denominator). */
  readonly network: bigint;
  /** One per node with a contribution, in the order given. */
  readonly rewards: readonly NodeReward[];
  readonly paid: bigint;
  /** pool − paid: stays in the pool for the next block. */
  readonly carry: bigint;
}

/**
 * Share `pool` (this block's emission plus the carry-over) among `nodes` for
 * `period`: each gets floor(pool × ppm2 × contribution / (10^12 × network)),
 * so Σ rewards <= pool × max probability <= pool; the floors' remainders and
 * every unpaid share carry over. Nodes without a contribution are left out.
 */
export function blockRewards(
  params: RewardParameters,
  period: RewardPeriod,
  pool: bigint,
  nodes: readonly NodeActivity[],
): BlockRewards {
  if (pool < 0n) throw new TypeError('a reward pool cannot be negative');
  const working = nodes.filter((n) => {
    if (n.contribution < 0n) throw new TypeError(`node ${n.node}: a contribution cannot be negative`);
    return n.contribution > 0n;
  });
  const network = working.reduce((sum, n) => sum + n.contribution, 0n);
  const rewards = working.map((n): NodeReward => {
    const p = rewardProbability(params, period, n);
    const amount = (pool * p.ppm2 * n.contribution) / (PPM2 * network);
    return { node: n.node, contribution: n.contribution, ...p, amount };
  });
  const paid = rewards.reduce((sum, r) => sum + r.amount, 0n);
  return { pool, network, rewards, paid, carry: pool - paid };
}
