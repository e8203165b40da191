/**
 * Signing a verification report and an egress head (docs/egress-protocol.md
 * §4 and §6): Ed25519 with the gateway's key over
 * `domainSeparated(label, JCS(body))`, and the RFC 6962 leaf of an egress
 * entry. The guard signs heads and the gateway signs reports with these, and
 * `checkReport` verifies both: one definition for all sides.
 */
import { base64ToBytes, bytesToBase64 } from '../base-encoding.js';
import { canonicalizeBytes } from '../canonical-json.js';
import { leafHash } from '../merkle/hash.js';
import { signDetached, verifyDetached } from '../signature.js';
import type { EgressEntry, EgressHead, Report, ReportBody, UnjudgedReportBody } from './schema.js';
import { computeVerdict } from './verdict.js';

/** The domain label of a report signature. */
export const REPORT_LABEL = 'sealgate/v1/verification-report';
/** The domain label of an egress head signature. */
export const EGRESS_HEAD_LABEL = 'sealgate/v1/egress-head';
/** The report format this code writes and checks. */
export const REPORT_VERSION = 1;

/** Sign a full report body with the gateway's 64-byte Ed25519 secret key. */
export function signReport(body: ReportBody, secretKey: Uint8Array): Report {
  return { body, signature: bytesToBase64(signDetached(REPORT_LABEL, canonicalizeBytes(body), secretKey)) };
}

/** Compute the verdict of `body` (see computeVerdict), then sign the judged body. */
export function judgeAndSignReport(body: UnjudgedReportBody, secretKey: Uint8Array): Report {
  return signReport({ ...body, verdict: computeVerdict(body) }, secretKey);
}

/** True when `signature` (base64) is the gateway key's signature over the report body. */
export function verifyReportSignature(body: ReportBody, signature: string, publicKey: Uint8Array): boolean {
  const sig = base64ToBytes(signature);
  return sig !== undefined && verifyDetached(REPORT_LABEL, canonicalizeBytes(body), sig, publicKey);
}

/** The signature (base64) of an egress head. */
export function signEgressHead(head: EgressHead, secretKey: Uint8Array): string {
  return bytesToBase64(signDetached(EGRESS_HEAD_LABEL, canonicalizeBytes(head), secretKey));
}

/** True when `signature` (base64) is `publicKey`'s signature over the head. */
export function verifyEgressHead(head: EgressHead, signature: string, publicKey: Uint8Array): boolean {
  const sig = base64ToBytes(signature);
  return sig !== undefined && verifyDetached(EGRESS_HEAD_LABEL, canonicalizeBytes(head), sig, publicKey);
}

/** The RFC 6962 leaf hash of an egress entry: SHA-256(0x00 ‖ JCS(entry)). */
export function egressLeafHash(entry: EgressEntry): Uint8Array {
  return leafHash(canonicalizeBytes(entry));
}
