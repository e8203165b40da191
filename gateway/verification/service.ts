/**
 * Verifications (docs/verification.md): the dataset's seller asks for one on
 * an ended run; the gateway assembles the report in the background (the
 * audit runs a sealed container, so it takes a while), signs it with its key
 * and keeps it in sublevel `verifications`. A verification left pending by a
 * restart is assembled again when it is next read. Anyone else, and any id
 * that does not exist, gets the same VERIFICATION_FORBIDDEN.
 */
import type { Report, VerifierRegistry } from '../../attest/index.js';
import { bytesToBase64, isSealgateError, judgeAndSignReport } from '../../attest/index.js';
import type { SandboxProfile } from '../../policies/index.js';
import { auditPage } from '../broker/audit.js';
import type { ReleaseRecord } from '../broker/records.js';
import type { Identity } from '../identity.js';
import { newId } from '../ids.js';
import { isFinal } from '../runs/machine.js';
import type { RunRecord } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { assembleBody, dataRelease } from './assemble.js';
import { VerificationError } from './errors.js';
import { loadKeptEvidence } from './kept-evidence.js';
import type { AuditSource, EgressLogSource } from './sources.js';

export const VERIFICATIONS_SUBLEVEL = 'verifications';

/** A stored verification. */
export interface VerificationRecord {
  readonly id: string;
  readonly runId: string;
  readonly seller: string;
  readonly status: 'pending' | 'done' | 'failed';
  readonly report?: Report;
  readonly error?: { readonly code: string; readonly message: string };
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What the service is made of. */
export interface VerificationDeps {
  readonly store: Store;
  readonly runs: RunService;
  readonly now: () => Date;
  /** The gateway's signing identity (identity.gateway). */
  readonly signer: Identity;
  readonly profile: SandboxProfile;
  /** The evidence tiers the broker allows, to re-judge kept evidence by (default: software only). */
  readonly verifiers?: VerifierRegistry;
  readonly egress: EgressLogSource;
  readonly audit: AuditSource;
}

const forbidden = () =>
  new VerificationError('VERIFICATION_FORBIDDEN', "only the dataset's seller may verify this run");

export class VerificationService {
  readonly #d: VerificationDeps;
  readonly #tasks = new Map<string, Promise<void>>();

  constructor(deps: VerificationDeps) {
    this.#d = deps;
  }

  /** Start a verification of run `runId` for `seller`; returns its id. */
  async request(seller: string, runId: string): Promise<string> {
    const run = await this.#runFor(seller, runId);
    if (!isFinal(run.state))
      throw new VerificationError('VERIFICATION_RUN_ACTIVE', `run ${runId} has not ended (${run.state})`);
    const at = this.#d.now();
    const record: VerificationRecord = {
      id: newId('ver', at),
      runId,
      seller,
      status: 'pending',
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    await this.#save(record);
    this.#start(record);
    return record.id;
  }

  /** Verification `id`, if `seller` asked for it. */
  async get(seller: string, id: string): Promise<VerificationRecord> {
    const record = await this.#d.store.get<VerificationRecord>(
      this.#d.store.sublevel(VERIFICATIONS_SUBLEVEL),
      id,
    );
    if (record?.seller !== seller) throw forbidden();
    if (record.status === 'pending') this.#start(record);
    return record;
  }

  /** Wait for the verifications being assembled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks.values()]);
  }

  async #runFor(seller: string, runId: string): Promise<RunRecord> {
    let run: RunRecord;
    try {
      run = await this.#d.runs.get(runId);
    } catch (err) {
      if (isSealgateError(err, 'RUN_NOT_FOUND')) throw forbidden();
      throw err;
    }
    if (run.seller !== seller) throw forbidden();
    return run;
  }

  #save(record: VerificationRecord): Promise<void> {
    const { store } = this.#d;
    return store.exclusive(() =>
      store.write([put(store.sublevel(VERIFICATIONS_SUBLEVEL), record.id, record)]),
    );
  }

  #start(record: VerificationRecord): void {
    if (this.#tasks.has(record.id)) return;
    const task = this.#assemble(record)
      .then(
        (report) => ({ ...record, status: 'done' as const, report }),
        (err: unknown) => ({
          ...record,
          status: 'failed' as const,
          error: isSealgateError(err)
            ? { code: err.code, message: err.message }
            : { code: 'VERIFICATION_FAILED', message: 'the report could not be assembled' },
        }),
      )
      .then((done) => this.#save({ ...done, updatedAt: this.#d.now().toISOString() }))
      .catch(() => undefined) // a failed write leaves it pending: the next read starts it again
      .finally(() => this.#tasks.delete(record.id));
    this.#tasks.set(record.id, task);
  }

  async #releases(runId: string): Promise<ReleaseRecord[]> {
    const out: ReleaseRecord[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await auditPage(this.#d.store, 500, cursor, runId);
      out.push(...page.items);
      if (page.next === null) return out.reverse();
      cursor = page.next;
    }
  }

  async #assemble(record: VerificationRecord): Promise<Report> {
    const d = this.#d;
    const run = await d.runs.get(record.runId);
    const releases = await this.#releases(run.id);
    const keptId = dataRelease(releases);
    const [kept, egress, rescan, audit] = await Promise.all([
      keptId === undefined ? undefined : loadKeptEvidence(d.store, keptId),
      d.egress.closedLog(run.id),
      d.egress.rescan(run.id, run.dataset),
      d.audit.audit(run.id, record.id),
    ]);
    const body = await assembleBody({
      run,
      releases,
      kept,
      profile: d.profile,
      ...(d.verifiers !== undefined ? { verifiers: d.verifiers } : {}),
      egress,
      rescan,
      audit,
      gateway: { keyId: d.signer.keyId, publicKey: bytesToBase64(d.signer.keyPair.publicKey) },
      now: d.now(),
    });
    return judgeAndSignReport(body, d.signer.keyPair.secretKey);
  }
}
