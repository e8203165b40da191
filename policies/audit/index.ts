/** The canary audit's pure figures: exposure, membership-inference AUC and advantage (docs/audit.md). */
export { AuditFigureError, exposure, judgeAudit, membership } from './figures.js';
export type { AuditFigureErrorCode, AuditThresholds, Exposure, Membership } from './figures.js';
