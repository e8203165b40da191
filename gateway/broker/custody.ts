/**
 * Seller-held custody (DESIGN.md 5 step 1, docs/node-protocol.md §3.3): a
 * release whose evidence passed every rule waits here until the dataset's
 * seller checks the same evidence on their own machine and answers with the
 * DEK sealed to the container's ephemeral key, or declines. The gateway never
 * holds that key; it only passes the sealed box to the node. Each answer
 * appends a release record that refers to the pending one.
 */
import type { Evidence, EvidenceExpectations, VerifiedNodeCertificate } from '../../attest/index.js';
import { DATA_KEY_LENGTH, SEALED_BOX_OVERHEAD, base64ToBytes, bytesToBase64 } from '../../attest/index.js';
import { newId } from '../ids.js';
import { RunError } from '../runs/errors.js';
import type { RunRecord } from '../runs/record.js';
import type { RunService } from '../runs/service.js';
// the seed's deployment records
import { findJob } from '../nodes/jobs.js';
import { deploymentOp } from '../rewards/deployments.js';
import type { BatchOp, Store } from '../store/index.js';
import { del, put } from '../store/index.js';
import { BrokerError } from './errors.js';
import type { ReleaseRecord, WaitingRelease } from './records.js';
import {
  PENDING_BY_SELLER_SUBLEVEL,
  RELEASES_SUBLEVEL,
  WAITING_SUBLEVEL,
  storedExpectations,
} from './records.js';
import type { ReleaseSubject } from './subject.js';

/** Most pending releases one listing returns. */
export const PENDING_PAGE = 100;

/**
 * Move a run whose data key was released sealing -> running. Idempotent (a
 * repeat is no change); a run that ended meanwhile (a node timeout) stays ended.
 * With `deployment` the start's batch also stores the seed's
 * deployment record `{timestamp, nodeAddress, imageId}` of job `jobId`.
 */
export async function startRun(
  runs: RunService,
  runId: string,
  deployment?: { readonly store: Store; readonly jobId: string },
): Promise<void> {
  const job = deployment && (await findJob(deployment.store, deployment.jobId));
  const record =
    deployment && job
      ? (next: RunRecord) => [
          deploymentOp(deployment.store, {
            timestamp: next.updatedAt,
            nodeAddress: job.nodeId,
            imageId: job.image.digest,
            runId,
          }),
        ]
      : undefined;
  try {
    await runs.transition(runId, 'start', {}, record);
  } catch (err) {
    if (
      err instanceof RunError &&
      (err.code === 'RUN_ALREADY_FINAL' || err.code === 'RUN_INVALID_TRANSITION')
    )
      return;
    throw err;
  }
}

function pendingKey(seller: string, releaseId: string): string {
  return `${seller}!${releaseId}`;
}

