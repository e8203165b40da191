/** gateway/broker: the key broker (DESIGN.md 5 step 6, §6.4; docs/broker.md). */
export { brokerRoutes } from './routes.js';
export { brokerNodeRoutes } from './node-routes.js';
export { KeyBroker, type KeyBrokerDeps, type ReleaseRequest } from './broker.js';
export type { ReleaseResult } from './grant.js';
export { SellerCustody, startRun } from './custody.js';
export { NonceService, type IssuedNonce, type CheckedNonce } from './nonces.js';
// the job's own nonce (docs/sealing-figures.md)
export { type NonceBinding } from './nonces.js';
export { BrokerError, BROKER_STATUSES, type BrokerErrorCode } from './errors.js';
export {
  checkInspect,
  checkPolicy,
  expectationsFor,
  inspectConfigDigest,
  judgeRelease,
  RefusedJudgement,
  type BrokerStandards,
  type ReleaseTarget,
} from './checks.js';
export { auditPage, type AuditPage } from './audit.js';
export { createKeyBroker } from './create.js';
export { normalizeBrokerOptions, type BrokerOptions, type NormalizedBrokerOptions } from './options.js';
export * from './records.js';
