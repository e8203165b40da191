/**
 * The `sev-snp` evidence tier (DESIGN §2, docs/sev-snp.md): a hardware-level
 * verifier for AMD SEV-SNP. The node sends its attestation report and VCEK in
 * `evidence.signature`; the report must be genuine (./sev-snp-trust.ts), bind
 * the evidence body in REPORT_DATA, and describe an allowed guest: debug off,
 * the required VMPL, an allowed launch measurement, a TCB at least the minimum.
 */
import { bytesToHex } from '../base-encoding.js';
import { constantTimeEqual, constantTimeIncludes } from '../constant-time.js';
import { AMD_ARK_SPKI_SHA256, AMD_SEV_SNP_CHAINS } from './amd-roots.js';
import { reportData } from './measurement.js';
import { certificateDer } from './sev-snp-cert.js';
import type { SevSnpErrorCode } from './sev-snp-errors.js';
import { SevSnpError } from './sev-snp-errors.js';
import type { SnpReport, SnpTcb } from './sev-snp-report.js';
import { SNP_POLICY_DEBUG } from './sev-snp-report.js';
import { parseRoots, verifyRoots, verifySnpReport } from './sev-snp-trust.js';
import type { Evidence } from './types.js';
import type { EvidenceVerifier, SignatureContext } from './verifier.js';

/** One product line's ARK and ASK, each PEM or DER. */
export interface SevSnpRootChain {
  readonly ark: string | Uint8Array;
  readonly ask: string | Uint8Array;
}

/** What the operator configures for the `sev-snp` tier. */
export interface SevSnpOptions {
  /** Allowed launch MEASUREMENTs, 96 lowercase hex digits each (SHA-384 of the guest's initial memory). */
  readonly allowedMeasurements: readonly string[];
  /** ARK and ASK per product line (default: AMD's Milan and Genoa, ./amd-roots.ts). */
  readonly chains?: readonly SevSnpRootChain[];
  /** SHA-256 (lowercase hex) of each trusted ARK's SubjectPublicKeyInfo (default: AMD's). */
  readonly pinnedArkSpkiSha256?: readonly string[];
  /** The VMPL the report must come from (default 0, the most privileged). */
  readonly vmpl?: number;
  /** The lowest REPORTED_TCB accepted, component by component (default: none). */
  readonly minimumTcb?: SnpTcb;
}

/** How the SEV-SNP checks judged one piece of evidence. */
export type SevSnpVerdict =
  | { readonly ok: true; readonly report: SnpReport }
  | { readonly ok: false; readonly code: SevSnpErrorCode; readonly message: string };

/** The `sev-snp` verifier, with the checks' verdict for reports and the docs. */
export interface SevSnpVerifier extends EvidenceVerifier {
  readonly tier: 'sev-snp';
  readonly level: 'hardware';
  /**
   * Every check, in order: the first failure's code and message, or the
   * verified report. Throws only for a platform mistake (TypeError: no WebCrypto).
   */
  check(evidence: Evidence, context: Pick<SignatureContext, 'now'>): Promise<SevSnpVerdict>;
  /** Only the report's genuineness (layout, chain, signature, VCEK binding); throws SevSnpError. */
  verifyReport(signature: Uint8Array, now: Date): Promise<SnpReport>;
  /**
   * Check the configured roots (each ARK pinned and self-signed, each ASK
   * signed by its ARK), e.g. when the gateway starts; throws SevSnpError.
   */
  checkRoots(): Promise<void>;
}

const TCB_FIELDS = ['bootLoader', 'tee', 'snp', 'microcode'] as const;

