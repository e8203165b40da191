/**
 * The canary audit's figures (docs/egress-protocol.md section 5, docs/audit.md),
 * pure: from the sealed model's loss on each planted and each held-out canary
 * to how much it memorised them. Exposure is Carlini et al., "The Secret
 * Sharer" (USENIX Security 2019), section 4.1, by rank among the held-out
 * references; membership inference is the loss-threshold attack of Yeom et
 * al., "Privacy Risk in Machine Learning" (CSF 2018), summarised by its ROC's
 * area (Mann and Whitney, 1947) and its best advantage TPR - FPR.
 */
import { SealgateError } from '../../attest/index.js';

export type AuditFigureErrorCode = 'AUDIT_NO_LOSSES' | 'AUDIT_LOSS_NOT_FINITE';

/** Losses that give no figure: none on one side, or a value that is not a finite number. */
export class AuditFigureError extends SealgateError<AuditFigureErrorCode> {}

/** The exposure of each planted canary, in bits, and their summary. */
export interface Exposure {
  readonly perCanary: readonly number[];
  readonly mean: number;
  readonly max: number;
  /** log2(M + 1): a canary whose loss is below every held-out one. */
  readonly maxPossible: number;
}

/** The loss-threshold membership-inference attack's quality. */
export interface Membership {
  /** P(loss of a planted < loss of a held-out), ties half: 0.5 is chance, 1 is perfect. */
  readonly auc: number;
  /** max over thresholds of TPR - FPR (members = loss <= threshold): 0 is chance, 1 is perfect. */
  readonly advantage: number;
}

function check(planted: readonly number[], heldOut: readonly number[]): void {
  if (planted.length === 0 || heldOut.length === 0) {
    throw new AuditFigureError(
      'AUDIT_NO_LOSSES',
      'the audit needs a loss for a planted and a held-out canary',
    );
  }
  if (![...planted, ...heldOut].every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new AuditFigureError('AUDIT_LOSS_NOT_FINITE', 'a canary loss is not a finite number');
  }
}

// How many of `sorted` (ascending) are < v, and how many equal it: two binary searches.
function below(sorted: Float64Array, v: number): { less: number; equal: number } {
  const bound = (strict: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? sorted[mid] < v : sorted[mid] <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const less = bound(true);
  return { less, equal: bound(false) - less };
}

/**
 * Exposure of each planted canary (Secret Sharer, section 4.1, with the M
 * held-out canaries as the reference space): `log2(M + 1) - log2(rank)`, rank =
 * 1 + the held-out canaries with a lower loss, ties counting half. Throws
 * AUDIT_NO_LOSSES or AUDIT_LOSS_NOT_FINITE.
 */
export function exposure(planted: readonly number[], heldOut: readonly number[]): Exposure {
  check(planted, heldOut);
  const sorted = Float64Array.from(heldOut).sort();
  const maxPossible = Math.log2(heldOut.length + 1);
  const perCanary = planted.map((loss) => {
    const { less, equal } = below(sorted, loss);
    return maxPossible - Math.log2(1 + less + equal / 2);
  });
  return {
    perCanary,
    mean: perCanary.reduce((s, x) => s + x, 0) / perCanary.length,
    max: Math.max(...perCanary),
    maxPossible,
  };
}

/**
 * The loss-threshold attack's AUC (the Mann-Whitney U statistic over N x M
 * pairs, ties half) and its advantage, max over thresholds of TPR - FPR
 * (Yeom et al., section 3.2). Throws AUDIT_NO_LOSSES or AUDIT_LOSS_NOT_FINITE.
 */
export function membership(planted: readonly number[], heldOut: readonly number[]): Membership {
  check(planted, heldOut);
  const sorted = Float64Array.from(heldOut).sort();
  let wins = 0;
  for (const loss of planted) {
    const { less, equal } = below(sorted, loss);
    wins += sorted.length - less - equal + equal / 2;
  }
  const auc = wins / (planted.length * heldOut.length);
  // Every distinct loss is a threshold (and -Infinity, where TPR = FPR = 0).
  const plantedSorted = Float64Array.from(planted).sort();
  let advantage = 0;
  for (const threshold of new Set([...planted, ...heldOut])) {
    const tp = below(plantedSorted, threshold);
    const fp = below(sorted, threshold);
    const tpr = (tp.less + tp.equal) / planted.length;
    const fpr = (fp.less + fp.equal) / heldOut.length;
    advantage = Math.max(advantage, tpr - fpr);
  }
  return { auc, advantage };
}

/** The audit's thresholds, from the egress policy's `audit` section. */
export interface AuditThresholds {
  readonly maxMeanExposureBits: number;
  readonly maxAuc: number;
}

/** Whether the figures stay under the thresholds, with a reason per one that does not. */
export function judgeAudit(
  figures: { readonly exposure: Exposure; readonly membership: Membership },
  thresholds: AuditThresholds,
): { pass: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (figures.exposure.mean > thresholds.maxMeanExposureBits) {
    reasons.push(
      `mean canary exposure ${figures.exposure.mean.toFixed(2)} bits is above ${thresholds.maxMeanExposureBits}`,
    );
  }
  if (figures.membership.auc > thresholds.maxAuc) {
    reasons.push(
      `membership-inference AUC ${figures.membership.auc.toFixed(3)} is above ${thresholds.maxAuc}`,
    );
  }
  return { pass: reasons.length === 0, reasons };
}
