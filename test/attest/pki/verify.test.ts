import t from 'tap';
import forge from 'node-forge';
import nacl from 'tweetnacl';
import {
  PkiError,
  RevocationList,
  createNodeCsr,
  issueNodeCertificate,
  issueServerCertificate,
  verifyNodeCertificate,
} from '../../../attest/index.js';
import { derToPem, encodeOid, fromBinary, pemToDer } from '../../../attest/pki/der.js';
import { nodeId as nodeIdFromPublicKey } from '../../../attest/index.js';
import {
  DAY,
  NOW,
  bentCertificate,
  flipDerBit,
  mutatePem,
  pemOf,
  rsaKeyPair,
  testCa,
  type CertRecipe,
} from './helpers.js';

// verifyNodeCertificate: an honest certificate verifies, and each broken rule
// fails with its own code, checked in order (malformed, algorithm, trust, node
// identity, validity, revocation). Frozen clock; keys generated per run.

const LABEL = 'CERTIFICATE';
const ca = testCa();
const tls = rsaKeyPair();
const node = nacl.sign.keyPair();
const honest: CertRecipe = { ca, tls, node };
const none = new RevocationList();
const options = { caCertPem: ca.certPem, revocations: none, now: NOW };
const verify = (cert: string | Uint8Array, change: Partial<typeof options> = {}) =>
  verifyNodeCertificate(cert, { ...options, ...change });
const fail = (code: string) => ({ constructor: PkiError, code });

t.test('an honest certificate verifies, as PEM or as DER bytes', async (t) => {
  const { csrPem } = createNodeCsr({ nodeKey: node.secretKey, tlsKey: pemOf(tls) });
  const issued = await issueNodeCertificate(csrPem, {
    ca,
    now: NOW,
    validityDays: 30,
    enrollment: () => true,
  });
  const fromPem = verify(issued.certPem);
  const fromDer = verify(fromBinary(pemToDer(issued.certPem, LABEL)));
  t.same(fromDer, fromPem);
  t.equal(fromPem.nodeId, nodeIdFromPublicKey(node.publicKey));
  t.equal(
    verify(bentCertificate(honest)).serial,
    '0a1b2c3d',
    'the bent-certificate helper is honest by default',
  );
});

