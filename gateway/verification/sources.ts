/**
 * What a verification needs from the egress guard and the canary
 * audit, as small interfaces (STYLE: collaborators come in as
 * small interfaces). Until those land the gateway uses the `none` sources,
 * and a report says honestly that the part was skipped and why.
 */
import type { EgressEntry, EgressHead, RescanFinding } from '../../attest/index.js';

/** An entry of a closed egress log with its RFC 6962 inclusion proof against the head. */
export interface ProvenEntry {
  readonly entry: EgressEntry;
  readonly proof: { readonly index: number; readonly size: number; readonly path: readonly string[] };
}

/** A run's closed, signed egress log, as much of it as a report shows. */
export interface ClosedEgressLog {
  readonly head: EgressHead;
  /** The gateway's signature over the head (base64), egress-protocol §4. */
  readonly headSignature: string;
  /** Every entry with at least one flag, in log order, each with its proof. */
  readonly flagged: readonly ProvenEntry[];
}

/** A fresh re-scan of every released body of a run with the dataset's current index. */
export type Rescan =
  { readonly at: string; readonly flags: readonly RescanFinding[] } | { readonly skipped: string };

/** The guard's egress logs (gateway/guard). */
export interface EgressLogSource {
  /** The closed log of run `runId`, or null when the gateway kept none for it. */
  closedLog(runId: string): Promise<ClosedEgressLog | null>;
  /** Re-scan run `runId`'s released egress with dataset `datasetId`'s index. */
  rescan(runId: string, datasetId: string): Promise<Rescan>;
}

/** The audit's figures (egress-protocol §5) and the thresholds they are judged by. */
export interface AuditFigures {
  readonly planted: number;
  readonly heldOut: number;
  readonly exposure: {
    readonly perCanary: readonly number[];
    readonly mean: number;
    readonly max: number;
    readonly maxPossible: number;
  };
  readonly membership: { readonly auc: number; readonly advantage: number };
  readonly thresholds: { readonly maxMeanExposureBits: number; readonly maxAuc: number };
}

/** The canary audit: run it on the run's sealed model and wait for the figures. */
export interface AuditSource {
  /**
   * Audit run `runId` (the seller's request `verificationId`); resolves when
   * the audit has ended, with its figures or the reason it was skipped.
   */
  audit(runId: string, verificationId: string): Promise<AuditFigures | { readonly skipped: string }>;
}

/** No egress log is kept (the guard is not installed): the report says so. */
export const noEgressLogs: EgressLogSource = {
  closedLog: () => Promise.resolve(null),
  rescan: () => Promise.resolve({ skipped: 'no fingerprint scanner is installed on this gateway' }),
};

/** No audit can run (the audit job is not installed): the report says so. */
export const noAudits: AuditSource = {
  audit: () => Promise.resolve({ skipped: 'the canary audit is not installed on this gateway' }),
};
