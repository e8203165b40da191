/**
 * Digests over evidence parts, all over RFC 8785 canonical JSON so that any
 * implementation that reads the same JSON computes the same bytes.
 */
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '../base-encoding.js';
import { canonicalizeBytes } from '../canonical-json.js';
import { domainSeparated } from '../signature.js';
import type { EvidenceBody, Measurement } from './types.js';

/** Domain label of the bytes a software-tier signature covers. */
export const SOFTWARE_EVIDENCE_LABEL = 'sealgate/v1/evidence/software';
/** Domain label of the digest a hardware tier binds into its report data. */
export const REPORT_DATA_LABEL = 'sealgate/v1/evidence/report-data';

/**
 * `sha256:<hex>` of the canonical JSON of a measurement: one value that names
 * the whole sealed configuration (shown in verification reports).
 */
export function measurementDigest(measurement: Measurement): string {
  const m = {
    imageDigest: measurement.imageDigest,
    containerConfigDigest: measurement.containerConfigDigest,
    seccompProfileDigest: measurement.seccompProfileDigest,
    supervisorDigest: measurement.supervisorDigest,
    runtimeVersion: measurement.runtimeVersion,
  };
  return `sha256:${bytesToHex(sha256(canonicalizeBytes(m)))}`;
}

/** The bytes a software-tier node signs: label ‖ 0x00 ‖ JCS(body). */
export function softwareSigningInput(body: EvidenceBody): Uint8Array {
  return domainSeparated(SOFTWARE_EVIDENCE_LABEL, canonicalizeBytes(body));
}

/**
 * The 64 bytes a hardware tier binds into its TEE report (e.g. SEV-SNP
 * REPORT_DATA): SHA-512(label ‖ 0x00 ‖ JCS(body)).
 */
export function reportData(body: EvidenceBody): Uint8Array {
  return sha512(domainSeparated(REPORT_DATA_LABEL, canonicalizeBytes(body)));
}
