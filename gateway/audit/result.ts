/**
 * From a loss job's answers to the audit's result (docs/egress-protocol.md
 * section 5): the canary set's rows are the planted canaries, then the
 * held-out ones, and the model answered one loss per row, by index.
 */
import { exposure, membership } from '../../policies/index.js';
import { AuditError } from './errors.js';
import type { AuditResult, CanarySet } from './record.js';

/**
 * The result from `answers` (answer i is the loss of canary-set row i). Throws
 * AUDIT_ANSWERS_INVALID when the count is not planted + heldOut or an answer
 * is not a finite number.
 */
export function auditResult(canaries: CanarySet, answers: readonly unknown[]): AuditResult {
  const { planted, heldOut } = canaries;
  if (answers.length !== planted + heldOut) {
    throw new AuditError(
      'AUDIT_ANSWERS_INVALID',
      `the model gave ${answers.length} losses for ${planted + heldOut} canaries`,
    );
  }
  const losses = answers.map((a, i) => {
    if (typeof a !== 'number' || !Number.isFinite(a)) {
      throw new AuditError('AUDIT_ANSWERS_INVALID', `the loss of canary ${i} is not a finite number`);
    }
    return a;
  });
  const p = losses.slice(0, planted);
  const h = losses.slice(planted);
  return {
    planted,
    heldOut,
    losses: { planted: p, heldOut: h },
    exposure: exposure(p, h),
    membership: membership(p, h),
  };
}
