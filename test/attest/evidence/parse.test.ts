import t from 'tap';
import { sha256 } from '@noble/hashes/sha2.js';
import type { EvidenceError } from '../../../attest/index.js';
import {
  bytesToBase64,
  bytesToHex,
  canonicalize,
  canonicalizeBytes,
  measurementDigest,
  parseEvidence,
} from '../../../attest/index.js';
import { body, container, measurement, signed } from './helpers.js';

function withBody(patch: Record<string, unknown>): unknown {
  const doc = signed();
  return { ...doc, body: { ...doc.body, ...patch } };
}

t.test('well-formed evidence parses into a typed, frozen copy', (t) => {
  const doc = signed();
  const evidence = parseEvidence(JSON.parse(JSON.stringify(doc)));
  t.same(evidence.body, doc.body);
  t.same(evidence.ephemeralPublicKey, container.publicKey);
  t.equal(evidence.signature.length, 64);
  t.ok(
    Object.isFrozen(evidence) && Object.isFrozen(evidence.body) && Object.isFrozen(evidence.body.measurement),
  );
  t.end();
});

t.test('each malformed field is named by its path', (t) => {
  const m = (patch: Record<string, unknown>) => ({ measurement: { ...measurement, ...patch } });
  const cases: [unknown, string][] = [
    [null, '$'],
    ['evidence', '$'],
    [[], '$'],
    [{ body: body() }, 'signature'],
    [{ ...signed(), extra: 1 }, 'extra'],
    [withBody({ extra: 1 }), 'body.extra'],
    [withBody({ version: '1' }), 'body.version'],
    [withBody({ tier: 'Software' }), 'body.tier'],
    [withBody({ tier: 'x'.repeat(33) }), 'body.tier'],
    [withBody({ nodeId: 'node_short' }), 'body.nodeId'],
    [withBody({ nodeId: 'acct_' + 'a'.repeat(32) }), 'body.nodeId'],
    [withBody({ runId: '' }), 'body.runId'],
    [withBody({ runId: 'r'.repeat(129) }), 'body.runId'],
    [withBody({ runId: 'run 1' }), 'body.runId'],
    [withBody({ nonce: 'too-short' }), 'body.nonce'],
    [withBody({ nonce: 'a+b/c=dddddddddddddddd' }), 'body.nonce'],
    [withBody(m({ imageDigest: 'sha256:' + 'A'.repeat(64) })), 'body.measurement.imageDigest'],
    [
      withBody(m({ containerConfigDigest: 'sha512:' + 'a'.repeat(64) })),
      'body.measurement.containerConfigDigest',
    ],
    [
      withBody(m({ seccompProfileDigest: 'sha256:' + 'a'.repeat(63) })),
      'body.measurement.seccompProfileDigest',
    ],
    [withBody(m({ supervisorDigest: 42 })), 'body.measurement.supervisorDigest'],
    [withBody(m({ runtimeVersion: '' })), 'body.measurement.runtimeVersion'],
    [withBody(m({ gpu: true })), 'body.measurement.gpu'],
    [withBody({ measurement: undefined }), 'body.measurement'],
    [withBody({ ephemeralPublicKey: bytesToBase64(new Uint8Array(31)) }), 'body.ephemeralPublicKey'],
    [
      withBody({ ephemeralPublicKey: bytesToBase64(container.publicKey).replace(/.=$/, 'B=') }),
      'body.ephemeralPublicKey',
    ],
    [withBody({ time: -1 }), 'body.time'],
    [withBody({ time: 1.5 }), 'body.time'],
    [withBody({ time: 1e300 }), 'body.time'],
    [{ ...signed(), signature: 'not base64' }, 'signature'],
    [{ ...signed(), signature: 'AAA=' + 'AAAA' }, 'signature'],
    [{ ...signed(), signature: 'AB==' }, 'signature'],
    [{ ...signed(), signature: 'A'.repeat(70000) }, 'signature'],
    [JSON.parse(`{"body":${JSON.stringify(body())},"signature":"AA==","__proto__":{}}`), '__proto__'],
    [withBody({ 'we/ird\n~': 1 }), 'body."we/ird\\n~"'],
  ];
  for (const [input, path] of cases) {
    const err = t.throws(
      () => parseEvidence(input),
      { code: 'EVIDENCE_MALFORMED', name: 'EvidenceError' },
      path,
    );
    t.equal((err as EvidenceError).path, path, `path ${path}`);
  }
  t.end();
});

t.test('another version has its own code', (t) => {
  t.throws(() => parseEvidence(withBody({ version: 2 })), { code: 'EVIDENCE_UNSUPPORTED_VERSION' });
  t.throws(() => parseEvidence(withBody({ version: 0, tier: 7 })), { code: 'EVIDENCE_UNSUPPORTED_VERSION' });
  t.end();
});

t.test('measurementDigest is SHA-256 over the JCS of the measurement', (t) => {
  const expected = `sha256:${bytesToHex(sha256(canonicalizeBytes(measurement)))}`;
  t.equal(measurementDigest(measurement), expected);
  t.equal(measurementDigest({ ...measurement, ...{ extra: 'ignored' } }), expected, 'only the five fields');
  t.not(measurementDigest({ ...measurement, runtimeVersion: '0.1.1' }), expected);
  t.match(canonicalize(measurement), /^\{"containerConfigDigest":/);
  t.end();
});
