/** The canary audit (docs/audit.md): audit records, the audit job's end, the figures of its losses. */
export { AUDIT_STATUSES, AuditError, type AuditErrorCode } from './errors.js';
export {
  AUDITS_SUBLEVEL,
  type AuditRecord,
  type AuditResult,
  type AuditState,
  type CanarySet,
} from './record.js';
export { auditResult } from './result.js';
export {
  auditFor,
  canariesOf,
  finishAudit,
  startAudit,
  type AuditDeps,
  type AuditReport,
} from './service.js';
export { auditNodeRoutes } from './node-routes.js';
