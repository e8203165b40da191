import t from 'tap';
import {
  EvidenceError,
  SevSnpError,
  bytesToBase64,
  defaultVerifiers,
  judgeEvidence,
  parseEvidence,
  sevSnpFailure,
  sevSnpVerifier,
  verifyEvidence,
} from '../../../attest/index.js';
import type { Evidence, EvidenceBody, SevSnpOptions, SevSnpVerifier } from '../../../attest/index.js';
import { NOW, body, expectations } from './helpers.js';
import type { ReportSpec } from './sev-snp-helpers.js';
import {
  CHIP_ID,
  MEASUREMENT_HEX,
  P384,
  RSA_PSS,
  TCB,
  certificate,
  report,
  snpSignature,
  tcbBytes,
  vcekExtensions,
  world,
} from './sev-snp-helpers.js';

const subtle = globalThis.crypto.subtle;
const w = await world();
const snpBody: EvidenceBody = body({ tier: 'sev-snp' });
const options = (patch: Partial<SevSnpOptions> = {}): SevSnpOptions => ({
  allowedMeasurements: ['cd'.repeat(48), MEASUREMENT_HEX],
  chains: [{ ark: w.ark, ask: w.ask }],
  pinnedArkSpkiSha256: [w.arkPin],
  ...patch,
});
const verifier = sevSnpVerifier(options());

function evidence(signature: Uint8Array, b: EvidenceBody = snpBody): Evidence {
  return parseEvidence({ body: b, signature: bytesToBase64(signature) });
}
async function signedReport(patch: ReportSpec = {}, vcek = w.vcek, key = w.vcekKeys.privateKey) {
  return evidence(snpSignature(await report(snpBody, key, patch), vcek));
}
async function failure(e: Evidence, v: SevSnpVerifier = verifier, now = NOW) {
  return sevSnpFailure(v, e, now);
}

t.test('a genuine report that binds the body passes, through judgeEvidence and verifyEvidence', async (t) => {
  const e = await signedReport();
  const verdict = await verifier.check(e, { now: NOW });
  t.ok(verdict.ok);
  t.equal(await failure(e), undefined);
  t.equal(await verifier.verifySignature(e, { nodePublicKey: new Uint8Array(32), now: NOW }), true);
  const verifiers = defaultVerifiers.with(verifier);
  const x = expectations({ verifiers, minimumLevel: 'hardware' });
  const input = { body: snpBody, signature: bytesToBase64(e.signature) };
  const { judgements } = await verifyEvidence(input, x);
  t.ok(judgements.every((j) => j.ok));
  t.same(
    judgements.filter((j) => ['signature', 'minimum-level'].includes(j.rule)).map((j) => j.message),
    ['signed for tier sev-snp by the node key', 'hardware meets the minimum hardware'],
  );
  // The software tier does not meet a hardware minimum.
  const soft = await judgeEvidence(parseEvidence(input), { ...x, verifiers: defaultVerifiers });
  t.equal(soft.find((j) => j.rule === 'tier')?.code, 'EVIDENCE_UNSUPPORTED_TIER');
  // A failed SNP check is a bad signature to the key-release rules.
  const tampered = {
    body: snpBody,
    signature: bytesToBase64(e.signature.map((b, i) => (i === 100 ? b ^ 1 : b))),
  };
  await t.rejects(verifyEvidence(tampered, x), { name: 'EvidenceError', code: 'EVIDENCE_BAD_SIGNATURE' });
  t.ok(EvidenceError);
});

