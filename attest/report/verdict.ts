/**
 * The verdict of a verification report, computed from the body alone so that
 * anyone can recompute it offline (docs/verification.md, "The verdict").
 * A report fails when: a rule of the evidence failed or no evidence was
 * released; the measured sandbox broke the profile or was not measured; the
 * guard flagged an egress record under exact, canary, nearBlock, budget or
 * schema with action stop or drop; the fresh re-scan found anything; the
 * audit is over the policy's thresholds. Parts that were skipped do not fail
 * the verdict; they say why they were skipped. One reason a line, naming the rule.
 */
import type { ReportBody, UnjudgedReportBody } from './schema.js';

/** The verdict and its reasons. */
export interface Verdict {
  readonly pass: boolean;
  readonly reasons: string[];
}

/** The guard's rules whose stop or drop fails a report (the flag-only rule nearFlag does not). */
export const FAILING_RULES: readonly string[] = ['exact', 'canary', 'nearBlock', 'budget', 'schema'];
/** The guard's actions that mean a record did not leave as it was. */
export const FAILING_ACTIONS: readonly string[] = ['stop', 'drop'];

function evidenceReasons(body: UnjudgedReportBody): string[] {
  if (body.evidence.document === null) return ['evidence: no key was released for this run'];
  return body.evidence.judgements
    .filter((j) => !j.ok)
    .map((j) => `evidence rule ${j.rule}: ${j.code ?? 'failed'}`);
}

function sandboxReasons(body: UnjudgedReportBody): string[] {
  if (body.sandbox.inspectDigest === null) return ['sandbox: the container was not measured'];
  return body.sandbox.violations.map((v) => `sandbox rule ${v.code} at ${v.path}`);
}

function egressReasons(body: UnjudgedReportBody): string[] {
  if ('skipped' in body.egress) return [];
  return body.egress.flags
    .filter((f) => FAILING_RULES.includes(f.rule) && FAILING_ACTIONS.includes(f.action))
    .map((f) => `egress rule ${f.rule}: record ${f.seq} (${f.action})`);
}

function rescanReasons(body: UnjudgedReportBody): string[] {
  if ('skipped' in body.rescan) return [];
  return body.rescan.flags.map((f) => `rescan rule ${f.rule}: records ${f.seqs.join(',')} (${f.decoder})`);
}

function auditReasons(body: UnjudgedReportBody): string[] {
  const audit = body.audit;
  if ('skipped' in audit) return [];
  const out: string[] = [];
  const { maxMeanExposureBits, maxAuc } = audit.thresholds;
  if (!(audit.exposure.mean <= maxMeanExposureBits))
    out.push(`audit rule maxMeanExposureBits: mean exposure ${audit.exposure.mean} > ${maxMeanExposureBits}`);
  if (!(audit.membership.auc <= maxAuc))
    out.push(`audit rule maxAuc: membership AUC ${audit.membership.auc} > ${maxAuc}`);
  return out;
}

/**
 * The verdict that follows from a report body (its own `verdict`, if any, is
 * ignored): pass when there is no reason to fail.
 *
 * @example
 * ```ts
 * const body = { ...unjudged, verdict: computeVerdict(unjudged) };
 * ```
 */
export function computeVerdict(body: UnjudgedReportBody | ReportBody): Verdict {
  const reasons = [
    ...evidenceReasons(body),
    ...sandboxReasons(body),
    ...egressReasons(body),
    ...rescanReasons(body),
    ...auditReasons(body),
  ];
  return { pass: reasons.length === 0, reasons };
}
