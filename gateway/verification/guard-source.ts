/**
 * The EgressLogSource over the guard (gateway/guard): the run's
 * signed head (signed now if the run ended without one), every flagged entry
 * with its inclusion proof against that head, and a fresh re-scan of every
 * released body with the dataset's current index (a new scanner over the
 * stream, in seq order, as the guard scanned it).
 */
import type { RescanFinding } from '../../attest/index.js';
import type { DatasetCatalog } from '../datasets/catalog.js';
import type { EgressGuard, EgressLog, ScannerSource } from '../guard/index.js';
import { piecesOf } from '../guard/index.js';
import type { ClosedEgressLog, EgressLogSource, Rescan } from './sources.js';

/** What {@link guardEgressLogs} reads. */
export interface GuardSourceDeps {
  readonly guard: EgressGuard;
  /** The same EgressLog instance the guard writes (it caches each owner's tree). */
  readonly log: EgressLog;
  readonly scanners: ScannerSource;
  readonly datasets: DatasetCatalog;
  readonly now: () => Date;
}

/** The guard's logs as a verification reads them. */
export function guardEgressLogs(d: GuardSourceDeps): EgressLogSource {
  return {
    async closedLog(runId: string): Promise<ClosedEgressLog | null> {
      // A run's head is stored, signed now, or GUARD_LOG_OPEN / RUN_NOT_FOUND (gateway/guard/close.ts).
      const signed = await d.guard.head(runId);
      const { head } = signed;
      const entries = await d.log.entries(runId, 0, head.size);
      const flagged = [];
      for (const entry of entries) {
        if (entry.flags.length === 0) continue;
        const proof = await d.log.proof(runId, entry.seq, head.size);
        flagged.push({
          entry: {
            ...entry,
            flags: entry.flags.map(({ seqs, ...f }) => ({
              ...f,
              ...(seqs === undefined ? {} : { seqs: [...seqs] }),
            })),
          },
          proof,
        });
      }
      return { head, headSignature: signed.signature, flagged };
    },

    async rescan(runId: string, datasetId: string): Promise<Rescan> {
      const scanner = await d.scanners(await d.datasets.get(datasetId));
      if (scanner === undefined) return { skipped: 'the dataset has no fingerprint index' };
      const at = d.now().toISOString();
      const bodies = (await d.log.bodies(runId)).sort((a, b) => a.seq - b.seq);
      const found = bodies.flatMap(({ seq, body }) => piecesOf(seq, body).flatMap((p) => scanner.push(p)));
      found.push(...scanner.end());
      const flags: RescanFinding[] = found.map((f) => ({
        rule: f.rule,
        seqs: [...f.seqs],
        token: f.token,
        decoder: f.decoder,
        ...(f.jaccard === undefined ? {} : { jaccard: f.jaccard }),
      }));
      return { at, flags };
    },
  };
}
