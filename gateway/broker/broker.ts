/**
 * The key broker (DESIGN.md 5 step 6, §6.4; docs/node-protocol.md §3): hands
 * a node a single-use nonce for its job, then runs a release attempt in
 * exactly the protocol's order — parse, the subject, nonce, inspect, evidence
 * rules, dataset policy, then the grant — and wraps the key to the
 * container's ephemeral key. Every attempt, refused or not, appends one
 * release record (never a key) in the same batch as the use of its nonce.
 * This file owns the order of the steps and the store lock; the steps live
 * in subject.ts, nonces.ts, judge.ts, grant.ts (with rewrap.ts and
 * custody.ts) and refusal.ts, the attempt's record and batch in attempt.ts.
 */
import type { BoxKeyPair, VerifiedNodeCertificate } from '../../attest/index.js';
import { isSealgateError, measurementDigest } from '../../attest/index.js';
import type { RunStateEvent } from '../runs/events.js';
import type { RunService } from '../runs/service.js';
import type { Store } from '../store/index.js';
import { ReleaseAttempt } from './attempt.js';
import type { BrokerStandards } from './checks.js';
import { inspectConfigDigest } from './checks.js';
import { SellerCustody, startRun } from './custody.js';
import type { ReleaseResult } from './grant.js';
import { grantRelease } from './grant.js';
import { auditBinds, judgeAttempt, parseReleaseEvidence } from './judge.js';
import type { IssuedNonce } from './nonces.js';
import { NonceService } from './nonces.js';
import type { ReleasePurpose } from './records.js';
import type { ReleaseSubject } from './subject.js';
import { loadSubject } from './subject.js';
import type { EconomicsParameters } from '../../policies/index.js';
import { recordRefusal } from './refusal.js';

/** What a node sends with its evidence (the route's body, still untrusted inside). */
export interface ReleaseRequest {
  readonly jobId: string;
  readonly evidence: unknown;
  readonly inspect: unknown;
}

/** What the broker is made of. */
export interface KeyBrokerDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly runs: RunService;
  /** The broker's X25519 key pair (gateway identity). */
  readonly key: BoxKeyPair;
  readonly standards: BrokerStandards;
  readonly nonceTtlSeconds: number;
  /** When given, evidence judged false proposes a forged-evidence penalty on the node. */
  readonly economics?: EconomicsParameters;
}

// A run still placed moves to sealing under the lock; its state event goes out after it.
type Sealing = { event?: RunStateEvent };

export class KeyBroker {
  readonly nonces: NonceService;
  readonly custody: SellerCustody;
  readonly #d: KeyBrokerDeps;

  constructor(deps: KeyBrokerDeps) {
    this.#d = deps;
    this.nonces = new NonceService(deps.store, deps.now, deps.nonceTtlSeconds);
    this.custody = new SellerCustody(deps.store, deps.now, deps.runs);
  }

