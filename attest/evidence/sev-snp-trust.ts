/**
 * Is this SEV-SNP report genuine? The configured ARKs are pinned and
 * self-signed, each ASK is signed by its ARK, the node's VCEK by one of the
 * ASKs, the report by the VCEK; and the VCEK was issued for this chip
 * (hwID = CHIP_ID) at this TCB (its TCB extensions = REPORTED_TCB), as AMD's
 * "Versioned Chip Endorsement Key (VCEK) Certificate and KDS Interface
 * Specification" (publication 57230) defines them.
 */
import { constantTimeEqual, constantTimeIncludes } from '../constant-time.js';
import type { SnpCertificate } from './sev-snp-cert.js';
import { extensionKey, parseSnpCertificate, spkiSha256 } from './sev-snp-cert.js';
import {
  checkValidity,
  importRsaPssKey,
  importVcekKey,
  reportSignedBy,
  signedByRsaPss,
} from './sev-snp-chain.js';
import { SevSnpError } from './sev-snp-errors.js';
import { decodeSevSnpSignature } from './sev-snp-layout.js';
import type { SnpReport } from './sev-snp-report.js';
import { parseSnpReport } from './sev-snp-report.js';

/** One product line's roots, parsed. */
export interface SnpRoots {
  readonly ark: SnpCertificate;
  readonly ask: SnpCertificate;
}

// VCEK extensions (57230, "VCEK Certificate Extensions"): TCB_VERSION byte i is
// in extension 1.3.6.1.4.1.3704.1.3.<TCB_ARCS[i]>; the chip's id is in .1.4.
const TCB_ARCS = [1, 2, 4, 5, 6, 7, 3, 8] as const;
const REQUIRED_TCB_ARCS: ReadonlySet<number> = new Set([1, 2, 3, 8]);
const TCB_KEYS = TCB_ARCS.map((arc) => extensionKey(`1.3.6.1.4.1.3704.1.3.${arc}`));
const HWID_KEY = extensionKey('1.3.6.1.4.1.3704.1.4');

// A DER INTEGER (X.690 §8.3) from 0 to 255, or undefined.
function smallInteger(der: Uint8Array): number | undefined {
  if (der[0] !== 0x02) return undefined;
  if (der.length === 3 && der[1] === 1 && der[2] < 0x80) return der[2];
  if (der.length === 4 && der[1] === 2 && der[2] === 0 && der[3] >= 0x80) return der[3];
  return undefined;
}

/** Throws SNP_TCB_MISMATCH or SNP_CHIP_ID_MISMATCH when the VCEK was not issued for this report's chip and TCB. */
export function checkVcekBinding(vcek: SnpCertificate, report: SnpReport): void {
  TCB_KEYS.forEach((key, i) => {
    const ext = vcek.extensions.get(key);
    if (ext === undefined && !REQUIRED_TCB_ARCS.has(TCB_ARCS[i]) && report.reportedTcbBytes[i] === 0) return;
    if (ext === undefined || smallInteger(ext) !== report.reportedTcbBytes[i]) {
      throw new SevSnpError('SNP_TCB_MISMATCH', `REPORTED_TCB byte ${i} is not the VCEK's TCB`);
    }
  });
  let hwid = vcek.extensions.get(HWID_KEY);
  // AMD puts the 64 raw bytes in extnValue; accept them wrapped in an OCTET STRING too.
  if (hwid?.length === 66 && hwid[0] === 0x04 && hwid[1] === 64) hwid = hwid.subarray(2);
  if (hwid === undefined || hwid.length !== 64 || !constantTimeEqual(hwid, report.chipId)) {
    throw new SevSnpError('SNP_CHIP_ID_MISMATCH', "CHIP_ID is not the VCEK's hwID");
  }
}

/**
 * Check every configured chain once (its signatures do not change): each ARK
 * pinned (SNP_UNPINNED_ROOT) and self-signed, each ASK signed by its ARK
 * (SNP_CHAIN_INVALID). Resolves to the ASKs' keys.
 */
export async function verifyRoots(
  roots: readonly SnpRoots[],
  pins: readonly string[],
): Promise<readonly CryptoKey[]> {
  const keys: CryptoKey[] = [];
  for (const { ark, ask } of roots) {
    if (!constantTimeIncludes(pins, spkiSha256(ark.spki))) {
      throw new SevSnpError('SNP_UNPINNED_ROOT', 'an ARK is not pinned by its SubjectPublicKeyInfo');
    }
    const arkKey = await importRsaPssKey(ark, 'ARK');
    if (!(await signedByRsaPss(ark, arkKey)))
      throw new SevSnpError('SNP_CHAIN_INVALID', 'ARK is not self-signed');
    const askKey = await importRsaPssKey(ask, 'ASK');
    if (!(await signedByRsaPss(ask, arkKey)))
      throw new SevSnpError('SNP_CHAIN_INVALID', 'ASK is not signed by the ARK');
    keys.push(askKey);
  }
  return keys;
}

/**
 * Verify `evidence.signature`'s report and VCEK against verified roots at
 * `now`: the layout, the report, the validity of every certificate, the VCEK
 * signed by an ASK, the report by the VCEK, the VCEK bound to the chip and
 * TCB. Returns the report; throws SevSnpError with the failed check's code.
 * It does not look at REPORT_DATA or the guest's policy: see sev-snp.ts.
 */
export async function verifySnpReport(
  signature: Uint8Array,
  roots: readonly SnpRoots[],
  askKeys: readonly CryptoKey[],
  now: Date,
): Promise<SnpReport> {
  const parts = decodeSevSnpSignature(signature);
  const report = parseSnpReport(parts.report);
  if (report.signingKey !== 0) {
    throw new SevSnpError(
      'SNP_SIGNING_KEY_UNSUPPORTED',
      `report signed by key kind ${report.signingKey}, not a VCEK`,
    );
  }
  const vcek = parseSnpCertificate(parts.vcek, 'VCEK');
  for (const { ark, ask } of roots) {
    checkValidity(ark, 'ARK', now);
    checkValidity(ask, 'ASK', now);
  }
  checkValidity(vcek, 'VCEK', now);
  let issued = false;
  for (const key of askKeys) if (!issued) issued = await signedByRsaPss(vcek, key);
  if (!issued) throw new SevSnpError('SNP_CHAIN_INVALID', 'VCEK is not signed by a configured ASK');
  const vcekKey = await importVcekKey(vcek);
  if (!(await reportSignedBy(vcekKey, report.signed, report.signature))) {
    throw new SevSnpError('SNP_BAD_REPORT_SIGNATURE', 'report signature does not verify under the VCEK');
  }
  checkVcekBinding(vcek, report);
  return report;
}

/** Parse the roots in options (configuration: TypeError when one does not parse). */
export function parseRoots(chains: readonly { ark: Uint8Array; ask: Uint8Array }[]): SnpRoots[] {
  return chains.map(({ ark, ask }) => {
    try {
      return { ark: parseSnpCertificate(ark, 'ARK'), ask: parseSnpCertificate(ask, 'ASK') };
    } catch (err) {
      throw new TypeError('an SEV-SNP root certificate does not parse', { cause: err });
    }
  });
}
