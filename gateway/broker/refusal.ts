/**
 * What a refused key release leaves behind (docs/broker.md; penalties:
 * docs/bonds-and-placement.md): a `refused` release record naming the rule
 * that failed, its code, message and the evidence judgements made, and, when
 * the failure means the node lied about its container or identity, a
 * forged-evidence penalty proposed against the node. Both go in the attempt's
 * one batch, with the nonce's use when the nonce was reached.
 */
import type { SealgateError } from '../../attest/index.js';
import { EvidenceError } from '../../attest/index.js';
import type { EconomicsParameters } from '../../policies/index.js';
import { penaltyProposalOps } from '../bonds/records.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
import type { ReleaseAttempt } from './attempt.js';
import { RefusedJudgement } from './checks.js';
import { BrokerError } from './errors.js';

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

/**
 * Add `err`'s refusal to `attempt`'s batch: the forged-evidence penalty
 * proposal first (only with `economics`, once the run's buyer is known, and
 * for a code in {@link FORGED_EVIDENCE_CODES}), then the `refused` record
 * under a fresh release id.
 */
export async function recordRefusal(
  store: Store,
  attempt: ReleaseAttempt,
  err: SealgateError<string>,
  economics: EconomicsParameters | undefined,
): Promise<void> {
  const { at } = attempt;
  const judgements = err instanceof RefusedJudgement ? err.judgements : [];
  if (economics && attempt.harmed !== undefined && FORGED_EVIDENCE_CODES.includes(err.code))
    attempt.ops.push(
      ...(await penaltyProposalOps(
        store,
        economics,
        {
          nodeId: attempt.node.nodeId,
          cause: 'forged-evidence',
          runId: attempt.runId,
          jobId: attempt.jobId,
          buyer: attempt.harmed,
          code: err.code,
        },
        at,
      )),
    );
  attempt.ops.push(
    attempt.record({
      id: newId('rel', at),
      outcome: 'refused',
      rule: ruleOf(err),
      code: err.code,
      message: err.message,
      judgements,
    }),
  );
}
