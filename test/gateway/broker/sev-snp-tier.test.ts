import t from 'tap';
import { bytesToBase64, parseEvidence, sevSnpVerifier } from '../../../attest/index.js';
import { expectationsFor, judgeRelease } from '../../../gateway/broker/checks.js';
import type { BrokerStandards, ReleaseTarget } from '../../../gateway/broker/checks.js';
import { normalizeBrokerOptions } from '../../../gateway/broker/options.js';
import { NOW, NODE_ID, NONCE, RUN_ID, body, measurement, nodeKey } from '../../attest/evidence/helpers.js';
import { report, snpSignature, world } from '../../attest/evidence/sev-snp-helpers.js';

// The gateway's `broker.sevSnp` option (docs/sev-snp.md): off unless a launch measurement is allowed.
const MEASUREMENT = 'ab'.repeat(48);

t.test('the sev-snp tier is off unless a launch measurement is configured', (t) => {
  t.same(normalizeBrokerOptions({}).verifiers.tiers(), ['software']);
  t.same(normalizeBrokerOptions({ sevSnp: {} }).verifiers.tiers(), ['software']);
  t.same(normalizeBrokerOptions({ sevSnp: { allowedMeasurements: [] } }).verifiers.tiers(), ['software']);
  const on = normalizeBrokerOptions({ sevSnp: { allowedMeasurements: [MEASUREMENT], vmpl: 0 } }).verifiers;
  t.same(on.tiers(), ['software', 'sev-snp']);
  t.equal(on.get('sev-snp')?.level, 'hardware');
  t.throws(() => normalizeBrokerOptions({ sevSnp: { allowedMeasurements: ['AB'] } }), {
    name: 'TypeError',
    message: /^broker\.sevSnp: /,
  });
  t.end();
});

t.test('the broker judges sev-snp evidence with the configured verifier', async (t) => {
  const w = await world();
  const b = normalizeBrokerOptions({ sevSnp: { allowedMeasurements: [MEASUREMENT] } });
  const standards = (verifiers: BrokerStandards['verifiers']): BrokerStandards => ({
    profile: b.profile,
    seccompProfileDigest: measurement.seccompProfileDigest,
    supervisorDigests: [measurement.supervisorDigest],
    runtimeVersions: [measurement.runtimeVersion],
    evidenceTtlSeconds: 120,
    skewSeconds: 60,
    ...(verifiers !== undefined ? { verifiers } : {}),
  });
  const target: ReleaseTarget = {
    nodeId: NODE_ID,
    nodePublicKey: nodeKey.publicKey,
    runId: RUN_ID,
    nonce: NONCE,
    nonceIssuedAt: NOW,
    imageDigest: measurement.imageDigest,
    allowedImageDigests: [measurement.imageDigest],
    minimumLevel: 'hardware',
    now: NOW,
  };
  const snpBody = body({ tier: 'sev-snp' });
  const signature = snpSignature(await report(snpBody, w.vcekKeys.privateKey), w.vcek);
  const evidence = parseEvidence({ body: snpBody, signature: bytesToBase64(signature) });
  // Configured (AMD's roots): the made-up chain is not AMD's, so the signature rule fails.
  const x = expectationsFor(target, standards(b.verifiers));
  await t.rejects(judgeRelease(evidence, x, measurement.containerConfigDigest), {
    code: 'EVIDENCE_BAD_SIGNATURE',
  });
  // Not configured: the tier itself is refused.
  const off = expectationsFor(target, standards(undefined));
  await t.rejects(judgeRelease(evidence, off, measurement.containerConfigDigest), {
    code: 'EVIDENCE_UNSUPPORTED_TIER',
  });
  // With this chain trusted, the same evidence passes every rule at the hardware minimum.
  const trusted = normalizeBrokerOptions({}).verifiers.with(
    sevSnpVerifier({
      allowedMeasurements: [MEASUREMENT],
      chains: [{ ark: w.ark, ask: w.ask }],
      pinnedArkSpkiSha256: [w.arkPin],
    }),
  );
  const judgements = await judgeRelease(
    evidence,
    expectationsFor(target, standards(trusted)),
    measurement.containerConfigDigest,
  );
  t.ok(judgements.every((j) => j.ok));
});
