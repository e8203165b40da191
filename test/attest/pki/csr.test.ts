import t from 'tap';
import forge from 'node-forge';
import nacl from 'tweetnacl';
import crypto from 'node:crypto';
import { PkiError, createNodeCsr, verifyNodeCsr } from '../../../attest/index.js';
import { derToPem, encodeOid, fromBinary, pemToDer } from '../../../attest/pki/der.js';
import { nodeId as nodeIdFromPublicKey } from '../../../attest/index.js';
import { bentCsr, flipDerBit, mutatePem, pemOf, rsaKeyPair, type Recipe } from './helpers.js';

// Node CSRs: what createNodeCsr makes verifies, and each broken rule fails
// with its own code. Keys are generated per run; no recorded fixtures.

const LABEL = 'CERTIFICATE REQUEST';
const tls = rsaKeyPair();
const node = nacl.sign.keyPair();
const honest: Recipe = { tls, node };
const fail = (code: string) => ({ constructor: PkiError, code });

t.test('a CSR made by createNodeCsr verifies and names the node', (t) => {
  const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: node.secretKey, tlsKey: pemOf(tls) });
  const verified = verifyNodeCsr(csrPem);
  t.equal(verified.nodeId, nodeIdFromPublicKey(node.publicKey));
  t.same(verified.nodePublicKey, node.publicKey);
  t.equal(verified.tlsPublicKey.n.toString(16), tls.publicKey.n.toString(16), 'the given TLS key is used');
  t.equal(forge.pki.privateKeyFromPem(tlsKeyPem).n.toString(16), tls.privateKey.n.toString(16));
  t.match(tlsKeyPem, /^-----BEGIN PRIVATE KEY-----\n/, 'PKCS#8 PEM');
  // node-forge alone cannot read the CSR: its OID decoder stops at 53-bit arcs,
  // and the node extensions live under a 128-bit UUID arc. If this ever stops
  // throwing, the extension-lifting in attest/pki may no longer be needed.
  t.throws(() => forge.pki.certificationRequestFromPem(csrPem), /OID value too large/);
  t.end();
});

t.test('without a TLS key, a fresh one comes from the native generator', (t) => {
  // node-forge delegates to crypto.generateKeyPairSync on Node; count the calls.
  const native = crypto.generateKeyPairSync;
  let calls = 0;
  crypto.generateKeyPairSync = ((...args: Parameters<typeof native>) => {
    calls++;
    return native(...args);
  }) as typeof native;
  try {
    const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: node.secretKey });
    t.equal(calls, 1, 'node-forge used Node crypto');
    t.equal(forge.pki.privateKeyFromPem(tlsKeyPem).n.bitLength(), 2048);
    t.equal(verifyNodeCsr(csrPem).nodeId, nodeIdFromPublicKey(node.publicKey));
  } finally {
    crypto.generateKeyPairSync = native;
  }
  t.end();
});

t.test('bad arguments to createNodeCsr are programming mistakes', (t) => {
  t.throws(() => createNodeCsr({ nodeKey: new Uint8Array(32) }), TypeError);
  t.throws(() => createNodeCsr({ nodeKey: node.secretKey, tlsKey: 'not a key' }), TypeError);
  t.throws(() => createNodeCsr({ nodeKey: node.secretKey, tlsKey: pemOf(rsaKeyPair(1024)) }), TypeError);
  t.end();
});

