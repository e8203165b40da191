/** gateway/verification: signed verification reports of runs (docs/verification.md). */
export { verificationRoutes, type VerificationRoutesOptions } from './routes.js';
export {
  VerificationService,
  VERIFICATIONS_SUBLEVEL,
  type VerificationDeps,
  type VerificationRecord,
} from './service.js';
export { VerificationError, VERIFICATION_STATUSES, type VerificationErrorCode } from './errors.js';
export { assembleBody, dataRelease, type ReportParts } from './assemble.js';
export {
  KEPT_EVIDENCE_SUBLEVEL,
  keepEvidenceOp,
  loadKeptEvidence,
  type KeptEvidence,
} from './kept-evidence.js';
export {
  noAudits,
  noEgressLogs,
  type AuditFigures,
  type AuditSource,
  type ClosedEgressLog,
  type EgressLogSource,
  type ProvenEntry,
  type Rescan,
} from './sources.js';
export { guardEgressLogs, type GuardSourceDeps } from './guard-source.js';
export { gatewayAudits, type AuditSourceDeps } from './audit-source.js';
