/**
 * Granting a release whose evidence passed every rule (docs/broker.md step 7,
 * "Seller custody"; docs/audit.md): the evidence kept for verification
 * reports, then one of three answers, each written in the attempt's one batch
 * with its release record — a seller-custody data key parked for the seller
 * (`pending`), an audit's two keys rewrapped (`released`), or one key
 * rewrapped (`released`). Changes when what a granted release writes or
 * answers does.
 */
import type { BoxKeyPair, Evidence } from '../../attest/index.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
// the evidence kept for verification reports
import { keepEvidenceOp } from '../verification/kept-evidence.js';
import type { ReleaseAttempt } from './attempt.js';
import type { SellerCustody } from './custody.js';
import { BrokerError } from './errors.js';
import type { JudgedAttempt } from './judge.js';
import { rewrapKey } from './rewrap.js';
import type { ReleaseSubject } from './subject.js';

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

/** What granting needs besides the attempt: the judged release and the broker's parts. */
export interface Grant {
  readonly store: Store;
  readonly brokerKey: BoxKeyPair;
  readonly custody: SellerCustody;
  readonly subject: ReleaseSubject;
  readonly evidence: Evidence;
  /** The inspect document as sent, kept with the evidence. */
  readonly inspect: unknown;
  readonly judged: JudgedAttempt;
  readonly measurementDigest: string;
}

/**
 * Grant `attempt` and write its batch. KEY_RELEASE_KEY_UNAVAILABLE for an audit
 * whose data key the seller holds (before anything is added to the batch), or
 * {@link rewrapKey}'s refusals (after the kept evidence was added: a refusal's
 * batch then keeps it too).
 */
export async function grantRelease(attempt: ReleaseAttempt, g: Grant): Promise<ReleaseResult> {
  const { subject, evidence, judged } = g;
  const { at } = attempt;
  const id = newId('rel', at);
  if (subject.purpose === 'audit' && subject.dataset.key.custody === 'seller') {
    throw new BrokerError(
      'key',
      'KEY_RELEASE_KEY_UNAVAILABLE',
      'an audit needs the data key in broker custody',
    );
  }
  attempt.ops.push(keepEvidenceOp(g.store, id, attempt.node, evidence, g.inspect, judged.x, at));
  const { judgements } = judged;
  if (subject.purpose === 'data' && subject.dataset.key.custody === 'seller') {
    attempt.ops.push(attempt.record({ id, outcome: 'pending', judgements }));
    attempt.ops.push(
      ...g.custody.waitOps(id, subject, attempt.node, evidence, g.inspect, judged.x, g.measurementDigest, at),
    );
    await attempt.write();
    return { status: 'pending', releaseId: id };
  }
  if (subject.purpose === 'audit') {
    // One attestation, two keys: the canary set's data key and the sealed model's key (docs/audit.md).
    const data = await rewrapKey(g.brokerKey, subject, evidence, 'data');
    const model = await rewrapKey(g.brokerKey, subject, evidence, 'model');
    attempt.ops.push(
      attempt.record({ id, outcome: 'released', judgements, keyId: data.keyId, modelKeyId: model.keyId }),
    );
    await attempt.write();
    return {
      status: 'released',
      releaseId: id,
      ...data,
      modelWrappedKey: model.wrappedKey,
      modelKeyId: model.keyId,
    };
  }
  const { wrappedKey, keyId } = await rewrapKey(g.brokerKey, subject, evidence, subject.purpose);
  attempt.ops.push(attempt.record({ id, outcome: 'released', judgements, keyId }));
  await attempt.write();
  return { status: 'released', releaseId: id, wrappedKey, keyId };
}
