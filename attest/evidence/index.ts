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
// The `sev-snp` hardware tier (docs/sev-snp.md): AMD SEV-SNP reports, VCEK → ASK → ARK.
export type { SevSnpErrorCode } from './sev-snp-errors.js';
export { SevSnpError } from './sev-snp-errors.js';
export type { SnpReport, SnpTcb } from './sev-snp-report.js';
export {
  SNP_ECDSA_P384_SHA384,
  SNP_POLICY_DEBUG,
  SNP_REPORT_SIZE,
  SNP_SIGNED_SIZE,
  parseSnpReport,
  snpTcb,
} from './sev-snp-report.js';
export type { SevSnpSignatureParts } from './sev-snp-layout.js';
export {
  SNP_LAYOUT_VERSION,
  SNP_MAX_VCEK_BYTES,
  decodeSevSnpSignature,
  encodeSevSnpSignature,
} from './sev-snp-layout.js';
export type { SnpCertificate } from './sev-snp-cert.js';
export { certificateDer, parseSnpCertificate, spkiSha256 } from './sev-snp-cert.js';
export type { SevSnpOptions, SevSnpRootChain, SevSnpVerdict, SevSnpVerifier } from './sev-snp.js';
export { sevSnpFailure, sevSnpVerifier } from './sev-snp.js';
export {
  AMD_ARK_GENOA_PEM,
  AMD_ARK_GENOA_SPKI_SHA256,
  AMD_ARK_MILAN_PEM,
  AMD_ARK_MILAN_SPKI_SHA256,
  AMD_ARK_SPKI_SHA256,
  AMD_ASK_GENOA_PEM,
  AMD_ASK_MILAN_PEM,
  AMD_SEV_SNP_CHAINS,
} from './amd-roots.js';
