/** gateway/guard: the egress guard, its log and the seller's flags (docs/egress-protocol.md, docs/guard.md). */
export { GuardError, GUARD_STATUSES, type GuardErrorCode } from './errors.js';
export { EgressGuard, type EgressReply } from './guard.js';
export { checkSeqs, type GuardDeps } from './state.js';
export type { GuardedAnswers } from './answers.js';
export { EgressLog, jcsDigest, leafData, verifyEgressHead, type EgressProof } from './log.js';
export { evaluate, recordBytes, type Evaluation, type EvaluateContext } from './evaluate.js';
export { HOLD_MAX_BYTES, HOLD_MAX_RECORDS } from './hold.js';
export { checkRecord, findingFlag, piecesOf, released, verdictOf, type RuleContext } from './rules.js';
export {
  fingerprintScanners,
  gatewayScanners,
  noScanners,
  type EgressPiece,
  type EgressScanner,
  type Finding,
  type FingerprintDeps,
  type FingerprintModule,
  type PendingMatch,
  type ScannerSource,
} from './scanner.js';
export * from './records.js';
export { guardRoutes } from './routes.js';
