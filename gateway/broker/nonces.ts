/**
 * The broker's single-use challenges (docs/node-protocol.md §3.1): a random
 * nonce bound to one run and one job, with a short TTL, kept in LevelDB so
 * that single use holds across a restart. Checking a nonce yields the batch
 * operation that marks it used; the broker writes it in the same batch as the
 * release record of that attempt, so an attempt and its nonce's use are one
 * atomic change.
 */
import { constantTimeEqualText, randomNonce } from '../../attest/index.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import { BrokerError } from './errors.js';
import type { NonceRecord } from './records.js';
import { NONCES_SUBLEVEL } from './records.js';

/** A nonce handed to a node. */
export interface IssuedNonce {
  readonly nonce: string;
  readonly expiresAt: string;
}

/** What a nonce is bound to besides its run and job. */
export interface NonceBinding {
  /** The node it is issued to: the evidence must come from that node (NONCE_WRONG_NODE). */
  readonly nodeId: string;
  /** Audit jobs: the ciphertext digests it stands for (KEY_RELEASE_BINDS, broker.ts). */
  readonly binds?: readonly string[];
}

/** A nonce that passed its checks, and the operation that uses it up. */
export interface CheckedNonce {
  readonly record: NonceRecord;
  readonly useOp: BatchOp;
}

export class NonceService {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #ttlSeconds: number;

  constructor(store: Store, now: () => Date, ttlSeconds: number) {
    this.#store = store;
    this.#now = now;
    this.#ttlSeconds = ttlSeconds;
  }

  /** The TTL nonces are issued with, seconds. */
  get ttlSeconds(): number {
    return this.#ttlSeconds;
  }

  /** Issue a fresh nonce for `runId`/`jobId` of `bound.nodeId` (32 random bytes, base64url), valid for the TTL. */
  async issue(runId: string, jobId: string, bound: NonceBinding): Promise<IssuedNonce> {
    const { binds, nodeId } = bound;
    const nonce = randomNonce(32);
    const now = this.#now();
    const record: NonceRecord = {
      runId,
      jobId,
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#ttlSeconds * 1000).toISOString(),
      nodeId,
      ...(binds === undefined ? {} : { binds: [...binds] }),
    };
    await this.#store.exclusive(() =>
      this.#store.write([put(this.#store.sublevel(NONCES_SUBLEVEL), nonce, record)]),
    );
    return { nonce, expiresAt: record.expiresAt };
  }

  /**
   * Check `nonce` for `runId`/`jobId` of `nodeId` with the store's lock held:
   * NONCE_UNKNOWN, NONCE_REPLAYED (already used), NONCE_WRONG_RUN (issued for
   * another run or job; left unused), NONCE_WRONG_NODE (issued to another node;
   * left unused), NONCE_EXPIRED. Returns the op that marks it used.
   */
  async checkLocked(nonce: string, runId: string, jobId: string, nodeId: string): Promise<CheckedNonce> {
    const sub = this.#store.sublevel(NONCES_SUBLEVEL);
    const record = await this.#store.get<NonceRecord>(sub, nonce);
    if (record === undefined)
      throw new BrokerError('nonce', 'NONCE_UNKNOWN', 'the gateway never issued this nonce');
    if (record.usedAt !== undefined)
      throw new BrokerError('nonce', 'NONCE_REPLAYED', 'the nonce was already used');
    const runOk = constantTimeEqualText(record.runId, runId);
    const jobOk = constantTimeEqualText(record.jobId, jobId);
    if (!runOk || !jobOk) {
      throw new BrokerError('nonce', 'NONCE_WRONG_RUN', 'the nonce was issued for another run or job');
    }
    if (record.nodeId !== undefined && !constantTimeEqualText(record.nodeId, nodeId)) {
      throw new BrokerError('nonce', 'NONCE_WRONG_NODE', 'the nonce was issued to another node');
    }
    const now = this.#now();
    if (now.getTime() > Date.parse(record.expiresAt)) {
      throw new BrokerError('nonce', 'NONCE_EXPIRED', `the nonce expired at ${record.expiresAt}`);
    }
    return { record, useOp: put(sub, nonce, { ...record, usedAt: now.toISOString() }) };
  }

  /** Delete nonces that expired more than `graceSeconds` ago; returns how many. */
  async prune(graceSeconds = 3600): Promise<number> {
    const sub = this.#store.sublevel(NONCES_SUBLEVEL);
    const cutoff = this.#now().getTime() - graceSeconds * 1000;
    return this.#store.exclusive(async () => {
      const ops: BatchOp[] = [];
      for await (const [key, value] of sub.iterator()) {
        if (Date.parse((value as NonceRecord).expiresAt) < cutoff)
          ops.push({ type: 'del', sublevel: sub, key });
      }
      await this.#store.write(ops);
      return ops.length;
    });
  }
}
