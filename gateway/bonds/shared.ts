/**
 * What the bond, penalty and debt parts of the bonds feature share
 * (docs/bonds-and-placement.md): their collaborators, the ledger account
 * names of a node's bond and debt, the node lookup, which penalty states
 * are pending (and which pending ones put a node out of placement), and the
 * zero-leg filter for split postings.
 */
import type { EconomicsParameters } from '../../policies/index.js';
import type { Ledger, Posting } from '../ledger/index.js';
import { NodeError } from '../nodes/errors.js';
import type { NodeRecord } from '../nodes/records.js';
import { NODES_SUBLEVEL } from '../nodes/records.js';
import type { Store } from '../store/index.js';
import type { PenaltyRecord } from './records.js';

/** The collaborators of {@link BondService} and each of its parts. */
export interface BondDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly economics: EconomicsParameters;
  readonly now: () => Date;
}

/** The ledger account holding node `nodeId`'s bond. */
export const bondAccount = (nodeId: string): string => `bond:${nodeId}`;
/** The ledger account recording what node `nodeId` owes (issued against the mint). */
export const debtAccount = (nodeId: string): string => `debt:${nodeId}`;

/** The node record of `nodeId`; `NODE_NOT_FOUND` when there is none. */
export async function nodeRecord(store: Store, nodeId: string): Promise<NodeRecord> {
  const node = await store.get<NodeRecord>(store.sublevel(NODES_SUBLEVEL), nodeId);
  if (!node) throw new NodeError('NODE_NOT_FOUND', `no node ${nodeId}`);
  return node;
}

/** A penalty that is proposed, appealed or upheld: neither taken nor waived yet. */
export const pending = (p: PenaltyRecord): boolean =>
  p.state === 'proposed' || p.state === 'appealed' || p.state === 'upheld';

/** A pending forged-evidence penalty: it puts its node out of placement (BondService.penalisedOut). */
export const forgedPending = (p: PenaltyRecord): boolean => p.cause === 'forged-evidence' && pending(p);

/** Drop zero legs (the ledger refuses them) and keep the order. */
export function legs(...postings: Posting[]): Posting[] {
  return postings.filter((p) => p.amount !== 0n);
}
