/**
 * What a `sev-snp` node puts in `evidence.signature` (docs/sev-snp.md,
 * "Layout"): the raw report and the VCEK certificate, each behind a length,
 * so the gateway needs nothing else from the node:
 *
 *   0x01 (layout version) ‖ u16be report length ‖ report ‖ u16be VCEK length ‖ VCEK (DER)
 *
 * The report length must be 1184; the VCEK is 1 to 8192 bytes; nothing may follow.
 */
import { SevSnpError } from './sev-snp-errors.js';
import { SNP_REPORT_SIZE } from './sev-snp-report.js';

/** The layout version this code reads and writes. */
export const SNP_LAYOUT_VERSION = 1;
/** The largest VCEK certificate accepted (AMD's are about 1.3 KiB). */
export const SNP_MAX_VCEK_BYTES = 8192;

/** The two parts of a `sev-snp` signature. */
export interface SevSnpSignatureParts {
  readonly report: Uint8Array;
  readonly vcek: Uint8Array;
}

function malformed(message: string): never {
  throw new SevSnpError('SNP_LAYOUT_MALFORMED', `SEV-SNP evidence layout: ${message}`);
}

/**
 * Split `evidence.signature` into the report and the VCEK (DER). Throws
 * SNP_LAYOUT_MALFORMED for another version, a wrong length, or trailing bytes.
 */
export function decodeSevSnpSignature(bytes: Uint8Array): SevSnpSignatureParts {
  if (bytes.length < 1 || bytes[0] !== SNP_LAYOUT_VERSION) malformed('unknown layout version');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 1;
  const take = (what: string, min: number, max: number): Uint8Array => {
    if (at + 2 > bytes.length) malformed(`${what} length is missing`);
    const length = view.getUint16(at, false);
    at += 2;
    if (length < min || length > max) malformed(`${what} is ${length} bytes`);
    if (at + length > bytes.length) malformed(`${what} is truncated`);
    const part = bytes.slice(at, at + length);
    at += length;
    return part;
  };
  const report = take('report', SNP_REPORT_SIZE, SNP_REPORT_SIZE);
  const vcek = take('VCEK', 1, SNP_MAX_VCEK_BYTES);
  if (at !== bytes.length) malformed('bytes after the VCEK');
  return { report, vcek };
}

/**
 * Build `evidence.signature` from a report and the VCEK (DER): the node
 * agent's side, and tests'. Throws TypeError for parts of the wrong size.
 */
export function encodeSevSnpSignature(report: Uint8Array, vcek: Uint8Array): Uint8Array {
  if (report.length !== SNP_REPORT_SIZE) throw new TypeError(`an SEV-SNP report is ${SNP_REPORT_SIZE} bytes`);
  if (vcek.length < 1 || vcek.length > SNP_MAX_VCEK_BYTES) throw new TypeError('VCEK size out of range');
  const out = new Uint8Array(1 + 2 + report.length + 2 + vcek.length);
  const view = new DataView(out.buffer);
  out[0] = SNP_LAYOUT_VERSION;
  view.setUint16(1, report.length, false);
  out.set(report, 3);
  view.setUint16(3 + report.length, vcek.length, false);
  out.set(vcek, 5 + report.length);
  return out;
}