t.test('anything but a canonical DER X.509 v3 certificate is PKI_CERT_MALFORMED', (t) => {
  const good = bentCertificate(honest);
  const der = fromBinary(pemToDer(good, LABEL));
  const cases: [string, string | Uint8Array][] = [
    ['garbage text', 'garbage'],
    ['a CSR label', good.replace(/CERTIFICATE/g, 'CERTIFICATE REQUEST')],
    ['truncated DER', der.subarray(0, der.length - 1)],
    ['trailing bytes', Uint8Array.from([...der, 0])],
    ['a BER long-form length', Uint8Array.from([0x30, 0x83, 0x00, ...der.subarray(2)])],
    [
      'an extra top-level field',
      mutatePem(good, LABEL, (tree) =>
        (tree.value as forge.asn1.Asn1[]).push(forge.asn1.create(0, 5, false, '')),
      ),
    ],
    [
      'a v1 certificate (no version field)',
      mutatePem(good, LABEL, (tree) =>
        ((tree.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[]).shift(),
      ),
    ],
    ['an empty byte array', new Uint8Array(0)],
  ];
  for (const [name, input] of cases) t.throws(() => verify(input), fail('PKI_CERT_MALFORMED'), name);
  t.equal(der[1], 0x82, 'the honest certificate has a two-byte length');
  t.end();
});

t.test('other algorithms are PKI_UNSUPPORTED_ALGORITHM', (t) => {
  t.throws(
    () => verify(bentCertificate({ ...honest, sha1: true })),
    fail('PKI_UNSUPPORTED_ALGORITHM'),
    'SHA-1',
  );
  const short = bentCertificate({ ...honest, tls: rsaKeyPair(1024) });
  t.throws(() => verify(short), fail('PKI_UNSUPPORTED_ALGORITHM'), 'a 1024-bit key');
  const ecKey = mutatePem(bentCertificate(honest), LABEL, (tree) => {
    const tbs = (tree.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    const algorithm = (tbs[6].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    algorithm[0].value = encodeOid('1.2.840.10045.2.1'); // id-ecPublicKey (RFC 5480)
  });
  t.throws(() => verify(ecKey), fail('PKI_UNSUPPORTED_ALGORITHM'), 'an EC key');
  t.end();
});

t.test('a certificate the node CA did not sign is PKI_CERT_UNTRUSTED', (t) => {
  const stranger = testCa('another CA');
  const sameName = testCa('sealgate test CA');
  const cases: [string, string][] = [
    ['issued by another CA', bentCertificate({ ...honest, ca: stranger })],
    ['issued by an impostor CA with the same name', bentCertificate({ ...honest, ca: sameName })],
    ['signature bit flipped', flipDerBit(bentCertificate(honest), LABEL, -3)],
    ['signed bytes changed (serial)', flipDerBit(bentCertificate(honest), LABEL, 15)],
    ['the CA certificate itself, under another CA', stranger.certPem],
  ];
  for (const [name, cert] of cases) t.throws(() => verify(cert), fail('PKI_CERT_UNTRUSTED'), name);
  t.end();
});

t.test('a trusted certificate without a valid node identity is PKI_NOT_NODE_CERTIFICATE', (t) => {
  const server = issueServerCertificate({
    ca,
    now: NOW,
    validityDays: 1,
    commonName: 'gw',
    ipAddresses: ['127.0.0.1'],
  });
  const id = nodeIdFromPublicKey(node.publicKey);
  const cases: [string, string][] = [
    ['the CA certificate', ca.certPem],
    ['a server certificate', server.certPem],
    ['no node extensions', bentCertificate({ ...honest, extensions: [] })],
    ['no proof of possession', bentCertificate({ ...honest, extensions: ['key'] })],
    ['a proof by another node key', bentCertificate({ ...honest, popSigner: nacl.sign.keyPair().secretKey })],
    ['a proof over another TLS key', bentCertificate({ ...honest, popCovers: rsaKeyPair().publicKey })],
    ['a CN that is not the node id', bentCertificate({ ...honest, commonName: 'node_someoneelse' })],
    ['no SAN URI', bentCertificate({ ...honest, sanUris: [] })],
    ['a SAN URI for another id', bentCertificate({ ...honest, sanUris: ['sealgate:node:node_other'] })],
    [
      'two sealgate SAN URIs',
      bentCertificate({ ...honest, sanUris: [`sealgate:node:${id}`, 'sealgate:node:x'] }),
    ],
    ['no clientAuth', bentCertificate({ ...honest, clientAuth: false })],
    ['a CA flag', bentCertificate({ ...honest, cA: true })],
  ];
  for (const [name, cert] of cases) t.throws(() => verify(cert), fail('PKI_NOT_NODE_CERTIFICATE'), name);
  t.doesNotThrow(() =>
    verify(bentCertificate({ ...honest, sanUris: [`sealgate:node:${id}`, 'https://x.test/'] })),
  );
  t.end();
});

t.test('validity is checked against the injected clock, bounds included', (t) => {
  const cert = bentCertificate({ ...honest, notBefore: NOW, notAfter: new Date(NOW.getTime() + DAY) });
  t.doesNotThrow(() => verify(cert, { now: NOW }), 'at notBefore');
  t.doesNotThrow(() => verify(cert, { now: new Date(NOW.getTime() + DAY) }), 'at notAfter');
  t.throws(() => verify(cert, { now: new Date(NOW.getTime() - 1000) }), fail('PKI_CERT_NOT_YET_VALID'));
  t.throws(() => verify(cert, { now: new Date(NOW.getTime() + DAY + 1000) }), fail('PKI_CERT_EXPIRED'));
  t.end();
});

t.test('a revoked serial is PKI_CERT_REVOKED, whatever case it was revoked in', (t) => {
  const cert = bentCertificate({ ...honest, serial: '00c0ffee' }); // DER content octets, with the sign byte
  t.equal(verify(cert).serial, 'c0ffee');
  const revocations = new RevocationList();
  revocations.revoke('C0FFEE', { reason: 'keyCompromise', time: NOW });
  t.throws(() => verify(cert, { revocations }), fail('PKI_CERT_REVOKED'));
  t.doesNotThrow(() => verify(bentCertificate(honest), { revocations }), 'other serials pass');
  t.end();
});

t.test('a misconfigured trust anchor or clock is a programming mistake', (t) => {
  const cert = bentCertificate(honest);
  const server = issueServerCertificate({
    ca,
    now: NOW,
    validityDays: 1,
    commonName: 'gw',
    dnsNames: ['gw'],
  });
  t.throws(() => verify(cert, { caCertPem: 'nope' }), TypeError);
  t.throws(() => verify(cert, { caCertPem: server.certPem }), TypeError, 'not a CA');
  t.throws(() => verify(cert, { now: new Date(Number.NaN) }), TypeError);
  t.throws(() => verify(derToPem('', LABEL)), fail('PKI_CERT_MALFORMED'));
  t.end();
});
