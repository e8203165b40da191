/**
 * The SEV-SNP attestation report (AMD SEV Secure Nested Paging Firmware ABI
 * Specification, publication 56860, "ATTESTATION_REPORT structure"): 1184
 * bytes, little-endian integers, signed by the VCEK over its first 0x2A0 bytes.
 * Only the fields sealgate checks are read; the rest stay in `signed`.
 */
import { SevSnpError } from './sev-snp-errors.js';

/** The size of an attestation report, in bytes (versions 2 to 5). */
export const SNP_REPORT_SIZE = 1184;
/** The report's bytes up to the signature: what the VCEK signs. */
export const SNP_SIGNED_SIZE = 0x2a0;
/** SIGNATURE_ALGO 1: ECDSA P-384 with SHA-384. */
export const SNP_ECDSA_P384_SHA384 = 1;
/** The guest policy's DEBUG bit (bit 19): the hypervisor may read and write guest memory. */
export const SNP_POLICY_DEBUG = 1n << 19n;

/** A TCB version (Milan and Genoa layout): each component's security patch level. */
export interface SnpTcb {
  readonly bootLoader: number;
  readonly tee: number;
  readonly snp: number;
  readonly microcode: number;
}

/** The fields of a report that sealgate checks, and the bytes they came from. */
export interface SnpReport {
  readonly version: number;
  readonly guestSvn: number;
  readonly policy: bigint;
  readonly vmpl: number;
  readonly signatureAlgorithm: number;
  /** FLAGS bits 4:2, SIGNING_KEY: 0 = VCEK, 1 = VLEK, 7 = none. */
  readonly signingKey: number;
  readonly reportData: Uint8Array;
  /** The launch MEASUREMENT (48 bytes, SHA-384). */
  readonly measurement: Uint8Array;
  readonly hostData: Uint8Array;
  /** REPORTED_TCB's 8 raw bytes (byte 0 boot loader, 1 TEE, 2-5 reserved, 6 SNP, 7 microcode). */
  readonly reportedTcbBytes: Uint8Array;
  readonly reportedTcb: SnpTcb;
  readonly chipId: Uint8Array;
  /** Bytes 0 to 0x29F: the signed part. */
  readonly signed: Uint8Array;
  /** The signature as WebCrypto takes it: r ‖ s, 48 bytes each, big-endian. */
  readonly signature: Uint8Array;
}

// ATTESTATION_REPORT offsets (56860, Table "ATTESTATION_REPORT Structure").
const AT = {
  version: 0x00,
  guestSvn: 0x04,
  policy: 0x08,
  vmpl: 0x30,
  signatureAlgorithm: 0x34,
  flags: 0x48,
  reportData: 0x50,
  measurement: 0x90,
  hostData: 0xc0,
  reportedTcb: 0x180,
  chipId: 0x1a0,
  signatureR: 0x2a0,
  signatureS: 0x2e8,
} as const;
// R and S are little-endian in 72-byte fields; a P-384 scalar takes the low 48 bytes.
const SCALAR_FIELD = 72;
const SCALAR = 48;

function malformed(message: string): never {
  throw new SevSnpError('SNP_REPORT_MALFORMED', `SEV-SNP report: ${message}`);
}

// A 72-byte little-endian field as a 48-byte big-endian P-384 scalar; the top bytes must be zero.
function scalar(report: Uint8Array, at: number): Uint8Array {
  const field = report.subarray(at, at + SCALAR_FIELD);
  for (let i = SCALAR; i < SCALAR_FIELD; i++) if (field[i] !== 0) malformed('signature scalar too large');
  return field.slice(0, SCALAR).reverse();
}

/** The TCB components of an 8-byte TCB_VERSION (56860, "TCB_VERSION Structure", Milan/Genoa). */
export function snpTcb(bytes: Uint8Array): SnpTcb {
  return { bootLoader: bytes[0], tee: bytes[1], snp: bytes[6], microcode: bytes[7] };
}

/**
 * Parse a 1184-byte SEV-SNP attestation report. Throws SevSnpError:
 * SNP_REPORT_MALFORMED (size, signature scalars), SNP_REPORT_VERSION (below 2),
 * SNP_UNSUPPORTED_ALGORITHM (not ECDSA P-384 with SHA-384). It checks no
 * signature and no policy: see `checkSevSnpEvidence`.
 */
export function parseSnpReport(bytes: Uint8Array): SnpReport {
  if (bytes.length !== SNP_REPORT_SIZE) malformed(`${bytes.length} bytes, not ${SNP_REPORT_SIZE}`);
  const report = bytes.slice();
  const view = new DataView(report.buffer, report.byteOffset, report.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  const version = u32(AT.version);
  if (version < 2)
    throw new SevSnpError('SNP_REPORT_VERSION', `SEV-SNP report version ${version} is below 2`);
  const signatureAlgorithm = u32(AT.signatureAlgorithm);
  if (signatureAlgorithm !== SNP_ECDSA_P384_SHA384) {
    throw new SevSnpError('SNP_UNSUPPORTED_ALGORITHM', `SEV-SNP signature algorithm ${signatureAlgorithm}`);
  }
  const signature = new Uint8Array(2 * SCALAR);
  signature.set(scalar(report, AT.signatureR), 0);
  signature.set(scalar(report, AT.signatureS), SCALAR);
  const reportedTcbBytes = report.slice(AT.reportedTcb, AT.reportedTcb + 8);
  return Object.freeze({
    version,
    guestSvn: u32(AT.guestSvn),
    policy: view.getBigUint64(AT.policy, true),
    vmpl: u32(AT.vmpl),
    signatureAlgorithm,
    signingKey: (u32(AT.flags) >>> 2) & 0b111,
    reportData: report.slice(AT.reportData, AT.reportData + 64),
    measurement: report.slice(AT.measurement, AT.measurement + 48),
    hostData: report.slice(AT.hostData, AT.hostData + 32),
    reportedTcbBytes,
    reportedTcb: snpTcb(reportedTcbBytes),
    chipId: report.slice(AT.chipId, AT.chipId + 64),
    signed: report.slice(0, SNP_SIGNED_SIZE),
    signature,
  });
}