function normalise(options: SevSnpOptions) {
  const hex = (value: string, digits: number) => new RegExp(`^[0-9a-f]{${digits}}$`).test(value);
  if (options.allowedMeasurements.length === 0 || !options.allowedMeasurements.every((m) => hex(m, 96))) {
    throw new TypeError('allowedMeasurements are 96 lowercase hex digits each, at least one');
  }
  const pins = options.pinnedArkSpkiSha256 ?? AMD_ARK_SPKI_SHA256;
  if (pins.length === 0 || !pins.every((p) => hex(p, 64)))
    throw new TypeError('pins are 64 lowercase hex digits');
  const vmpl = options.vmpl ?? 0;
  if (!Number.isInteger(vmpl) || vmpl < 0 || vmpl > 3) throw new TypeError('vmpl is 0 to 3');
  const min = options.minimumTcb;
  if (min && !TCB_FIELDS.every((f) => Number.isInteger(min[f]) && min[f] >= 0 && min[f] <= 255)) {
    throw new TypeError('minimumTcb components are 0 to 255');
  }
  const chains = (options.chains ?? AMD_SEV_SNP_CHAINS).map((c) => ({
    ark: certificateDer(c.ark),
    ask: certificateDer(c.ask),
  }));
  if (chains.length === 0) throw new TypeError('at least one ARK and ASK');
  return {
    measurements: [...options.allowedMeasurements],
    pins: [...pins],
    vmpl,
    min,
    roots: parseRoots(chains),
  };
}

function refuse(code: SevSnpErrorCode, message: string): never {
  throw new SevSnpError(code, message);
}

/**
 * An `sev-snp` tier verifier of trust level `hardware`. Register it with
 * `defaultVerifiers.with(sevSnpVerifier(options))`. Options are checked here
 * (TypeError); the roots' signatures are checked on first use and remembered.
 *
 * @example
 * ```ts
 * const verifiers = defaultVerifiers.with(sevSnpVerifier({ allowedMeasurements: [launchDigestHex] }));
 * await verifyEvidence(input, { ...expectations, verifiers, minimumLevel: 'hardware' });
 * ```
 */
export function sevSnpVerifier(options: SevSnpOptions): SevSnpVerifier {
  const o = normalise(options);
  let askKeys: Promise<readonly CryptoKey[]> | undefined;

  function trustedAsks(): Promise<readonly CryptoKey[]> {
    askKeys ??= verifyRoots(o.roots, o.pins);
    return askKeys;
  }

  async function verifyReport(signature: Uint8Array, now: Date): Promise<SnpReport> {
    return verifySnpReport(signature, o.roots, await trustedAsks(), now);
  }

  async function judge(evidence: Evidence, now: Date): Promise<SnpReport> {
    const report = await verifyReport(evidence.signature, now);
    if (!constantTimeEqual(report.reportData, reportData(evidence.body))) {
      refuse('SNP_REPORT_DATA_MISMATCH', 'REPORT_DATA does not bind this evidence body');
    }
    if ((report.policy & SNP_POLICY_DEBUG) !== 0n)
      refuse('SNP_DEBUG_POLICY', 'the guest policy allows debugging');
    if (report.vmpl !== o.vmpl) refuse('SNP_VMPL_MISMATCH', `report from VMPL ${report.vmpl}, not ${o.vmpl}`);
    if (!constantTimeIncludes(o.measurements, bytesToHex(report.measurement))) {
      refuse('SNP_MEASUREMENT_NOT_ALLOWED', 'launch measurement is not allowed');
    }
    const low = o.min && TCB_FIELDS.find((f) => report.reportedTcb[f] < (o.min as SnpTcb)[f]);
    if (low) refuse('SNP_TCB_TOO_LOW', `REPORTED_TCB ${low} is below the minimum`);
    return report;
  }

  async function check(evidence: Evidence, context: Pick<SignatureContext, 'now'>): Promise<SevSnpVerdict> {
    try {
      return { ok: true, report: await judge(evidence, context.now) };
    } catch (err) {
      if (err instanceof SevSnpError) return { ok: false, code: err.code, message: err.message };
      throw err;
    }
  }

  return {
    tier: 'sev-snp',
    level: 'hardware',
    check,
    verifyReport,
    async checkRoots() {
      await trustedAsks();
    },
    async verifySignature(evidence, context) {
      try {
        return (await check(evidence, context)).ok;
      } catch {
        return false;
      }
    },
  };
}

/**
 * Which SEV-SNP check `evidence` fails, or `undefined` when it passes them
 * all: for verification reports, logs and tests.
 */
export async function sevSnpFailure(
  verifier: SevSnpVerifier,
  evidence: Evidence,
  now: Date,
): Promise<SevSnpErrorCode | undefined> {
  const verdict = await verifier.check(evidence, { now });
  return verdict.ok ? undefined : verdict.code;
}
