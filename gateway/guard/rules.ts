/**
 * The guard's rules, pure (docs/egress-protocol.md section 4 steps 1 and 3):
 * schema and budget of one record, the pieces it gives the scanner, a
 * scanner finding as a flag, and the verdict (the strictest action wins:
 * stop, then drop, then flag).
 */
import type { EgressAction, EgressPolicy } from '../../policies/index.js';
import type { EgressBody, EgressFlag, PolicyRule, Verdict } from './records.js';
import type { EgressPiece, Finding } from './scanner.js';

/** What the schema and budget checks of one record need. */
export interface RuleContext {
  readonly policy: EgressPolicy;
  /** The metric names model.json declares. */
  readonly declared: readonly string[];
  /** Bytes already released by this run (or inference). */
  readonly released: number;
}

const flag = (policy: EgressPolicy, rule: PolicyRule): EgressFlag => ({ rule, action: policy.actions[rule] });

// Section 4 step 1: is the record what its channel allows?
function schemaOk(body: EgressBody, ctx: RuleContext): boolean {
  const { policy } = ctx;
  switch (body.channel) {
    case 'metrics':
      return (
        policy.channels.includes('metrics') &&
        ctx.declared.includes(body.metric) &&
        (policy.allowedMetrics === null || policy.allowedMetrics.includes(body.metric)) &&
        Number.isSafeInteger(body.step) &&
        body.step >= 0 &&
        Number.isFinite(body.value)
      );
    case 'logs':
      return policy.channels.includes('logs');
    case 'answers':
      return body.value === null || Number.isFinite(body.value);
    case 'refused':
      return false;
  }
}

/** The schema and budget flags of a record of `bytes` bytes (section 4 step 1). */
export function checkRecord(body: EgressBody, bytes: number, ctx: RuleContext): EgressFlag[] {
  const flags: EgressFlag[] = [];
  if (!schemaOk(body, ctx) || bytes > ctx.policy.maxRecordBytes) flags.push(flag(ctx.policy, 'schema'));
  if (ctx.released + bytes > ctx.policy.byteBudget) flags.push(flag(ctx.policy, 'budget'));
  return flags;
}

/** The scanner's pieces of a record (section 4 step 2): a refused notice has none. */
export function piecesOf(seq: number, body: EgressBody): EgressPiece[] {
  switch (body.channel) {
    case 'metrics':
      return [
        { seq, kind: 'text', text: body.metric },
        { seq, kind: 'number', value: body.value },
      ];
    case 'logs':
      return [{ seq, kind: 'text', text: body.text }];
    case 'answers':
      return body.value === null ? [] : [{ seq, kind: 'number', value: body.value }];
    case 'refused':
      return [];
  }
}

/** A finding as a flag: `near` is nearBlock at or above blockJaccard, else nearFlag. */
export function findingFlag(finding: Finding, policy: EgressPolicy): EgressFlag {
  const rule: PolicyRule =
    finding.rule === 'near'
      ? (finding.jaccard ?? 0) >= policy.scan.blockJaccard
        ? 'nearBlock'
        : 'nearFlag'
      : finding.rule;
  return {
    rule,
    action: policy.actions[rule],
    token: finding.token,
    decoder: finding.decoder,
    ...(finding.jaccard === undefined ? {} : { jaccard: finding.jaccard }),
    ...(finding.seqs.length > 1 ? { seqs: [...finding.seqs] } : {}),
  };
}

const STRICTNESS: Readonly<Record<EgressAction, number>> = { flag: 1, drop: 2, stop: 3 };

/** The verdict of a record with `flags`: the strictest action, or pass. */
export function verdictOf(flags: readonly EgressFlag[]): Verdict {
  let verdict: Verdict = 'pass';
  for (const f of flags) {
    if (verdict === 'pass' || STRICTNESS[f.action] > STRICTNESS[verdict]) verdict = f.action;
  }
  return verdict;
}

/** True when a record of this verdict leaves (its body is kept and the buyer sees it). */
export function released(verdict: Verdict): boolean {
  return verdict === 'pass' || verdict === 'flag';
}