t.test('each attack fails for its own reason', async (t) => {
  const good = await report(snpBody, w.vcekKeys.privateKey);
  const flipped = good.slice();
  flipped[0x90] ^= 1; // one byte of MEASUREMENT after signing
  const otherAsk = await subtle.generateKey(RSA_PSS, true, ['sign', 'verify']);
  const strayVcek = await certificate({
    subject: 'SEV-VCEK',
    issuer: 'SEV-Milan',
    subjectKey: w.vcekKeys.publicKey,
    issuerKey: otherAsk.privateKey,
    extensions: vcekExtensions(),
  });
  const vcekFor = (tcb = TCB, chip = CHIP_ID) =>
    certificate({
      subject: 'SEV-VCEK',
      issuer: 'SEV-Milan',
      subjectKey: w.vcekKeys.publicKey,
      issuerKey: w.askKeys.privateKey,
      extensions: vcekExtensions(tcb, chip),
    });
  const cases: [string, Evidence, string][] = [
    ['a tampered report byte', evidence(snpSignature(flipped, w.vcek)), 'SNP_BAD_REPORT_SIGNATURE'],
    [
      'REPORT_DATA of another body',
      await signedReport({ reportData: new Uint8Array(64).fill(1) }),
      'SNP_REPORT_DATA_MISMATCH',
    ],
    [
      'the evidence body changed after the report',
      evidence(snpSignature(good, w.vcek), body({ tier: 'sev-snp', runId: 'run_x' })),
      'SNP_REPORT_DATA_MISMATCH',
    ],
    ['a debuggable guest', await signedReport({ policy: 0x30000n | (1n << 19n) }), 'SNP_DEBUG_POLICY'],
    ['another VMPL', await signedReport({ vmpl: 1 }), 'SNP_VMPL_MISMATCH'],
    [
      'a measurement not allowed',
      await signedReport({ measurement: new Uint8Array(48) }),
      'SNP_MEASUREMENT_NOT_ALLOWED',
    ],
    ['a VCEK signed by another key', evidence(snpSignature(good, strayVcek)), 'SNP_CHAIN_INVALID'],
    [
      'a TCB other than the VCEK was issued for',
      evidence(snpSignature(good, await vcekFor({ ...TCB, snp: 26 }))),
      'SNP_TCB_MISMATCH',
    ],
    [
      'another chip than the VCEK',
      evidence(snpSignature(good, await vcekFor(TCB, new Uint8Array(64)))),
      'SNP_CHIP_ID_MISMATCH',
    ],
    ['a report version 1', await signedReport({ version: 1 }), 'SNP_REPORT_VERSION'],
    [
      'another signature algorithm',
      await signedReport({ signatureAlgorithm: 2 }),
      'SNP_UNSUPPORTED_ALGORITHM',
    ],
    ['a VLEK-signed report', await signedReport({ flags: 1 << 2 }), 'SNP_SIGNING_KEY_UNSUPPORTED'],
    ['a truncated report', evidence(snpSignature(good, w.vcek).subarray(0, 1000)), 'SNP_LAYOUT_MALFORMED'],
    [
      'a VCEK that is not a certificate',
      evidence(snpSignature(good, new Uint8Array([0x30, 0x00]))),
      'SNP_CERT_MALFORMED',
    ],
    ['a signature of the software tier', evidence(new Uint8Array(64)), 'SNP_LAYOUT_MALFORMED'],
  ];
  for (const [name, e, code] of cases) {
    t.equal(await failure(e), code, name);
    t.equal(await verifier.verifySignature(e, { nodePublicKey: new Uint8Array(32), now: NOW }), false, name);
  }
});

t.test('an attacker root named like AMD is not trusted: the ARK is pinned by its key', async (t) => {
  const fake = await world(); // self-signed "ARK-Milan", "SEV-Milan", a VCEK: a complete chain of the attacker's
  const e = evidence(snpSignature(await report(snpBody, fake.vcekKeys.privateKey), fake.vcek));
  const withAmdPins = sevSnpVerifier(
    options({ chains: [{ ark: fake.ark, ask: fake.ask }], pinnedArkSpkiSha256: undefined }),
  );
  t.equal(await failure(e, withAmdPins), 'SNP_UNPINNED_ROOT');
  t.equal(
    await failure(e, sevSnpVerifier(options({ pinnedArkSpkiSha256: [fake.arkPin] }))),
    'SNP_UNPINNED_ROOT',
  );
  // Our chain trusted, the attacker's VCEK offered: not signed by our ASK.
  t.equal(await failure(e), 'SNP_CHAIN_INVALID');
});

