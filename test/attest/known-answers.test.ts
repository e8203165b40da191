/**
 * Known-answer tests for sealgate's own wire formats: the examples printed in
 * docs/protocols.md, computed once with this code from fixed seeds (Ed25519 is
 * deterministic) and pinned here, so the documented bytes stay true and other
 * implementations (the PKI's node id, a browser client) can check themselves.
 */
import t from 'tap';
import {
  accountId,
  bytesToBase64,
  bytesToHex,
  measurementDigest,
  nodeId,
  signRequest,
  signSoftwareEvidence,
  signingKeyPairFromSeed,
} from '../../attest/index.js';

const account = signingKeyPairFromSeed(new Uint8Array(32).fill(1));
const node = signingKeyPairFromSeed(new Uint8Array(32).fill(7));
const digest = (byte: number) => `sha256:${bytesToHex(new Uint8Array(32).fill(byte))}`;

t.test('ids', (t) => {
  t.equal(accountId(account.publicKey), 'acct_fxtwg3umpjsmqohbhiofsmrbn73phj7m');
  t.equal(nodeId(node.publicKey), 'node_clbceltwgt6uckkujqko2wtldyy4skq7');
  t.end();
});

t.test('signed request', (t) => {
  const headers = signRequest({
    method: 'POST',
    path: '/v1/runs?dry=1',
    body: '{"datasetId":"ds_1","modelDigest":"sha256:…","steps":100}',
    key: account,
    keyId: accountId(account.publicKey),
    now: new Date('2025-01-01T00:00:00Z'),
    nonce: 'q3v1Ujm8Zb1ZcyqF3tqW9A',
  });
  t.same(headers, {
    'content-digest': 'sha-256=:Z6lqrH3ecVtV9yC57A873NW7Yeo5K1pk6DSb8TGGcnY=:',
    'signature-input':
      'sealgate=("@method" "@path" "@query" "content-digest");created=1735689600;nonce="q3v1Ujm8Zb1ZcyqF3tqW9A";keyid="acct_fxtwg3umpjsmqohbhiofsmrbn73phj7m";alg="ed25519"',
    signature:
      'sealgate=:enhEQFSSSHmRYYBflQrg68N6QQdxjJn2NJVTkkTrawPwdV4tpTushAQrrsij8xQVizyvbeTKewGbNxRAyW0KAA==:',
  });
  t.end();
});

t.test('software evidence', (t) => {
  const doc = signSoftwareEvidence(
    {
      version: 1,
      tier: 'software',
      nodeId: nodeId(node.publicKey),
      runId: 'run_01HZX3Y4',
      nonce: 'bm9uY2Utb2YtdGhlLWdhdGV3YXk',
      measurement: {
        imageDigest: digest(0x11),
        containerConfigDigest: digest(0x22),
        seccompProfileDigest: digest(0x33),
        supervisorDigest: digest(0x44),
        runtimeVersion: '0.1.0',
      },
      ephemeralPublicKey: bytesToBase64(new Uint8Array(32).fill(9)),
      time: 1740830395,
    },
    node.secretKey,
  );
  t.equal(
    doc.signature,
    'NSPpxj3gPk1JWoOMmJLzfQ53FeUBLePSZoad7vkJoNFpMG9jJkqNLwIfheXjJAronCiOEaRZ4l/GwalPk0YkDA==',
  );
  t.equal(
    measurementDigest(doc.body.measurement),
    'sha256:90e7c3f5e108dfe0c6573340305d087236bf358de646886e4138925aa1d289f7',
  );
  t.end();
});
