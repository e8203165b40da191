/**
 * Canary audits as stored (sublevel `audits`, keyed by id): a settled run's
 * sealed model scored, in a sealed container, on its dataset's canary set
 * (docs/egress-protocol.md section 5, docs/audit.md).
 */
import type { Exposure, Membership } from '../../policies/index.js';

export const AUDITS_SUBLEVEL = 'audits';

export type AuditState = 'queued' | 'running' | 'done' | 'failed';

/** The canary set a listing names (the `canaries` field of the dataset record). */
export interface CanarySet {
  readonly digest: string;
  readonly size: number;
  /** The first `planted` rows of the set were planted in the dataset; the `heldOut` after them were not. */
  readonly planted: number;
  readonly heldOut: number;
}

/** What an audit found (docs/egress-protocol.md section 5). */
export interface AuditResult {
  readonly planted: number;
  readonly heldOut: number;
  readonly losses: { readonly planted: readonly number[]; readonly heldOut: readonly number[] };
  readonly exposure: Exposure;
  readonly membership: Membership;
}

export interface AuditRecord {
  /** `aud_…`. */
  readonly id: string;
  readonly runId: string;
  readonly datasetId: string;
  /** The dataset's seller: the account the audit is for; never sent to a node. */
  readonly seller: string;
  readonly state: AuditState;
  readonly canaries: CanarySet;
  readonly result?: AuditResult;
  readonly reason?: { readonly code: string; readonly message: string };
  /** The node holding it while running. */
  readonly node?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}
