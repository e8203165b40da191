/** Evidence and measurement (DESIGN §6.4): types, parsing, tiers and the key-release rules. */
export type { Evidence, EvidenceBody, EvidenceDocument, Measurement, TrustLevel } from './types.js';
export { EVIDENCE_VERSION, TRUST_LEVELS, trustLevelRank } from './types.js';
export type { EvidenceErrorCode } from './errors.js';
export { EvidenceError } from './errors.js';
export { DIGEST_PATTERN, EvidenceBodySchema, EvidenceDocumentSchema, MeasurementSchema } from './schema.js';
export { parseEvidence } from './parse.js';
export {
  REPORT_DATA_LABEL,
  SOFTWARE_EVIDENCE_LABEL,
  measurementDigest,
  reportData,
  softwareSigningInput,
} from './measurement.js';
export type { EvidenceVerifier, SignatureContext } from './verifier.js';
export { VerifierRegistry } from './verifier.js';
export { signSoftwareEvidence, softwareVerifier } from './software.js';
export type { EvidenceExpectations, ExpectedMeasurement, RuleJudgement, VerifiedEvidence } from './judge.js';
export { defaultVerifiers, judgeEvidence, verifyEvidence } from './judge.js';
// Ed25519 verification on WebCrypto when present, tweetnacl otherwise.
export type { Ed25519Verify } from './ed25519.js';
export { ed25519Verifier, verifyEd25519 } from './ed25519.js';
