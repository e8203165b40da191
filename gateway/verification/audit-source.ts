/**
 * The AuditSource over the canary audit (gateway/audit): start an
 * audit of the run's sealed model, wait for it to end, and return its
 * figures with the dataset policy's thresholds. A run that cannot be
 * audited (no canary set, no sealed model, seller custody), an audit that
 * failed and one that did not end in time are each `skipped`, with why.
 */
import type { AuditDeps } from '../audit/index.js';
import { AuditError, auditFor, startAudit } from '../audit/index.js';
import type { DatasetCatalog } from '../datasets/catalog.js';
import type { RunService } from '../runs/service.js';
import type { EgressPolicy } from '../../policies/index.js';
import { parseEgressPolicy } from '../../policies/index.js';
import type { AuditSource } from './sources.js';

/** What {@link gatewayAudits} needs. */
export interface AuditSourceDeps {
  readonly audit: AuditDeps;
  readonly runs: RunService;
  readonly datasets: DatasetCatalog;
  /** Between reads of the audit record (default 1 s). */
  readonly pollMs?: number;
  /** How long to wait for the audit job (default 30 minutes). */
  readonly timeoutMs?: number;
}

/** The canary audit as a verification runs it. */
export function gatewayAudits(d: AuditSourceDeps): AuditSource {
  return {
    async audit(runId) {
      const run = await d.runs.get(runId);
      const dataset = await d.datasets.get(run.dataset);
      let id: string;
      try {
        id = (await startAudit(d.audit, run, dataset)).id;
      } catch (err) {
        if (err instanceof AuditError) return { skipped: `${err.message} (${err.code})` };
        throw err;
      }
      const deadline = Date.now() + (d.timeoutMs ?? 30 * 60_000);
      for (;;) {
        const record = await auditFor(d.audit.store, id);
        if (record.state === 'done' && record.result) {
          const r = record.result;
          return {
            planted: r.planted,
            heldOut: r.heldOut,
            exposure: { ...r.exposure, perCanary: [...r.exposure.perCanary] },
            membership: { ...r.membership },
            // a listing stored before the policy had thresholds gets the defaults
            thresholds: {
              ...((dataset.policy.egress as Partial<EgressPolicy>).audit ?? parseEgressPolicy({}).audit),
            },
          };
        }
        if (record.state === 'failed')
          return {
            skipped:
              `audit ${id} failed: ${record.reason?.code ?? 'unknown'} ${record.reason?.message ?? ''}`.trim(),
          };
        if (Date.now() >= deadline) return { skipped: `audit ${id} did not end in time` };
        await new Promise((resolve) => setTimeout(resolve, d.pollMs ?? 1000));
      }
    },
  };
}
