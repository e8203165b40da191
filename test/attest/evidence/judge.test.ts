import t from 'tap';
import nacl from 'tweetnacl';
import {
  EvidenceError,
  VerifierRegistry,
  defaultVerifiers,
  judgeEvidence,
  parseEvidence,
  softwareVerifier,
  signSoftwareEvidence,
  verifyEvidence,
  bytesToBase64,
  signingKeyPairFromSeed,
  reportData,
  REPORT_DATA_LABEL,
} from '../../../attest/index.js';
import type { EvidenceVerifier, RuleJudgement } from '../../../attest/index.js';
import {
  NOW,
  NOW_SECONDS,
  body,
  container,
  digestOf,
  expectations,
  measurement,
  nodeKey,
  signed,
  signedRaw,
} from './helpers.js';

const failures = (js: RuleJudgement[]) => js.filter((j) => !j.ok).map((j) => `${j.rule}:${j.code}`);

t.test('valid evidence passes every rule', async (t) => {
  const { evidence, judgements } = await verifyEvidence(signed(), expectations());
  t.same(evidence.ephemeralPublicKey, container.publicKey);
  t.same(
    judgements.map((j) => j.rule),
    [
      'tier',
      'signature',
      'node',
      'nonce',
      'run',
      'time',
      'measurement.imageDigest',
      'measurement.containerConfigDigest',
      'measurement.seccompProfileDigest',
      'measurement.supervisorDigest',
      'measurement.runtimeVersion',
      'model',
      'minimum-level',
    ],
  );
  t.ok(judgements.every((j) => j.ok && j.code === undefined && j.message.length > 0));
  t.equal(defaultVerifiers.get('software'), softwareVerifier);
});

t.test('each rule fails with its own code', async (t) => {
  const other = signingKeyPairFromSeed(new Uint8Array(32).fill(9));
  const cases: [string, unknown, Parameters<typeof expectations>[0], string][] = [
    ['unsupported tier', signedRaw({ tier: 'sev-snp' }), {}, 'EVIDENCE_UNSUPPORTED_TIER'],
    ['signed by another key', signSoftwareEvidence(body(), other.secretKey), {}, 'EVIDENCE_BAD_SIGNATURE'],
    [
      'node certificate of another node',
      signed(),
      { nodePublicKey: other.publicKey },
      'EVIDENCE_BAD_SIGNATURE',
    ],
    ['another node id', signed(), { nodeId: 'node_' + 'a'.repeat(32) }, 'EVIDENCE_NODE_MISMATCH'],
    ['another nonce', signed({ nonce: 'c29tZS1vdGhlci1ub25jZQ' }), {}, 'EVIDENCE_NONCE_MISMATCH'],
    ['another run', signed({ runId: 'run_other' }), {}, 'EVIDENCE_RUN_MISMATCH'],
    ['too old', signed({ time: NOW_SECONDS - 121 }), {}, 'EVIDENCE_STALE'],
    ['before its nonce', signed(), { nonceIssuedAt: new Date(NOW.getTime() + 56_000) }, 'EVIDENCE_STALE'],
    ['in the future', signed({ time: NOW_SECONDS + 61 }), {}, 'EVIDENCE_FUTURE'],
    [
      'model not allowed',
      signed(),
      { allowedImageDigests: [digestOf('another model')] },
      'EVIDENCE_MODEL_NOT_ALLOWED',
    ],
    ['tier too low', signed(), { minimumLevel: 'hardware' }, 'EVIDENCE_TIER_TOO_LOW'],
  ];
  for (const [name, doc, patch, code] of cases) {
    await t.rejects(verifyEvidence(doc, expectations(patch)), { code, name: 'EvidenceError' }, name);
    const judgements = await judgeEvidence(parseEvidence(doc), expectations(patch));
    t.ok(
      judgements.some((j) => !j.ok && j.code === code),
      `${name}: judged ${failures(judgements).join(', ')}`,
    );
  }
  t.ok(
    (await judgeEvidence(parseEvidence(signed({ time: NOW_SECONDS + 60 })), expectations())).every(
      (j) => j.ok,
    ),
    'skew boundary',
  );
  t.ok(
    (await judgeEvidence(parseEvidence(signed({ time: NOW_SECONDS - 120 })), expectations())).every(
      (j) => j.ok,
    ),
    'ttl boundary',
  );
});

t.test('a measurement mismatch names its field', async (t) => {
  for (const field of Object.keys(measurement) as (keyof typeof measurement)[]) {
    const value = field === 'runtimeVersion' ? '9.9.9' : digestOf(`tampered ${field}`);
    const doc = signed({ measurement: { ...measurement, [field]: value } });
    const allowAny = field === 'imageDigest' ? { allowedImageDigests: [value, measurement.imageDigest] } : {};
    const judgements = await judgeEvidence(parseEvidence(doc), expectations(allowAny));
    t.same(failures(judgements), [`measurement.${field}:EVIDENCE_MEASUREMENT_MISMATCH`], field);
    const err = await verifyEvidence(doc, expectations(allowAny)).catch((e: unknown) => e);
    t.match(err, { code: 'EVIDENCE_MEASUREMENT_MISMATCH', message: new RegExp(field) });
  }
});

t.test('judgeEvidence reports every failing rule at once', async (t) => {
  const doc = signedRaw({ tier: 'tdx', runId: 'run_x', time: NOW_SECONDS - 1000 });
  const judged = failures(
    await judgeEvidence(parseEvidence(doc), expectations({ minimumLevel: 'hardware' })),
  );
  t.same(judged, [
    'tier:EVIDENCE_UNSUPPORTED_TIER',
    'signature:EVIDENCE_BAD_SIGNATURE',
    'run:EVIDENCE_RUN_MISMATCH',
    'time:EVIDENCE_STALE',
    'minimum-level:EVIDENCE_TIER_TOO_LOW',
  ]);
});

