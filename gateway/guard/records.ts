/**
 * The egress guard's records (docs/egress-protocol.md sections 3 and 4): what
 * a node posts, what the log keeps, and the signed head. Stored in LevelDB:
 * `egress-entries` (`${owner}/${seq}`: the entry), `egress-bodies` (the body of
 * each released record), `egress-state` (per owner: sizes and totals),
 * `egress-heads` (the signed head once the owner ended) and `dataset-flags`
 * (`${datasetId}/${at}/${owner}/${seq}/${i}`: what the seller is told).
 */
import type { EgressAction } from '../../policies/index.js';

export const EGRESS_ENTRIES_SUBLEVEL = 'egress-entries';
export const EGRESS_BODIES_SUBLEVEL = 'egress-bodies';
export const EGRESS_STATE_SUBLEVEL = 'egress-state';
export const EGRESS_HEADS_SUBLEVEL = 'egress-heads';
export const DATASET_FLAGS_SUBLEVEL = 'dataset-flags';

/** The label the gateway signs an egress head under. */
export const EGRESS_HEAD_LABEL = 'sealgate/v1/egress-head';

/** A refused line's reason (the supervisor's, docs/egress-protocol.md section 3). */
export type RefusedReason = 'free-text' | 'undeclared-metric' | 'malformed' | 'overlong';

/** One egress record's body: the record without its seq. */
export type EgressBody =
  | { readonly channel: 'metrics'; readonly metric: string; readonly step: number; readonly value: number }
  | { readonly channel: 'logs'; readonly text: string }
  | { readonly channel: 'refused'; readonly reason: RefusedReason; readonly bytes: number }
  | { readonly channel: 'answers'; readonly index: number; readonly value: number | null };

/** One egress record as a node posts it (answers come from the answers route). */
export type EgressInput = EgressBody & { readonly seq: number };

/** The rules a record can break: the keys of `policy.actions`, and `hold` (docs/guard.md). */
export type GuardRule = PolicyRule | 'hold';

/** The rules whose action the egress policy sets. */
export type PolicyRule = 'schema' | 'budget' | 'exact' | 'canary' | 'nearFlag' | 'nearBlock';

/** One broken rule of a record and what it asked for. */
export interface EgressFlag {
  readonly rule: GuardRule;
  readonly action: EgressAction;
  /** Hex keyed hash of what matched (matching rules only): never plaintext. */
  readonly token?: string;
  readonly decoder?: string;
  readonly jaccard?: number;
  /** The records a match spans when they are more than this one (a split record). */
  readonly seqs?: readonly number[];
}

/** What the guard did with a record: the strictest action of its flags, or pass. */
export type Verdict = 'pass' | 'flag' | 'drop' | 'stop';

/** A leaf of the egress log (RFC 6962 over JCS of this). */
export interface EgressEntry {
  readonly seq: number;
  readonly channel: EgressBody['channel'];
  readonly bytes: number;
  /** `sha256:` of JCS(body). */
  readonly bodyDigest: string;
  readonly verdict: Verdict;
  readonly flags: readonly EgressFlag[];
}

/** The head of an ended log: signed over domainSeparated(EGRESS_HEAD_LABEL, JCS(head)). */
export interface EgressHead {
  /** The run id or inference id. */
  readonly owner: string;
  readonly size: number;
  /** The RFC 6962 root, standard base64. */
  readonly root: string;
  /** The bytes of every record logged. */
  readonly bytes: number;
  /** How many records carry a flag. */
  readonly flagged: number;
  readonly closedAt: string;
}

/** A head with the gateway's signature (standard base64) and the key that made it. */
export interface SignedEgressHead {
  readonly head: EgressHead;
  readonly signature: string;
  readonly keyId: string;
}

/**
 * A record the guard holds back while the scanner has a match open over it
 * (docs/guard.md, "Holding back a partial match"): not logged, not released,
 * kept in the owner's state (so a restart loses none) until the match
 * completes or fails. `flags` are its own (schema, budget) and those of any
 * finding that spans it.
 */
export interface HeldRecord {
  readonly seq: number;
  readonly body: EgressBody;
  readonly bytes: number;
  readonly flags: readonly EgressFlag[];
}

/** An owner's running totals, stored with every post. */
export interface EgressState {
  readonly owner: string;
  readonly runId: string;
  readonly datasetId: string;
  /** Entries in the log (= the next seq). */
  readonly size: number;
  /** Bytes of every record logged. */
  readonly bytes: number;
  /** Bytes released (pass or flag): what the budget counts. */
  readonly released: number;
  readonly flagged: number;
  /** Records received after the log's last entry and held back, in seq order (the next seq is size + held.length). */
  readonly held?: readonly HeldRecord[];
}

/** A flag as the dataset's seller sees it. */
export interface DatasetFlag {
  readonly runId: string;
  /** Set for a flag raised on a sealed inference's answers. */
  readonly inferenceId?: string;
  readonly seq: number;
  readonly rule: GuardRule;
  readonly action: EgressAction;
  readonly token?: string;
  readonly at: string;
}

/** `${owner}/${seq}` with the seq padded so that keys sort in seq order. */
export function entryKey(owner: string, seq: number): string {
  return `${owner}/${String(seq).padStart(10, '0')}`;
}

/** The body of a record: everything but its seq. */
export function bodyOf(input: EgressInput): EgressBody {
  const { seq, ...body } = input;
  void seq;
  return body;
}
