/**
 * One key-release attempt's audit context (docs/broker.md, "The audit log"):
 * who asked about which run and job, and when, what the attempt has learnt so
 * far (the evidence's measurement digest, then the key's purpose, dataset and
 * the run's buyer), and the batch it will write. Every attempt, refused or
 * not, ends in exactly one write of that batch: the nonce's use, the release
 * record and whatever goes with them are one atomic change.
 */
import type { VerifiedNodeCertificate } from '../../attest/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import type { ReleasePurpose, ReleaseRecord } from './records.js';
import { RELEASES_SUBLEVEL } from './records.js';
import type { ReleaseSubject } from './subject.js';

/** The fields a release record of this attempt sets itself. */
export type AttemptRecordFields = Partial<ReleaseRecord> & Pick<ReleaseRecord, 'id' | 'outcome'>;

/** A release attempt under the store's lock: its audit fields and its pending batch. */
export class ReleaseAttempt {
  /** The ops this attempt writes in its one batch, in order. */
  readonly ops: BatchOp[] = [];
  readonly #store: Store;
  readonly #base: Pick<ReleaseRecord, 'runId' | 'jobId' | 'nodeId' | 'at'>;
  #purpose: ReleasePurpose = 'data';
  #dataset: string | undefined;
  #measurementDigest: string | undefined;
  #harmed: string | undefined;

  constructor(
    store: Store,
    readonly node: VerifiedNodeCertificate,
    readonly runId: string,
    readonly jobId: string,
    /** When the attempt is judged: its records' time and the clock its rules read. */
    readonly at: Date,
  ) {
    this.#store = store;
    this.#base = { runId, jobId, nodeId: node.nodeId, at: at.toISOString() };
  }

  /** The buyer a forged-evidence penalty would pay, once the run is known. */
  get harmed(): string | undefined {
    return this.#harmed;
  }

  /** The evidence parsed: its records carry its measurement digest from now on. */
  measured(digest: string): void {
    this.#measurementDigest = digest;
  }

  /** The subject loaded: its records carry the key's purpose and dataset from now on. */
  about(subject: ReleaseSubject): void {
    this.#harmed = subject.run.buyer;
    this.#purpose = subject.purpose;
    this.#dataset = subject.dataset.id;
  }

  /**
   * The op that appends this attempt's release record (sublevel `releases`):
   * `fields` over the attempt's own, with the dataset and the measurement
   * digest when known. Never a key.
   */
  record(fields: AttemptRecordFields): BatchOp {
    const r: ReleaseRecord = { ...this.#base, purpose: this.#purpose, judgements: [], ...fields };
    const full = {
      ...r,
      ...(this.#dataset ? { dataset: this.#dataset } : {}),
      ...(this.#measurementDigest ? { measurementDigest: this.#measurementDigest } : {}),
    };
    return put(this.#store.sublevel(RELEASES_SUBLEVEL), r.id, full);
  }

  /** Write the attempt's batch (once, at its end). */
  async write(): Promise<void> {
    await this.#store.write(this.ops);
  }
}