t.test('a CSR that is not a well-formed request is PKI_CSR_INVALID', (t) => {
  const good = bentCsr(honest);
  t.throws(() => verifyNodeCsr('garbage'), fail('PKI_CSR_INVALID'));
  t.throws(() => verifyNodeCsr(good.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE')), fail('PKI_CSR_INVALID'));
  t.throws(() => verifyNodeCsr(good + good), fail('PKI_CSR_INVALID'), 'two PEM blocks');
  const der = fromBinary(pemToDer(good, LABEL));
  t.equal(der[1], 0x82, 'the honest CSR has a two-byte length');
  const longForm = derToPem(String.fromCharCode(0x30, 0x83, 0x00, ...der.subarray(2)), LABEL);
  t.throws(() => verifyNodeCsr(longForm), fail('PKI_CSR_INVALID'), 'a BER long-form length');
  const trailing = mutatePem(good, LABEL, (tree) => {
    (tree.value as forge.asn1.Asn1[]).push(forge.asn1.create(0, forge.asn1.Type.NULL, false, ''));
  });
  t.throws(() => verifyNodeCsr(trailing), fail('PKI_CSR_INVALID'), 'an extra top-level field');
  t.end();
});

t.test('a CSR whose self-signature does not verify is PKI_CSR_INVALID', (t) => {
  t.throws(() => verifyNodeCsr(flipDerBit(bentCsr(honest), LABEL, -5)), fail('PKI_CSR_INVALID'));
  const other = rsaKeyPair();
  const swapped = mutatePem(bentCsr(honest), LABEL, (tree) => {
    const info = (tree.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    info[2] = forge.pki.publicKeyToAsn1(other.publicKey);
  });
  t.throws(() => verifyNodeCsr(swapped), fail('PKI_CSR_INVALID'), 'key swapped after signing');
  t.end();
});

t.test('a CSR without the node key extension is PKI_CSR_INVALID', (t) => {
  t.throws(() => verifyNodeCsr(bentCsr({ ...honest, extensions: ['pop'] })), fail('PKI_CSR_INVALID'));
  t.throws(() => verifyNodeCsr(bentCsr({ ...honest, extensions: [] })), fail('PKI_CSR_INVALID'));
  const plain = forge.pki.createCertificationRequest();
  plain.publicKey = tls.publicKey;
  plain.setSubject([{ name: 'commonName', value: 'plain' }]);
  plain.sign(tls.privateKey, forge.md.sha256.create());
  const plainPem = forge.pki.certificationRequestToPem(plain);
  t.throws(() => verifyNodeCsr(plainPem), fail('PKI_CSR_INVALID'), 'no extensionRequest at all');
  t.throws(
    () => verifyNodeCsr(bentCsr({ ...honest, extensions: ['key', 'pop', 'key'] })),
    fail('PKI_CSR_INVALID'),
    'the node key twice',
  );
  const truncatedKey = bentCsr({
    ...honest,
    edit: ([key, pop]) => {
      const value = key.value as forge.asn1.Asn1[];
      value[1].value = (value[1].value as string).slice(0, -1);
      return [key, pop];
    },
  });
  t.throws(() => verifyNodeCsr(truncatedKey), fail('PKI_CSR_INVALID'), 'a node key of 31 bytes');
  t.end();
});

t.test('a missing or wrong proof of possession is PKI_POP_INVALID', (t) => {
  const stranger = nacl.sign.keyPair();
  const cases: [string, Recipe][] = [
    ['no proof', { ...honest, extensions: ['key'] }],
    ['signed by another Ed25519 key', { ...honest, popSigner: stranger.secretKey }],
    ['covering another TLS key', { ...honest, popCovers: rsaKeyPair().publicKey }],
  ];
  for (const [name, recipe] of cases)
    t.throws(() => verifyNodeCsr(bentCsr(recipe)), fail('PKI_POP_INVALID'), name);
  const stolenKey = bentCsr({ tls, node: { publicKey: stranger.publicKey, secretKey: node.secretKey } });
  t.throws(() => verifyNodeCsr(stolenKey), fail('PKI_POP_INVALID'), "someone else's node key");
  t.end();
});

t.test('SHA-1, short RSA keys and non-RSA keys are PKI_UNSUPPORTED_ALGORITHM', (t) => {
  t.throws(
    () => verifyNodeCsr(bentCsr({ ...honest, sha1: true })),
    fail('PKI_UNSUPPORTED_ALGORITHM'),
    'SHA-1',
  );
  const short = { tls: rsaKeyPair(1024), node };
  t.throws(() => verifyNodeCsr(bentCsr(short)), fail('PKI_UNSUPPORTED_ALGORITHM'), '1024-bit key');
  const ecKey = mutatePem(bentCsr(honest), LABEL, (tree) => {
    const info = (tree.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    const algorithm = (info[2].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
    algorithm[0].value = encodeOid('1.2.840.10045.2.1'); // id-ecPublicKey (RFC 5480)
  });
  t.throws(() => verifyNodeCsr(ecKey), fail('PKI_UNSUPPORTED_ALGORITHM'), 'an EC key');
  t.end();
});