export class SellerCustody {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
    private readonly runs: RunService,
  ) {}

  /** The ops that park a release `id` for the seller (written with its pending release record). */
  waitOps(
    id: string,
    subject: ReleaseSubject,
    node: VerifiedNodeCertificate,
    evidence: Evidence,
    inspect: unknown,
    x: EvidenceExpectations,
    measurementDigest: string,
    at: Date,
  ): BatchOp[] {
    const waiting: WaitingRelease = {
      releaseId: id,
      status: 'pending',
      runId: subject.run.id,
      jobId: subject.job.id,
      nodeId: node.nodeId,
      seller: subject.dataset.seller,
      dataset: subject.dataset.id,
      keyId: subject.dataset.key.keyId,
      evidence: { body: evidence.body, signature: bytesToBase64(evidence.signature) },
      inspect,
      nodePublicKey: bytesToBase64(node.nodePublicKey),
      expectations: storedExpectations(x, at),
      measurementDigest,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
    };
    return [
      put(this.store.sublevel(WAITING_SUBLEVEL), id, waiting),
      put(this.store.sublevel(PENDING_BY_SELLER_SUBLEVEL), pendingKey(waiting.seller, id), id),
    ];
  }

  /** The releases waiting for `seller`, oldest first (at most {@link PENDING_PAGE}). */
  async pendingFor(seller: string): Promise<WaitingRelease[]> {
    const prefix = pendingKey(seller, '');
    const ids = (await this.store
      .sublevel(PENDING_BY_SELLER_SUBLEVEL)
      .values({ gt: prefix, lt: `${prefix}~`, limit: PENDING_PAGE })
      .all()) as string[];
    const sub = this.store.sublevel(WAITING_SUBLEVEL);
    const out: WaitingRelease[] = [];
    for (const id of ids) {
      const w = await this.store.get<WaitingRelease>(sub, id);
      if (w?.status === 'pending') out.push(w);
    }
    return out;
  }

  /**
   * The seller approves: `wrappedKey` (base64) is the DEK sealed to the
   * container's ephemeral key. KEY_RELEASE_NOT_FOUND, KEY_RELEASE_NOT_YOUR_DATASET,
   * KEY_RELEASE_NOT_PENDING, KEY_RELEASE_BAD_WRAPPED_KEY. Moves the run to running.
   */
  async approve(seller: string, releaseId: string, wrappedKey: string): Promise<WaitingRelease> {
    const sealed = base64ToBytes(wrappedKey);
    if (sealed?.length !== SEALED_BOX_OVERHEAD + DATA_KEY_LENGTH) {
      throw new BrokerError(
        'seller',
        'KEY_RELEASE_BAD_WRAPPED_KEY',
        'wrappedKey is not a sealed data key (base64)',
      );
    }
    const done = await this.#conclude(seller, releaseId, { status: 'released', wrappedKey }, 'released');
    await startRun(this.runs, done.runId, { store: this.store, jobId: done.jobId });
    return done;
  }

  /** The seller declines: the node's poll answers KEY_RELEASE_DECLINED. */
  decline(seller: string, releaseId: string): Promise<WaitingRelease> {
    return this.#conclude(seller, releaseId, { status: 'declined' }, 'refused');
  }

  async #conclude(
    seller: string,
    releaseId: string,
    change: Pick<WaitingRelease, 'status'> & Partial<Pick<WaitingRelease, 'wrappedKey'>>,
    outcome: ReleaseRecord['outcome'],
  ): Promise<WaitingRelease> {
    return this.store.exclusive(async () => {
      const sub = this.store.sublevel(WAITING_SUBLEVEL);
      const w = await this.store.get<WaitingRelease>(sub, releaseId);
      if (w === undefined)
        throw new BrokerError('seller', 'KEY_RELEASE_NOT_FOUND', `no release ${releaseId}`);
      if (w.seller !== seller) {
        throw new BrokerError(
          'seller',
          'KEY_RELEASE_NOT_YOUR_DATASET',
          `release ${releaseId} is not on your dataset`,
        );
      }
      if (w.status !== 'pending') {
        throw new BrokerError(
          'seller',
          'KEY_RELEASE_NOT_PENDING',
          `release ${releaseId} is already ${w.status}`,
        );
      }
      const at = this.now();
      const next: WaitingRelease = { ...w, ...change, updatedAt: at.toISOString() };
      const record: ReleaseRecord = {
        id: newId('rel', at),
        runId: w.runId,
        jobId: w.jobId,
        nodeId: w.nodeId,
        purpose: 'data',
        outcome,
        dataset: w.dataset,
        judgements: [],
        measurementDigest: w.measurementDigest,
        ref: releaseId,
        at: at.toISOString(),
        ...(outcome === 'released'
          ? { keyId: w.keyId }
          : { rule: 'seller', code: 'KEY_RELEASE_DECLINED', message: 'rule seller: the seller declined' }),
      };
      await this.store.write([
        put(sub, releaseId, next),
        del(this.store.sublevel(PENDING_BY_SELLER_SUBLEVEL), pendingKey(seller, releaseId)),
        put(this.store.sublevel(RELEASES_SUBLEVEL), record.id, record),
      ]);
      return next;
    });
  }

  /**
   * A node polls its waiting release: pending, or released with the sealed
   * key; KEY_RELEASE_DECLINED when the seller declined; KEY_RELEASE_NOT_FOUND
   * for another node's release or none.
   */
  async poll(nodeId: string, releaseId: string): Promise<WaitingRelease> {
    const w = await this.store.get<WaitingRelease>(this.store.sublevel(WAITING_SUBLEVEL), releaseId);
    if (w === undefined || w.nodeId !== nodeId) {
      throw new BrokerError('release', 'KEY_RELEASE_NOT_FOUND', `no release ${releaseId} for this node`);
    }
    if (w.status === 'declined')
      throw new BrokerError('seller', 'KEY_RELEASE_DECLINED', 'the seller declined this release');
    return w;
  }
}
