/** The verification report (docs/egress-protocol.md §6, docs/verification.md): types, signing, the verdict, the offline check. */
export { ReportError, type ReportErrorCode } from './errors.js';
export {
  EgressEntrySchema,
  EgressHeadSchema,
  EntryFlagSchema,
  ReportBodySchema,
  ReportFlagSchema,
  ReportSchema,
  RescanFindingSchema,
  type EgressEntry,
  type EgressHead,
  type EntryFlag,
  type Report,
  type ReportAudit,
  type ReportBody,
  type ReportEgress,
  type ReportFlag,
  type ReportRescan,
  type RescanFinding,
  type UnjudgedReportBody,
} from './schema.js';
export { FAILING_ACTIONS, FAILING_RULES, computeVerdict, type Verdict } from './verdict.js';
export {
  EGRESS_HEAD_LABEL,
  REPORT_LABEL,
  REPORT_VERSION,
  egressLeafHash,
  judgeAndSignReport,
  signEgressHead,
  signReport,
  verifyEgressHead,
  verifyReportSignature,
} from './sign.js';
export { checkReport, type CheckReportOptions, type CheckedReport } from './check.js';
