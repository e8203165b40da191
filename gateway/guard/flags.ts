/**
 * The seller's flags (docs/egress-protocol.md section 4 step 5): every flag
 * of a logged entry, and every finding a scanner's tail still held when its
 * owner ended, is written under `dataset-flags` keyed
 * `${datasetId}/${at}/${owner}/${seq10}/${i}` (a tail's: `t${i}`; docs/guard.md,
 * "Log storage"), by keyed hash only, and read back by the seller's flags route.
 */
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import type { DatasetFlag, EgressEntry, EgressState, GuardRule } from './records.js';
import { DATASET_FLAGS_SUBLEVEL } from './records.js';
import type { Finding } from './scanner.js';

/** Whose records raised a flag: a run, or a sealed inference on a run's model. */
export interface FlagOwner {
  readonly datasetId: string;
  readonly runId: string;
  /** Set when the flags are on an inference's answers. */
  readonly inferenceId?: string;
}

/** The flag owner of a log's state: its inference when the log is not the run's own. */
export function flagOwnerOf(state: EgressState): FlagOwner {
  return {
    datasetId: state.datasetId,
    runId: state.runId,
    ...(state.owner === state.runId ? {} : { inferenceId: state.owner }),
  };
}

// The seq padded to 10 digits, so that the seller's listing (key order) is seq order within a raise.
const flagKey = (owner: FlagOwner, at: string, seq: number, i: string): string =>
  `${owner.datasetId}/${at}/${owner.inferenceId ?? owner.runId}/${String(seq).padStart(10, '0')}/${i}`;

/** The ops that tell the seller every flag of `entries`, raised `at`. */
export function entryFlagOps(
  store: Store,
  owner: FlagOwner,
  entries: readonly EgressEntry[],
  at: string,
): BatchOp[] {
  const sub = store.sublevel(DATASET_FLAGS_SUBLEVEL);
  const { runId, inferenceId } = owner;
  return entries.flatMap((entry) =>
    entry.flags.map((f, i) =>
      put(sub, flagKey(owner, at, entry.seq, String(i)), {
        runId,
        ...(inferenceId === undefined ? {} : { inferenceId }),
        seq: entry.seq,
        rule: f.rule,
        action: f.action,
        ...(f.token === undefined ? {} : { token: f.token }),
        at,
      } satisfies DatasetFlag),
    ),
  );
}

/**
 * The ops that tell the seller the findings a scanner's tail flushed when its
 * owner ended (docs/guard.md, "Scanner state"): action `flag` at the last seq
 * each spans; a near match is a `nearFlag`.
 */
export function tailFlagOps(store: Store, owner: FlagOwner, tail: readonly Finding[], at: string): BatchOp[] {
  const sub = store.sublevel(DATASET_FLAGS_SUBLEVEL);
  const { runId, inferenceId } = owner;
  const ruleOf = (f: Finding): GuardRule => (f.rule === 'near' ? 'nearFlag' : f.rule);
  return tail.map((f, i) => {
    const seq = f.seqs[f.seqs.length - 1];
    return put(sub, flagKey(owner, at, seq, `t${i}`), {
      runId,
      ...(inferenceId === undefined ? {} : { inferenceId }),
      seq,
      rule: ruleOf(f),
      action: 'flag',
      token: f.token,
      at,
    } satisfies DatasetFlag);
  });
}

/** The flags of `datasetId`'s runs and inferences, oldest first, at most `limit`. */
export async function datasetFlags(store: Store, datasetId: string, limit: number): Promise<DatasetFlag[]> {
  const sub = store.sublevel(DATASET_FLAGS_SUBLEVEL);
  return (await sub.values({ gt: `${datasetId}/`, lt: `${datasetId}/~`, limit }).all()) as DatasetFlag[];
}