  /**
   * A nonce for `node`'s job `jobId` of run `runId` (node-protocol §3.1); the
   * first nonce of a train job moves its run placed -> sealing.
   */
  async issueNonce(node: VerifiedNodeCertificate, runId: string, jobId: string): Promise<IssuedNonce> {
    const subject = await loadSubject(this.#d.store, node, runId, jobId);
    const binds = auditBinds(subject);
    const issued = await this.nonces.issue(runId, jobId, {
      nodeId: node.nodeId,
      ...(binds === undefined ? {} : { binds }),
    });
    if (subject.purpose === 'data' && subject.run.state === 'placed')
      await this.#d.runs.transition(runId, 'seal');
    return issued;
  }

  /**
   * The nonce handed out with a job (node-protocol §3.1, docs/sealing-figures.md):
   * issued by the jobs route right after the scheduler assigned `job` to
   * `nodeId`, bound to the run, the job and the node (an audit's also to its two
   * ciphertexts), with the same TTL as a requested one. The node can then send
   * its evidence as soon as the container says hello, in one round trip. It
   * moves no run: the evidence does (placed -> sealing), as the nonce route did.
   */
  async issueJobNonce(
    nodeId: string,
    job: {
      readonly kind: string;
      readonly runId: string;
      readonly jobId: string;
      readonly data: { readonly digest: string };
      readonly modelBlob?: { readonly digest: string };
    },
  ): Promise<IssuedNonce & { readonly ttlSeconds: number }> {
    const binds = job.kind === 'audit' ? [job.data.digest, job.modelBlob?.digest ?? ''] : undefined;
    const issued = await this.nonces.issue(job.runId, job.jobId, {
      nodeId,
      ...(binds === undefined ? {} : { binds }),
    });
    return { ...issued, ttlSeconds: this.nonces.ttlSeconds };
  }

  /**
   * Judge `node`'s evidence for run `runId` and release the key (node-protocol
   * §3.2). Throws the failed rule's BrokerError or EvidenceError after
   * recording the refusal. A released data key moves the run sealing ->
   * running right after the release is written (RunService takes its own
   * batch; the transition is idempotent, see docs/broker.md).
   */
  async release(
    node: VerifiedNodeCertificate,
    runId: string,
    request: ReleaseRequest,
  ): Promise<ReleaseResult> {
    // A run still placed (its nonce came with the job) moves to sealing under the lock; its
    // state event goes out once the lock is released, refused or not.
    const sealing: Sealing = {};
    let locked: { result: ReleaseResult; purpose: ReleasePurpose };
    try {
      locked = await this.#d.store.exclusive(() => this.#releaseLocked(node, runId, request, sealing));
    } finally {
      if (sealing.event) this.#d.runs.events.publish(runId, sealing.event);
    }
    const { result, purpose } = locked;
    if (result.status === 'released' && purpose === 'data')
      await startRun(this.#d.runs, runId, { store: this.#d.store, jobId: request.jobId }); // + deployment
    return result;
  }

  // One attempt under the store lock (docs/broker.md, "What it does, in order"): the untrusted
  // inputs parsed, the subject loaded, the nonce spent, the evidence judged, the key granted. A
  // refusal (any SealgateError) writes the attempt's batch with its refused record and rethrows.
  async #releaseLocked(
    node: VerifiedNodeCertificate,
    runId: string,
    request: ReleaseRequest,
    sealing: Sealing,
  ): Promise<{ result: ReleaseResult; purpose: ReleasePurpose }> {
    const { store, standards } = this.#d;
    const attempt = new ReleaseAttempt(store, node, runId, request.jobId, this.#d.now());
    try {
      const evidence = parseReleaseEvidence(request.evidence);
      const digest = measurementDigest(evidence.body.measurement);
      attempt.measured(digest);
      const configDigest = inspectConfigDigest(request.inspect);
      const subject = await this.#loadSubjectLocked(attempt, sealing);
      const nonce = await this.nonces.checkLocked(evidence.body.nonce, runId, request.jobId, node.nodeId);
      attempt.ops.push(nonce.useOp); // spent from here on, whatever the verdict
      const { inspect } = request;
      const judged = await judgeAttempt(
        { evidence, inspect, configDigest, subject, node, runId, nonce, at: attempt.at },
        standards,
      );
      const result = await grantRelease(attempt, {
        store,
        brokerKey: this.#d.key,
        custody: this.custody,
        subject,
        evidence,
        inspect,
        judged,
        measurementDigest: digest,
      });
      return { result, purpose: subject.purpose };
    } catch (err) {
      if (!isSealgateError(err)) throw err;
      await recordRefusal(store, attempt, err, this.#d.economics);
      await attempt.write();
      throw err;
    }
  }

  // The job, node, run and dataset the attempt is about; a train run still placed (its nonce came
  // with the job) moves to sealing, as the nonce route does for a nonce asked for.
  async #loadSubjectLocked(attempt: ReleaseAttempt, sealing: Sealing): Promise<ReleaseSubject> {
    const subject = await loadSubject(this.#d.store, attempt.node, attempt.runId, attempt.jobId);
    attempt.about(subject);
    if (subject.purpose === 'data' && subject.run.state === 'placed') {
      const moved = await this.#d.runs.transitionLocked(attempt.runId, 'seal');
      if (moved.published) sealing.event = moved.published;
    }
    return subject;
  }
}
