import { SealgateError } from '../errors.js';

/**
 * Why SEV-SNP evidence was refused (docs/sev-snp.md): one code per check, so a
 * verification report and an operator can say which one failed.
 */
export type SevSnpErrorCode =
  /** `evidence.signature` is not the layout of docs/sev-snp.md. */
  | 'SNP_LAYOUT_MALFORMED'
  /** The report is not 1184 bytes, or a field in it is out of range. */
  | 'SNP_REPORT_MALFORMED'
  /** The report's version is below 2 (not an SNP report this code reads). */
  | 'SNP_REPORT_VERSION'
  /** The report is signed with another algorithm than 1 (ECDSA P-384, SHA-384). */
  | 'SNP_UNSUPPORTED_ALGORITHM'
  /** The report says it is signed by a VLEK or no key: only VCEK-signed reports are accepted. */
  | 'SNP_SIGNING_KEY_UNSUPPORTED'
  /** A certificate (VCEK, ASK or ARK) is not a DER X.509 certificate we can read. */
  | 'SNP_CERT_MALFORMED'
  /** No configured ARK has a pinned SubjectPublicKeyInfo. */
  | 'SNP_UNPINNED_ROOT'
  /** ARK not self-signed, ASK not signed by the ARK, or VCEK not signed by an ASK. */
  | 'SNP_CHAIN_INVALID'
  /** A certificate of the chain is outside its validity period. */
  | 'SNP_CERT_EXPIRED'
  /** The report's signature does not verify under the VCEK's P-384 key. */
  | 'SNP_BAD_REPORT_SIGNATURE'
  /** REPORT_DATA is not `reportData(evidence.body)`. */
  | 'SNP_REPORT_DATA_MISMATCH'
  /** The guest policy allows debugging (its DEBUG bit is set). */
  | 'SNP_DEBUG_POLICY'
  /** The report comes from another VMPL than the options require. */
  | 'SNP_VMPL_MISMATCH'
  /** The launch MEASUREMENT is not in the allowlist. */
  | 'SNP_MEASUREMENT_NOT_ALLOWED'
  /** REPORTED_TCB differs from the TCB the VCEK was issued for. */
  | 'SNP_TCB_MISMATCH'
  /** CHIP_ID differs from the VCEK's hwID. */
  | 'SNP_CHIP_ID_MISMATCH'
  /** REPORTED_TCB is below the options' minimum TCB. */
  | 'SNP_TCB_TOO_LOW';

/** SEV-SNP evidence that does not parse, or that a check refuses. */
export class SevSnpError extends SealgateError<SevSnpErrorCode> {}