t.test('forged and tampered evidence fails', async (t) => {
  const doc = signed();
  const tampered = (patch: Record<string, unknown>) => ({ ...doc, body: { ...doc.body, ...patch } });
  const swapKey = tampered({ ephemeralPublicKey: bytesToBase64(nacl.box.keyPair().publicKey) });
  await t.rejects(
    verifyEvidence(swapKey, expectations()),
    { code: 'EVIDENCE_BAD_SIGNATURE' },
    'attacker swaps the container key',
  );
  const later = tampered({ time: doc.body.time + 1 });
  await t.rejects(verifyEvidence(later, expectations()), { code: 'EVIDENCE_BAD_SIGNATURE' }, 'time moved');
  const m = tampered({ measurement: { ...measurement, supervisorDigest: digestOf('x') } });
  await t.rejects(
    verifyEvidence(m, expectations()),
    { code: 'EVIDENCE_BAD_SIGNATURE' },
    'measurement changed after signing',
  );
  const sig = Buffer.from(doc.signature, 'base64');
  sig[10] ^= 1;
  await t.rejects(verifyEvidence({ ...doc, signature: sig.toString('base64') }, expectations()), {
    code: 'EVIDENCE_BAD_SIGNATURE',
  });
  await t.rejects(
    verifyEvidence({ ...doc, signature: 'AAAA' }, expectations()),
    { code: 'EVIDENCE_BAD_SIGNATURE' },
    'short signature',
  );
  // A signature by the node key over the same JCS body without the domain label is not evidence.
  const undomained = nacl.sign.detached(Buffer.from(JSON.stringify(doc.body)), nodeKey.secretKey);
  await t.rejects(verifyEvidence({ ...doc, signature: bytesToBase64(undomained) }, expectations()), {
    code: 'EVIDENCE_BAD_SIGNATURE',
  });
  await t.rejects(verifyEvidence(doc, expectations({ nodePublicKey: new Uint8Array(31) })), {
    code: 'EVIDENCE_BAD_SIGNATURE',
  });
  await t.rejects(verifyEvidence({ body: doc.body }, expectations()), { code: 'EVIDENCE_MALFORMED' });
});

// A fake hardware tier, to show the extension point: a TEE report binding reportData(body).
// Here the "report" is just the 64 bytes of reportData, so it is trivially forgeable: test only.
const fakeTee: EvidenceVerifier = {
  tier: 'fake-tee',
  level: 'hardware',
  verifySignature(evidence) {
    return Promise.resolve(Buffer.from(evidence.signature).equals(Buffer.from(reportData(evidence.body))));
  },
};

t.test('a new tier is a verifier registered in the allowlist', async (t) => {
  const registry = defaultVerifiers.with(fakeTee);
  t.same(registry.tiers(), ['software', 'fake-tee']);
  const teeBody = body({ tier: 'fake-tee' });
  const doc = { body: teeBody, signature: bytesToBase64(reportData(teeBody)) };
  await t.rejects(
    verifyEvidence(doc, expectations({ minimumLevel: 'hardware' })),
    { code: 'EVIDENCE_UNSUPPORTED_TIER' },
    'not allowed by default',
  );
  const { judgements } = await verifyEvidence(
    doc,
    expectations({ minimumLevel: 'hardware', verifiers: registry }),
  );
  t.ok(
    judgements.every((j) => j.ok),
    'hardware evidence meets a hardware minimum',
  );
  await t.rejects(verifyEvidence(signed(), expectations({ minimumLevel: 'hardware', verifiers: registry })), {
    code: 'EVIDENCE_TIER_TOO_LOW',
  });
  const wrong = { ...doc, signature: bytesToBase64(new Uint8Array(64)) };
  await t.rejects(verifyEvidence(wrong, expectations({ verifiers: registry })), {
    code: 'EVIDENCE_BAD_SIGNATURE',
  });
  const throwing: EvidenceVerifier = {
    ...fakeTee,
    tier: 'broken',
    verifySignature: () => {
      throw new Error('bug');
    },
  };
  const broken = { body: body({ tier: 'broken' }), signature: 'AA==' };
  await t.rejects(
    verifyEvidence(broken, expectations({ verifiers: new VerifierRegistry([throwing]) })),
    {
      code: 'EVIDENCE_BAD_SIGNATURE',
    },
    'a verifier that throws counts as a failed signature',
  );
  t.throws(() => registry.with(fakeTee), TypeError);
  t.equal(reportData(teeBody).length, 64);
  t.equal(REPORT_DATA_LABEL, 'sealgate/v1/evidence/report-data');
});

t.test('misuse is a TypeError', async (t) => {
  await t.rejects(verifyEvidence(signed(), expectations({ ttlSeconds: -1 })), TypeError);
  await t.rejects(verifyEvidence(signed(), expectations({ skewSeconds: 1.5 })), TypeError);
  t.throws(() => signSoftwareEvidence(body({ tier: 'fake-tee' }), nodeKey.secretKey), TypeError);
  t.throws(() => signSoftwareEvidence(body(), nodeKey.publicKey), TypeError);
  t.throws(() => signSoftwareEvidence(body({ runId: 'bad run' }), nodeKey.secretKey), {
    code: 'EVIDENCE_MALFORMED',
  });
  t.ok(new EvidenceError('EVIDENCE_STALE', 'x').path === undefined);
});
