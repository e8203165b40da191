/**
 * Sealed inferences as stored (sublevel `inferences`, keyed by id): the
 * buyer's queries for a settled run's sealed model, answered by a predict
 * job on a node (DESIGN.md 5 step 12, docs/node-protocol.md section 4).
 */

export const INFERENCES_SUBLEVEL = 'inferences';

export type InferenceState = 'queued' | 'running' | 'answered' | 'failed';

export interface InferenceRecord {
  readonly id: string;
  readonly runId: string;
  /** The run's buyer: the only account that reads it; never sent to a node. */
  readonly buyer: string;
  readonly state: InferenceState;
  /** The queries, JSONL. */
  readonly inputs: string;
  /** One answer per query, as the model gave it (after the node's supervisor). */
  readonly answers?: readonly unknown[];
  readonly reason?: { readonly code: string; readonly message: string };
  /** The node holding it while running. */
  readonly node?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
