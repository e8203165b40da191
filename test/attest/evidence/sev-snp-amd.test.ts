import t from 'tap';
import {
  AMD_ARK_GENOA_PEM,
  AMD_ARK_GENOA_SPKI_SHA256,
  AMD_ARK_MILAN_PEM,
  AMD_ARK_MILAN_SPKI_SHA256,
  AMD_ARK_SPKI_SHA256,
  AMD_ASK_GENOA_PEM,
  AMD_ASK_MILAN_PEM,
  AMD_SEV_SNP_CHAINS,
  bytesToBase64,
  bytesToHex,
  certificateDer,
  encodeSevSnpSignature,
  parseEvidence,
  parseSnpCertificate,
  sevSnpVerifier,
  spkiSha256,
} from '../../../attest/index.js';
import { body } from './helpers.js';
import { GCP_REPORT_HEX, GCP_VCEK_PEM } from './sev-snp-real.js';

// Real data: AMD's ARK/ASK (attest/evidence/amd-roots.ts) and a Google Cloud report (./sev-snp-real.ts).
const NOW = new Date('2026-01-15T00:00:00Z');
const hexBytes = (hex: string) =>
  Uint8Array.from(hex.replace(/\s+/g, '').match(/../g) ?? [], (h) => parseInt(h, 16));
const gcpReport = hexBytes(GCP_REPORT_HEX);
const gcpVcek = certificateDer(GCP_VCEK_PEM);
const GCP_MEASUREMENT =
  'b747d55452e0b9e9079770a49e397c5e6d9573581e246da7baac4f28b5cdc5b1b6d19251b8ee600fd16a3708f58406f3';

t.test(
  "AMD's real ARKs are self-signed and match their pins; each real ASK is signed by its ARK",
  async (t) => {
    const lines: [string, string, string, string][] = [
      ['Milan', AMD_ARK_MILAN_PEM, AMD_ASK_MILAN_PEM, AMD_ARK_MILAN_SPKI_SHA256],
      ['Genoa', AMD_ARK_GENOA_PEM, AMD_ASK_GENOA_PEM, AMD_ARK_GENOA_SPKI_SHA256],
    ];
    for (const [name, ark, ask, pin] of lines) {
      t.equal(spkiSha256(parseSnpCertificate(certificateDer(ark), 'ARK').spki), pin, `${name} ARK pin`);
      const v = sevSnpVerifier({
        allowedMeasurements: [GCP_MEASUREMENT],
        chains: [{ ark, ask }],
        pinnedArkSpkiSha256: [pin],
      });
      await t.resolves(v.checkRoots(), `${name}: ARK self-signed and pinned, ASK signed by ARK`);
    }
    t.same(AMD_ARK_SPKI_SHA256, [AMD_ARK_MILAN_SPKI_SHA256, AMD_ARK_GENOA_SPKI_SHA256]);
    t.equal(AMD_SEV_SNP_CHAINS.length, 2);
    // Crossed lines: Genoa's ASK is not signed by Milan's ARK; Milan's ARK is not Genoa's pin.
    const crossed = sevSnpVerifier({
      allowedMeasurements: [GCP_MEASUREMENT],
      chains: [{ ark: AMD_ARK_MILAN_PEM, ask: AMD_ASK_GENOA_PEM }],
    });
    await t.rejects(crossed.checkRoots(), { name: 'SevSnpError', code: 'SNP_CHAIN_INVALID' });
    const unpinned = sevSnpVerifier({
      allowedMeasurements: [GCP_MEASUREMENT],
      chains: [{ ark: AMD_ARK_MILAN_PEM, ask: AMD_ASK_MILAN_PEM }],
      pinnedArkSpkiSha256: [AMD_ARK_GENOA_SPKI_SHA256],
    });
    await t.rejects(unpinned.checkRoots(), { name: 'SevSnpError', code: 'SNP_UNPINNED_ROOT' });
  },
);

t.test('a real Google Cloud SEV-SNP report verifies against its real VCEK and AMD Milan chain', async (t) => {
  const verifier = sevSnpVerifier({ allowedMeasurements: [GCP_MEASUREMENT] }); // AMD's default roots and pins
  const signature = encodeSevSnpSignature(gcpReport, gcpVcek);
  const report = await verifier.verifyReport(signature, NOW);
  t.equal(report.version, 5);
  t.equal(report.vmpl, 0);
  t.equal(bytesToHex(report.measurement), GCP_MEASUREMENT);
  t.same(report.reportedTcb, { bootLoader: 4, tee: 0, snp: 27, microcode: 222 });
  t.equal(report.policy & (1n << 19n), 0n);
  // Report data aside: this report binds no sealgate body (its REPORT_DATA is zero),
  // so the full check gets past every genuineness check and stops there.
  const e = parseEvidence({ body: body({ tier: 'sev-snp' }), signature: bytesToBase64(signature) });
  t.same(await verifier.check(e, { now: NOW }), {
    ok: false,
    code: 'SNP_REPORT_DATA_MISMATCH',
    message: 'REPORT_DATA does not bind this evidence body',
  });
  const tampered = gcpReport.slice();
  tampered[0x90] ^= 1;
  await t.rejects(verifier.verifyReport(encodeSevSnpSignature(tampered, gcpVcek), NOW), {
    code: 'SNP_BAD_REPORT_SIGNATURE',
  });
  // The VCEK was issued under Milan: a verifier that trusts only Genoa refuses it.
  const genoa = sevSnpVerifier({
    allowedMeasurements: [GCP_MEASUREMENT],
    chains: [{ ark: AMD_ARK_GENOA_PEM, ask: AMD_ASK_GENOA_PEM }],
  });
  await t.rejects(genoa.verifyReport(signature, NOW), { code: 'SNP_CHAIN_INVALID' });
  await t.rejects(verifier.verifyReport(signature, new Date('2033-01-01T00:00:00Z')), {
    code: 'SNP_CERT_EXPIRED',
  });
});
