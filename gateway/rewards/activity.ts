/**
 * What one block's rewards are computed from (docs/rewards.md section 3),
 * read from the store: the work completed in the period (every `settle`
 * entry among the block's entries, i.e. the runs settled since the last
 * seal), each node's first deployment record, and its abnormal
 * interruptions (the sweeper's `offline` faults: the node was lost while it
 * held a job). The rewards themselves are pure (economics/rewards.ts).
 */
import type { NodeActivity } from '../economics/index.js';
import type { Ledger } from '../ledger/index.js';
import type { NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import type { RunRecord } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import { usedCompute } from '../runs/price.js';
import type { Store } from '../store/index.js';
import { firstDeployment } from './deployments.js';

/** The fault kinds that count as an abnormal interruption: the node went away holding a job. */
export const INTERRUPTION_KINDS: readonly NodeRecord['faults'][number]['kind'][] = ['offline'];

/**
 * A settled run's compute contribution, fiat base units: the compute it was
 * charged (runs/price.ts usedCompute). Seed pricing: unit cost × steps used,
 * i.e. the quote's compute scaled to the steps the receipt reports, never more
 * than quoted (exact when the compute is a multiple of the quoted steps, as
 * priceRun makes it; floored otherwise). By-use pricing: the charge of the
 * receipt's resources at the frozen rates, as settled.
 */
export function contributionOf(run: Pick<RunRecord, 'price' | 'steps' | 'usage' | 'output'>): bigint {
  if (run.steps <= 0 || run.usage === undefined) return 0n;
  return usedCompute(run.price, run.steps, { ...run.usage, outputBytes: run.output?.size ?? 0 });
}

/** A node's facts for the block, and the account its reward is paid to. */
export interface NodeBlockFacts {
  readonly activity: NodeActivity;
  /** The miner account (ledger `user:${miner}`) paid for the node's work. */
  readonly miner: string;
}

/**
 * The facts of every node that completed work in the entries after seq
 * `sealedSeq` (the block being closed), in the order of their first
 * settlement. A run placed before nodes existed names its miner as its node
 * (docs/runs.md): it has no node record, so no deployments or faults.
 */
export async function blockActivity(store: Store, ledger: Ledger): Promise<NodeBlockFacts[]> {
  const work = new Map<string, { contribution: bigint; miner: string }>();
  const runs = store.sublevel(RUNS_SUBLEVEL);
  for await (const entry of ledger.entries(ledger.sealedSeq + 1)) {
    if (entry.kind !== 'settle' || entry.ref === undefined) continue;
    const run = await store.get<RunRecord>(runs, entry.ref);
    if (run?.node === undefined) continue;
    const done = work.get(run.node) ?? { contribution: 0n, miner: run.miner ?? run.node };
    work.set(run.node, { ...done, contribution: done.contribution + contributionOf(run) });
  }
  const facts: NodeBlockFacts[] = [];
  const nodes = store.sublevel(NODES_SUBLEVEL);
  for (const [nodeId, done] of work) {
    const record = await store.get<NodeRecord>(nodes, nodeId);
    const first = await firstDeployment(store, nodeId);
    const interruptionsMs = (record?.faults ?? [])
      .filter((f) => INTERRUPTION_KINDS.includes(f.kind))
      .map((f) => Date.parse(f.at));
    facts.push({
      miner: record?.miner ?? done.miner,
      activity: {
        node: nodeId,
        contribution: done.contribution,
        interruptionsMs,
        ...(first ? { firstDeploymentMs: Date.parse(first.timestamp) } : {}),
      },
    });
  }
  return facts;
}
