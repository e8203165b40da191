/**
 * The key broker (DESIGN.md 5 step 6, §6.4; docs/node-protocol.md §3): hands
 * a node a single-use nonce for its job, then judges the node's evidence in
 * exactly the protocol's order — parse, nonce, inspect, evidence rules,
 * dataset policy — and wraps the key to the container's ephemeral key. Every
 * attempt, refused or not, appends one release record (never a key) in the
 * same batch as the use of its nonce. Seller-custody data keys are not held
 * here: the release waits for the seller (custody.ts).
 */
import type { BoxKeyPair, Evidence, VerifiedNodeCertificate } from '../../attest/index.js';
import {
  EvidenceError,
  KeywrapError,
  base64ToBytes,
  bytesToBase64,
  constantTimeEqualText,
  isSealgateError,
  measurementDigest,
  parseEvidence,
  unwrapKeyFast,
  wrapKeyFast,
} from '../../attest/index.js';
import { newId } from '../ids.js';
import type { RunStateEvent } from '../runs/events.js';
import type { RunService } from '../runs/service.js';
import type { BatchOp, Store } from '../store/index.js';
import { put } from '../store/index.js';
import type { BrokerStandards } from './checks.js';
import {
  RefusedJudgement,
  checkInspect,
  checkPolicy,
  expectationsFor,
  inspectConfigDigest,
  judgeRelease,
} from './checks.js';
import { SellerCustody, startRun } from './custody.js';
import { BrokerError } from './errors.js';
import type { IssuedNonce } from './nonces.js';
import { NonceService } from './nonces.js';
import type { ReleasePurpose, ReleaseRecord } from './records.js';
import { RELEASES_SUBLEVEL } from './records.js';
import type { ReleaseSubject } from './subject.js';
import { loadSubject } from './subject.js';
// penalties for forged evidence (docs/bonds-and-placement.md)
import type { EconomicsParameters } from '../../policies/index.js';
import { penaltyProposalOps } from '../bonds/records.js';
// the evidence kept for verification reports
import { keepEvidenceOp } from '../verification/kept-evidence.js';

/** What a node sends with its evidence (the route's body, still untrusted inside). */
export interface ReleaseRequest {
  readonly jobId: string;
  readonly evidence: unknown;
  readonly inspect: unknown;
}

/** A release: the key sealed to the container, or a wait for the seller. */
export type ReleaseResult =
  | {
      readonly status: 'released';
      readonly releaseId: string;
      readonly wrappedKey: string;
      readonly keyId: string;
      /** Audit releases: the sealed model key, sealed to the same ephemeral key. */
      readonly modelWrappedKey?: string;
      readonly modelKeyId?: string;
    }
  | { readonly status: 'pending'; readonly releaseId: string };

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

/** Refusals that mean the node lied about its container or identity (not a stale nonce or a policy). */
export const FORGED_EVIDENCE_CODES: readonly string[] = [
  'EVIDENCE_BAD_SIGNATURE',
  'EVIDENCE_NODE_MISMATCH',
  'EVIDENCE_RUN_MISMATCH',
  'EVIDENCE_NONCE_MISMATCH',
  'EVIDENCE_MEASUREMENT_MISMATCH',
  'KEY_RELEASE_INSPECT_MISMATCH',
  'KEY_RELEASE_SANDBOX',
];

