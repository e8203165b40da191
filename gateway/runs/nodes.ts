/**
 * Which nodes could take a run, for quotes (DESIGN.md 5 step 3). There is no
 * node registry yet (issue 4): the default directory lists the keys of a
 * `nodes` sublevel when it holds any (at most 100) and estimates no queue.
 * The scheduler of issue 4 replaces it with one that knows eligibility and
 * load; quotes only need this interface.
 */
import type { DatasetRecord } from '../datasets/record.js';
import type { ModelRecord } from '../models/record.js';
import type { Store } from '../store/index.js';

export const NODES_SUBLEVEL = 'nodes';

/** The nodes that could take a run now and the estimated wait, seconds. */
export interface NodeOffer {
  readonly nodes: readonly string[];
  readonly queueSeconds: number;
  /** How many nodes are eligible now, and the best few with their tiers. */
  readonly nodeCount?: number;
  readonly candidates?: readonly { readonly id: string; readonly tier: string }[];
}

/** Answers "who could run this?" for a quote. */
export interface NodeDirectory {
  eligible(dataset: DatasetRecord, model: ModelRecord): Promise<NodeOffer>;
}

const MAX_LISTED = 100;

/** The default directory over the `nodes` sublevel (empty until nodes enrol). */
export function storeNodeDirectory(store: Store): NodeDirectory {
  const sub = store.sublevel(NODES_SUBLEVEL);
  return {
    async eligible() {
      const nodes: string[] = [];
      for await (const key of sub.keys({ limit: MAX_LISTED })) nodes.push(key);
      return { nodes, queueSeconds: 0 };
    },
  };
}
