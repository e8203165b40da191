/**
 * What the guard is built from, and what it keeps per owner (a run or a
 * sealed inference) between posts (docs/guard.md, "Scanner state" and "Log
 * storage"): the owner's totals and held records as the log stored them (a
 * fresh state before its first record), the dataset whose egress policy
 * applies, the check that a post continues the log, and the owner's stateful
 * scanner, which lives in memory only.
 */
import type { EgressPolicy } from '../../policies/index.js';
import type { DatasetRecord } from '../datasets/record.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import { RunError } from '../runs/errors.js';
import type { RunRecord } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import { GuardError } from './errors.js';
import type { EgressLog } from './log.js';
import type { EgressState } from './records.js';
import type { EgressScanner, Finding, ScannerSource } from './scanner.js';

/** What the guard is built from. */
export interface GuardDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly log: EgressLog;
  readonly scanners: ScannerSource;
  readonly now: () => Date;
}

/** A dataset as the guard reads it: its listing with the egress policy. */
export type GuardedDataset = DatasetRecord & { policy: { egress: EgressPolicy } };

/** The dataset `id`; RUN_DATASET_NOT_FOUND when it is not listed. */
export async function guardedDataset(store: Store, id: string): Promise<GuardedDataset> {
  const dataset = await store.get<DatasetRecord>(store.sublevel(DATASETS_SUBLEVEL), id);
  if (!dataset) throw new RunError('RUN_DATASET_NOT_FOUND', `no dataset ${id}`);
  return dataset;
}

/** True while `run` may still post egress (docs/egress-protocol.md section 4). */
export function takesEgress(run: RunRecord): boolean {
  return run.state === 'running' || run.state === 'sealing-output';
}

/** The stored state of `owner`, or the empty one of an owner that has logged nothing yet. */
export async function ownerState(
  log: EgressLog,
  owner: string,
  runId: string,
  datasetId: string,
): Promise<EgressState> {
  return (await log.state(owner)) ?? { owner, runId, datasetId, size: 0, bytes: 0, released: 0, flagged: 0 };
}

/** The seq the owner's next record must carry: after its log and the records it holds back. */
export function nextSeq(state: EgressState): number {
  return state.size + (state.held?.length ?? 0);
}

/** Checks that `records` continue the log at `size`, one seq after another. */
export function checkSeqs(records: readonly { seq: number }[], size: number): void {
  records.forEach((r, i) => {
    const expected = size + i;
    if (r.seq < expected)
      throw new GuardError('GUARD_SEQ_REPEAT', `seq ${r.seq} is already logged (next ${expected})`);
    if (r.seq > expected)
      throw new GuardError('GUARD_SEQ_GAP', `seq ${r.seq} leaves a gap (next ${expected})`);
  });
}

/**
 * The scanner of each open owner, made on its first record from the
 * dataset's index; its stream state is in memory only, so after a restart an
 * owner's scanner starts afresh (docs/guard.md, "Scanner state").
 */
export class OwnerScanners {
  readonly #open = new Map<string, EgressScanner | undefined>();

  constructor(private readonly source: ScannerSource) {}

  /** The owner's scanner (undefined when the dataset has no index); GUARD_INDEX_UNAVAILABLE when it does not load. */
  async of(owner: string, dataset: DatasetRecord): Promise<EgressScanner | undefined> {
    if (!this.#open.has(owner)) {
      try {
        this.#open.set(owner, await this.source(dataset));
      } catch (cause) {
        throw new GuardError('GUARD_INDEX_UNAVAILABLE', 'the dataset’s fingerprint index does not load', {
          cause,
        });
      }
    }
    return this.#open.get(owner);
  }

  /** Forget the owner's scanner; the findings its tail still held (none when it had no scanner). */
  end(owner: string): Finding[] {
    const scanner = this.#open.get(owner);
    this.#open.delete(owner);
    return scanner?.end() ?? [];
  }
}
