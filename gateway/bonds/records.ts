/**
 * Penalties as stored (docs/bonds-and-placement.md) and the ops that propose
 * one. The detectors (the sweeper, a node's failure report, the key broker)
 * call {@link penaltyProposalOps} inside the store's lock and add the ops to
 * the batch that records what they found, so a fault and its penalty are
 * written together or not at all.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import type { PenaltyCause } from '../economics/index.js';
import { appealDeadline, penaltyAmount } from '../economics/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { del, put } from '../store/index.js';

/** Penalties by id. */
export const PENALTIES_SUBLEVEL = 'penalties';
/** Penalties not yet taken or waived: id -> id (what the penalty tick walks). */
export const OPEN_PENALTIES_SUBLEVEL = 'penalties-open';
/** A node's penalties: `${nodeId}/${id}` -> id. */
export const NODE_PENALTIES_SUBLEVEL = 'node-penalties';

/**
 * proposed -> (appeal within the window) appealed -> upheld | waived;
 * proposed or upheld -> taken once the window has closed.
 */
export type PenaltyState = 'proposed' | 'appealed' | 'upheld' | 'waived' | 'taken';

/** What a taking moved, as decimal strings. */
export interface PenaltyTaking {
  readonly at: string;
  readonly amount: string;
  readonly fromBond: string;
  readonly debt: string;
}

export interface PenaltyRecord {
  readonly id: string;
  readonly nodeId: string;
  readonly cause: PenaltyCause;
  /** The run (or inference, audit) it happened on, its job, and the buyer it harmed. */
  readonly runId: string;
  readonly jobId: string;
  readonly buyer: string;
  /** What detected it: a fault kind, a failure code, the broker's refusal code. */
  readonly code: string;
  readonly proposedAt: string;
  readonly appealBy: string;
  /** Offline: the node's last heartbeat before the outage, and its first one seen after. */
  readonly offlineSince?: string;
  readonly returnedAt?: string;
  /** Base units; for an outage still running, the amount so far. */
  readonly amount: string;
  readonly state: PenaltyState;
  readonly appeal?: { readonly reason: string; readonly at: string };
  readonly decision?: { readonly uphold: boolean; readonly by: string; readonly at: string };
  readonly taken?: PenaltyTaking;
  /** What is still owed of it (the part the bond did not cover, less repayments). */
  readonly debt: string;
}

/** What a detector knows when it proposes a penalty. */
export interface PenaltyProposal {
  readonly nodeId: string;
  readonly cause: PenaltyCause;
  readonly runId: string;
  readonly jobId: string;
  readonly buyer: string;
  readonly code: string;
  readonly offlineSince?: string;
}

/** The id of the one penalty a (cause, job) can bring: a repeated detection proposes nothing new. */
export function penaltyId(cause: PenaltyCause, jobId: string): string {
  return `pen_${cause}_${jobId}`;
}

/** The ops that write `penalty` and keep its indexes. */
export function penaltyOps(store: Store, penalty: PenaltyRecord): BatchOp[] {
  const open = penalty.state !== 'taken' && penalty.state !== 'waived';
  return [
    put(store.sublevel(PENALTIES_SUBLEVEL), penalty.id, penalty),
    put(store.sublevel(NODE_PENALTIES_SUBLEVEL), `${penalty.nodeId}/${penalty.id}`, penalty.id),
    open
      ? put(store.sublevel(OPEN_PENALTIES_SUBLEVEL), penalty.id, penalty.id)
      : del(store.sublevel(OPEN_PENALTIES_SUBLEVEL), penalty.id),
  ];
}

/**
 * The ops proposing a penalty at `at` (none when this job already brought
 * one for this cause). Call inside `store.exclusive`.
 */
export async function penaltyProposalOps(
  store: Store,
  economics: EconomicsParameters,
  proposal: PenaltyProposal,
  at: Date,
): Promise<BatchOp[]> {
  const id = penaltyId(proposal.cause, proposal.jobId);
  if (await store.get(store.sublevel(PENALTIES_SUBLEVEL), id)) return [];
  const outage =
    proposal.offlineSince === undefined ? 0 : (at.getTime() - Date.parse(proposal.offlineSince)) / 1000;
  const penalty: PenaltyRecord = {
    id,
    ...proposal,
    proposedAt: at.toISOString(),
    appealBy: appealDeadline(at, economics.bonds).toISOString(),
    amount: penaltyAmount(proposal.cause, Math.max(0, outage), economics.bonds).toString(),
    state: 'proposed',
    debt: '0',
  };
  return penaltyOps(store, penalty);
}

/** A node's penalties, oldest first. */
export async function nodePenalties(store: Store, nodeId: string): Promise<PenaltyRecord[]> {
  const ids = (await store
    .sublevel(NODE_PENALTIES_SUBLEVEL)
    .values({ gt: `${nodeId}/`, lt: `${nodeId}/~` })
    .all()) as string[];
  const all = await Promise.all(
    ids.map((id) => store.get<PenaltyRecord>(store.sublevel(PENALTIES_SUBLEVEL), id)),
  );
  return all
    .filter((p): p is PenaltyRecord => p !== undefined)
    .sort((a, b) =>
      a.proposedAt < b.proposedAt ? -1 : a.proposedAt > b.proposedAt ? 1 : a.id < b.id ? -1 : 1,
    );
}

/** Every penalty not yet taken or waived. */
export async function openPenalties(store: Store): Promise<PenaltyRecord[]> {
  const ids = (await store.sublevel(OPEN_PENALTIES_SUBLEVEL).values().all()) as string[];
  const all = await Promise.all(
    ids.map((id) => store.get<PenaltyRecord>(store.sublevel(PENALTIES_SUBLEVEL), id)),
  );
  return all.filter((p): p is PenaltyRecord => p !== undefined);
}