// The rule a refusal names in its audit record.
function ruleOf(err: unknown): string {
  if (err instanceof BrokerError) return err.rule;
  if (err instanceof RefusedJudgement) return err.failed.rule;
  if (err instanceof EvidenceError) return 'parse';
  return 'node';
}

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
    const sealing: { event?: RunStateEvent } = {};
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

  async #releaseLocked(
    node: VerifiedNodeCertificate,
    runId: string,
    request: ReleaseRequest,
    sealing: { event?: RunStateEvent },
  ): Promise<{ result: ReleaseResult; purpose: ReleasePurpose }> {
    const { store, standards } = this.#d;
    const at = this.#d.now();
    const ops: BatchOp[] = [];
    const audit = { runId, jobId: request.jobId, nodeId: node.nodeId, at: at.toISOString() };
    let purpose: ReleasePurpose = 'data';
    let dataset: string | undefined;
    let digest: string | undefined;
    let harmed: string | undefined; // the buyer a forged-evidence penalty pays
    const record = (fields: Partial<ReleaseRecord> & Pick<ReleaseRecord, 'id' | 'outcome'>): BatchOp => {
      const r: ReleaseRecord = { ...audit, purpose, judgements: [], ...fields };
      const full = {
        ...r,
        ...(dataset ? { dataset } : {}),
        ...(digest ? { measurementDigest: digest } : {}),
      };
      return put(store.sublevel(RELEASES_SUBLEVEL), r.id, full);
    };
    try {
      const evidence = parse(request.evidence);
      digest = measurementDigest(evidence.body.measurement);
      const configDigest = inspectConfigDigest(request.inspect);
      const subject = await loadSubject(store, node, runId, request.jobId);
      harmed = subject.run.buyer;
      purpose = subject.purpose;
      dataset = subject.dataset.id;
      if (purpose === 'data' && subject.run.state === 'placed') {
        // what the nonce route did for a nonce asked for: this node's job of this run is sealing
        const moved = await this.#d.runs.transitionLocked(runId, 'seal');
        if (moved.published) sealing.event = moved.published;
      }
      const nonce = await this.nonces.checkLocked(evidence.body.nonce, runId, request.jobId, node.nodeId);
      ops.push(nonce.useOp);
      checkBinds(nonce.record.binds, auditBinds(subject));
      checkInspect(request.inspect, configDigest, evidence, standards.profile);
      const x = expectationsFor(
        {
          nodeId: node.nodeId,
          nodePublicKey: node.nodePublicKey,
          runId,
          nonce: evidence.body.nonce,
          nonceIssuedAt: new Date(nonce.record.issuedAt),
          imageDigest: subject.job.image.digest,
          allowedImageDigests:
            subject.modelImage !== undefined
              ? [subject.modelImage]
              : subject.dataset.policy.release.allowedModels,
          minimumLevel: subject.dataset.policy.release.minTier,
          now: at,
        },
        standards,
      );
      const judgements = await judgeRelease(evidence, x, configDigest);
      if (purpose !== 'model') checkPolicy(subject.dataset.policy.release, at);
      const id = newId('rel', at);
      if (purpose === 'audit' && subject.dataset.key.custody === 'seller') {
        throw new BrokerError(
          'key',
          'KEY_RELEASE_KEY_UNAVAILABLE',
          'an audit needs the data key in broker custody',
        );
      }
      ops.push(keepEvidenceOp(store, id, node, evidence, request.inspect, x, at));
      if (purpose === 'data' && subject.dataset.key.custody === 'seller') {
        ops.push(record({ id, outcome: 'pending', judgements }));
        ops.push(...this.custody.waitOps(id, subject, node, evidence, request.inspect, x, digest, at));
        await store.write(ops);
        return { result: { status: 'pending', releaseId: id }, purpose };
      }
      if (purpose === 'audit') {
        // One attestation, two keys: the canary set's data key and the sealed model's key (docs/audit.md).
        const data = await this.#rewrap(subject, evidence, 'data');
        const model = await this.#rewrap(subject, evidence, 'model');
        ops.push(record({ id, outcome: 'released', judgements, keyId: data.keyId, modelKeyId: model.keyId }));
        await store.write(ops);
        const result = {
          status: 'released' as const,
          releaseId: id,
          ...data,
          modelWrappedKey: model.wrappedKey,
          modelKeyId: model.keyId,
        };
        return { result, purpose };
      }
      const { wrappedKey, keyId } = await this.#rewrap(subject, evidence, purpose);
      ops.push(record({ id, outcome: 'released', judgements, keyId }));
      await store.write(ops);
      return { result: { status: 'released', releaseId: id, wrappedKey, keyId }, purpose };
    } catch (err) {
      if (!isSealgateError(err)) throw err;
      const judgements = err instanceof RefusedJudgement ? err.judgements : [];
      if (this.#d.economics && harmed !== undefined && FORGED_EVIDENCE_CODES.includes(err.code))
        ops.push(
          ...(await penaltyProposalOps(
            store,
            this.#d.economics,
            {
              nodeId: node.nodeId,
              cause: 'forged-evidence',
              runId,
              jobId: request.jobId,
              buyer: harmed,
              code: err.code,
            },
            at,
          )),
        );
      ops.push(
        record({
          id: newId('rel', at),
          outcome: 'refused',
          rule: ruleOf(err),
          code: err.code,
          message: err.message,
          judgements,
        }),
      );
      await store.write(ops);
      throw err;
    }
  }

  // The key, unwrapped with the broker's key and sealed to the container's ephemeral key.
  async #rewrap(
    subject: ReleaseSubject,
    evidence: Evidence,
    which: 'data' | 'model',
  ): Promise<{ wrappedKey: string; keyId: string }> {
    const source =
      which === 'model'
        ? { wrapped: subject.run.output?.wrappedKey, keyId: subject.run.output?.keyId }
        : { wrapped: subject.dataset.key.wrapped, keyId: subject.dataset.key.keyId };
    const sealed = source.wrapped === undefined ? undefined : base64ToBytes(source.wrapped);
    if (sealed === undefined || source.keyId === undefined) {
      throw new BrokerError('key', 'KEY_RELEASE_KEY_UNAVAILABLE', 'the broker holds no key for this release');
    }
    let key: Uint8Array;
    try {
      key = await unwrapKeyFast(sealed, this.#d.key);
    } catch (err) {
      throw new BrokerError(
        'key',
        'KEY_RELEASE_KEY_UNAVAILABLE',
        'the stored key does not open with the broker key',
        {
          cause: err,
        },
      );
    }
    try {
      return {
        wrappedKey: bytesToBase64(await wrapKeyFast(key, evidence.ephemeralPublicKey)),
        keyId: source.keyId,
      };
    } catch (err) {
      if (!(err instanceof KeywrapError)) throw err;
      throw new BrokerError('ephemeral-key', 'KEY_RELEASE_WEAK_KEY', err.message, { cause: err });
    } finally {
      key.fill(0);
    }
  }
}

// Parse untrusted evidence; the failure names the rule (parse) and keeps attest's code.
function parse(input: unknown): Evidence {
  try {
    return parseEvidence(input);
  } catch (err) {
    if (!(err instanceof EvidenceError)) throw err;
    throw new EvidenceError(err.code, `rule parse: ${err.message}`, {
      cause: err,
      ...(err.path ? { path: err.path } : {}),
    });
  }
}

// An audit job's two ciphertext digests (canary set, sealed model), which its nonce stands for.
function auditBinds(subject: ReleaseSubject): readonly string[] | undefined {
  if (subject.purpose !== 'audit') return undefined;
  return [subject.job.data.digest, subject.job.modelBlob?.digest ?? ''];
}

// The nonce was issued for exactly these ciphertexts (KEY_RELEASE_BINDS otherwise).
function checkBinds(bound: readonly string[] | undefined, expected: readonly string[] | undefined): void {
  if (expected === undefined) return;
  const same =
    bound !== undefined &&
    bound.length === expected.length &&
    expected.every((d, i) => constantTimeEqualText(d, bound[i] ?? ''));
  if (!same) {
    throw new BrokerError('nonce', 'KEY_RELEASE_BINDS', 'the nonce was not issued for these ciphertexts');
  }
}
