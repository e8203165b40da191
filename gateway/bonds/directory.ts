/**
 * The quote's "nodes that could take the run and the estimated queue time"
 * (DESIGN.md 5 step 3, issue 6) from placement: how many nodes are eligible
 * now, the best few with their tiers, and the queue estimate for a run of the
 * model's wall-clock limit behind the runs already waiting.
 */
import { queueEstimate } from '../economics/index.js';
import { limitsFor } from '../nodes/job-spec.js';
import type { JobLimitCaps } from '../options.js';
import type { NodeDirectory } from '../runs/nodes.js';
import type { PlacementSnapshot } from './placement-view.js';
import { placementRequest } from './placement-view.js';

/** How many of the best candidates a quote names. */
export const QUOTE_CANDIDATES = 5;

export interface PlacementDirectoryDeps {
  readonly snapshot: () => Promise<PlacementSnapshot>;
  /** How many jobs wait in the scheduler's queue now. */
  readonly queued: () => number;
  readonly jobLimitCaps: JobLimitCaps;
}

/** A NodeDirectory answering from a placement snapshot. */
export function placementDirectory(deps: PlacementDirectoryDeps): NodeDirectory {
  return {
    async eligible(dataset, model) {
      const limits = limitsFor(model.descriptor, deps.jobLimitCaps);
      const request = placementRequest(limits, dataset.policy.release.minTier);
      const ranking = (await deps.snapshot()).rank(request, QUOTE_CANDIDATES);
      return {
        nodes: ranking.best.map((c) => c.id),
        nodeCount: ranking.eligible,
        candidates: ranking.best.map((c) => ({ id: c.id, tier: c.tier })),
        queueSeconds: queueEstimate(ranking, deps.queued(), limits.wallSeconds),
      };
    },
  };
}