t.test('a broken configured chain fails every report', async (t) => {
  const e = await signedReport();
  const other = await world();
  // The ASK is not signed by the ARK.
  t.equal(
    await failure(e, sevSnpVerifier(options({ chains: [{ ark: w.ark, ask: other.ask }] }))),
    'SNP_CHAIN_INVALID',
  );
  // An "ARK" that is not self-signed (signed by another key), though pinned.
  const notSelf = await certificate({
    subject: 'ARK-Milan',
    issuer: 'ARK-Milan',
    subjectKey: w.arkKeys.publicKey,
    issuerKey: other.arkKeys.privateKey,
  });
  t.equal(
    await failure(e, sevSnpVerifier(options({ chains: [{ ark: notSelf, ask: w.ask }] }))),
    'SNP_CHAIN_INVALID',
  );
  // RSA-PSS with a salt other than 48 is not AMD's scheme.
  const salt32 = await certificate({
    subject: 'ARK-Milan',
    issuer: 'ARK-Milan',
    subjectKey: w.arkKeys.publicKey,
    issuerKey: w.arkKeys.privateKey,
    salt: 32,
  });
  t.equal(
    await failure(e, sevSnpVerifier(options({ chains: [{ ark: salt32, ask: w.ask }] }))),
    'SNP_CHAIN_INVALID',
  );
  // An ARK whose key is not RSA.
  const ec = await subtle.generateKey(P384, true, ['sign', 'verify']);
  const ecArk = await certificate({
    subject: 'ARK-Milan',
    issuer: 'ARK-Milan',
    subjectKey: ec.publicKey,
    issuerKey: w.arkKeys.privateKey,
  });
  const ecPin = (await import('../../../attest/index.js')).spkiSha256(
    new Uint8Array(await subtle.exportKey('spki', ec.publicKey)),
  );
  t.equal(
    await failure(
      e,
      sevSnpVerifier(options({ chains: [{ ark: ecArk, ask: w.ask }], pinnedArkSpkiSha256: [ecPin] })),
    ),
    'SNP_CHAIN_INVALID',
  );
});

t.test('certificates outside their validity and the minimum TCB', async (t) => {
  const e = await signedReport();
  t.equal(await failure(e, verifier, new Date('2046-01-01T00:00:00Z')), 'SNP_CERT_EXPIRED');
  t.equal(await failure(e, verifier, new Date('2019-01-01T00:00:00Z')), 'SNP_CERT_EXPIRED');
  const expiredVcek = await certificate({
    subject: 'SEV-VCEK',
    issuer: 'SEV-Milan',
    subjectKey: w.vcekKeys.publicKey,
    issuerKey: w.askKeys.privateKey,
    extensions: vcekExtensions(),
    notAfter: new Date('2025-01-01T00:00:00Z'),
  });
  const good = await report(snpBody, w.vcekKeys.privateKey);
  t.equal(await failure(evidence(snpSignature(good, expiredVcek))), 'SNP_CERT_EXPIRED');
  t.equal(
    await failure(e, sevSnpVerifier(options({ minimumTcb: { ...TCB, microcode: 223 } }))),
    'SNP_TCB_TOO_LOW',
  );
  t.equal(await failure(e, sevSnpVerifier(options({ minimumTcb: TCB }))), undefined);
  t.equal(await failure(e, sevSnpVerifier(options({ vmpl: 2 }))), 'SNP_VMPL_MISMATCH');
  t.same(tcbBytes(TCB), [4, 0, 0, 0, 0, 0, 27, 222]);
});

t.test('options are checked when the verifier is made', (t) => {
  const bad: [string, Partial<SevSnpOptions>][] = [
    ['no measurement', { allowedMeasurements: [] }],
    ['uppercase measurement', { allowedMeasurements: ['AB'.repeat(48)] }],
    ['short pin', { pinnedArkSpkiSha256: ['ab'] }],
    ['no pins', { pinnedArkSpkiSha256: [] }],
    ['vmpl 4', { vmpl: 4 }],
    ['bad minimum TCB', { minimumTcb: { ...TCB, snp: 256 } }],
    ['no chains', { chains: [] }],
    ['not PEM', { chains: [{ ark: 'ARK-Milan', ask: w.ask }] }],
    ['not a certificate', { chains: [{ ark: new Uint8Array([1, 2, 3]), ask: w.ask }] }],
  ];
  for (const [name, patch] of bad) t.throws(() => sevSnpVerifier(options(patch)), TypeError, name);
  const v = sevSnpVerifier({ allowedMeasurements: [MEASUREMENT_HEX] });
  t.equal(v.tier, 'sev-snp');
  t.equal(v.level, 'hardware');
  t.ok(new SevSnpError('SNP_DEBUG_POLICY', 'x') instanceof Error);
  t.end();
});
