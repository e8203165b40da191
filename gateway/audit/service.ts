/**
 * The canary audit (docs/egress-protocol.md section 5, docs/audit.md): the
 * seller of a settled run's dataset asks how much its sealed model memorised
 * the planted canaries. A node takes the audit as an `audit` job (the
 * scheduler), scores every canary with the model's `loss` entrypoint in a
 * sealed container that gets the canary set's data key and the model key after
 * one attestation, and posts the losses; the figures are computed here.
 */
import { newId } from '../ids.js';
import { claimedJob, endJobOps } from '../nodes/jobs.js';
import type { NodeRecord } from '../nodes/records.js';
import type { Scheduler } from '../nodes/scheduler.js';
import { loadModel } from '../runs/policy.js';
import type { RunRecord } from '../runs/record.js';
import type { DatasetRecord } from '../datasets/record.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { AuditError } from './errors.js';
import type { AuditRecord, CanarySet } from './record.js';
import { AUDITS_SUBLEVEL } from './record.js';
import { auditResult } from './result.js';

export interface AuditDeps {
  readonly store: Store;
  readonly scheduler: Scheduler;
  readonly now: () => Date;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const count = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;

/**
 * The listing's canary set, read structurally (the seller's
 * listing adds the field to the dataset record); undefined when it has none or it is not well formed.
 */
export function canariesOf(dataset: DatasetRecord): CanarySet | undefined {
  const c = (dataset as { canaries?: Partial<Record<keyof CanarySet, unknown>> }).canaries;
  if (c === undefined || typeof c.digest !== 'string' || !DIGEST.test(c.digest)) return undefined;
  if (!Number.isSafeInteger(c.size) || !count(c.planted) || !count(c.heldOut)) return undefined;
  return { digest: c.digest, size: c.size as number, planted: c.planted, heldOut: c.heldOut };
}

/**
 * Queue an audit of `run`'s sealed model on `dataset`'s canary set (the caller
 * checked that the account asking is the dataset's seller). Throws
 * AUDIT_RUN_NOT_SETTLED, AUDIT_NO_CANARIES, AUDIT_SELLER_CUSTODY (the broker
 * would need the seller to release the canaries' data key: not built yet),
 * AUDIT_NO_LOSS (the model declares no `loss` entrypoint).
 */
export async function startAudit(
  deps: AuditDeps,
  run: RunRecord,
  dataset: DatasetRecord,
): Promise<AuditRecord> {
  const { store } = deps;
  if (run.state !== 'settled' || !run.output || run.dataset !== dataset.id) {
    throw new AuditError('AUDIT_RUN_NOT_SETTLED', 'only a settled run with a sealed model can be audited');
  }
  const canaries = canariesOf(dataset);
  if (!canaries) throw new AuditError('AUDIT_NO_CANARIES', 'the dataset listing has no canary set');
  if (dataset.key.custody !== 'broker') {
    throw new AuditError('AUDIT_SELLER_CUSTODY', 'an audit needs the data key in broker custody');
  }
  const model = await loadModel(store, run.model);
  if (!model.descriptor.entrypoints.loss) {
    throw new AuditError('AUDIT_NO_LOSS', 'the model declares no loss entrypoint');
  }
  const at = deps.now().toISOString();
  const record: AuditRecord = {
    id: newId('aud', deps.now()),
    runId: run.id,
    datasetId: dataset.id,
    seller: dataset.seller,
    state: 'queued',
    canaries,
    createdAt: at,
    updatedAt: at,
  };
  await store.exclusive(() => store.write([put(store.sublevel(AUDITS_SUBLEVEL), record.id, record)]));
  deps.scheduler.enqueue(record.id);
  return record;
}

/** The audit `id` (its state and, once done, its result); AUDIT_NOT_FOUND when there is none. */
export async function auditFor(store: Store, id: string): Promise<AuditRecord> {
  const found = await store.get<AuditRecord>(store.sublevel(AUDITS_SUBLEVEL), id);
  if (!found) throw new AuditError('AUDIT_NOT_FOUND', `no audit ${id}`);
  return found;
}

/** What a node reports at the end of an audit job. */
export type AuditReport =
  | { readonly kind: 'answers'; readonly answers: readonly unknown[] }
  | { readonly kind: 'fail'; readonly code: string; readonly message: string };

/**
 * Record node `node`'s losses for (or failure of) audit `id`, with its job
 * ended, in one batch. Losses that give no figure fail the audit
 * (AUDIT_ANSWERS_INVALID in its reason) rather than the report.
 */
export async function finishAudit(
  deps: AuditDeps,
  node: NodeRecord,
  id: string,
  jobId: string,
  report: AuditReport,
): Promise<AuditRecord> {
  const { store } = deps;
  return store.exclusive(async () => {
    const job = await claimedJob(store, { jobId, nodeId: node.id, ownerId: id });
    const sub = store.sublevel(AUDITS_SUBLEVEL);
    const audit = await store.get<AuditRecord>(sub, id);
    if (audit?.state !== 'running') throw new AuditError('AUDIT_NOT_RUNNING', `${id} is not running`);
    const updatedAt = deps.now().toISOString();
    const { node: holder, ...rest } = audit;
    void holder; // a finished audit is held by no node
    let next: AuditRecord;
    if (report.kind === 'fail') {
      next = { ...rest, state: 'failed', reason: { code: report.code, message: report.message }, updatedAt };
    } else {
      try {
        next = { ...rest, state: 'done', result: auditResult(audit.canaries, report.answers), updatedAt };
      } catch (err) {
        if (!(err instanceof AuditError)) throw err;
        next = { ...rest, state: 'failed', reason: { code: err.code, message: err.message }, updatedAt };
      }
    }
    await store.write([
      put(sub, id, next),
      ...endJobOps(store, job, next.state === 'done' ? 'done' : 'failed', updatedAt),
    ]);
    return next;
  });
}
