import t from 'tap';
import forge from 'node-forge';
import nacl from 'tweetnacl';
import {
  PkiError,
  RevocationList,
  createCa,
  createNodeCsr,
  issueNodeCertificate,
  issueServerCertificate,
  verifyNodeCertificate,
  type EnrollmentRequest,
} from '../../../attest/index.js';
import { commonNames, parseCertificate, sanUris } from '../../../attest/pki/certificate.js';
import { BACKDATE_MS } from '../../../attest/pki/issuance.js';
import { nodeId as nodeIdFromPublicKey } from '../../../attest/index.js';
import { DAY, NOW, bentCsr, pemOf, rsaKeyPair, testCa } from './helpers.js';

// The CA, and issuing node and server certificates from it, with a frozen
// clock. Keys are generated per run; no recorded fixtures.

const ca = testCa();
const tls = rsaKeyPair();
const node = nacl.sign.keyPair();
const { csrPem } = createNodeCsr({ nodeKey: node.secretKey, tlsKey: pemOf(tls) });
const admit = () => true;
const base = { ca, now: NOW, validityDays: 30, enrollment: admit };
const fail = (code: string) => ({ constructor: PkiError, code });

t.test('the CA is a self-signed CA certificate for end entities only', (t) => {
  const cert = forge.pki.certificateFromPem(ca.certPem);
  t.ok(cert.verify(cert), 'self-signed');
  t.equal(commonNames(cert)[0], 'sealgate test CA');
  t.match(cert.getExtension('basicConstraints'), { cA: true, pathLenConstraint: 0, critical: true });
  t.match(cert.getExtension('keyUsage'), { keyCertSign: true, cRLSign: true, digitalSignature: false });
  t.equal(cert.validity.notBefore.getTime(), NOW.getTime() - BACKDATE_MS);
  t.equal(cert.validity.notAfter.getTime(), NOW.getTime() + 3650 * DAY);
  t.equal(cert.signatureOid, forge.pki.oids.sha256WithRSAEncryption);
  t.end();
});

t.test('bad CA options are programming mistakes', (t) => {
  const ok = { commonName: 'x', now: NOW, validityDays: 1, bits: 2048 };
  t.throws(() => createCa({ ...ok, commonName: '' }), TypeError);
  t.throws(() => createCa({ ...ok, commonName: 'x'.repeat(65) }), TypeError);
  t.throws(() => createCa({ ...ok, now: new Date('nonsense') }), TypeError);
  t.throws(() => createCa({ ...ok, validityDays: 0 }), TypeError);
  t.throws(() => createCa({ ...ok, validityDays: 1.5 }), TypeError);
  t.throws(() => createCa({ ...ok, bits: 1024 }), TypeError);
  t.end();
});

t.test('a node certificate names the node, carries its key, and verifies', async (t) => {
  const seen: EnrollmentRequest[] = [];
  const issued = await issueNodeCertificate(csrPem, {
    ...base,
    enrollment: async (request) => {
      seen.push(request);
      return Promise.resolve(true);
    },
  });
  const nodeId = nodeIdFromPublicKey(node.publicKey);
  t.equal(issued.nodeId, nodeId);
  t.same(
    seen.map((r) => r.nodeId),
    [nodeId],
    'the enrollment check saw the node id',
  );
  t.same(seen[0].nodePublicKey, node.publicKey);
  t.same(issued.nodePublicKey, node.publicKey);
  // first byte 0x01..0x7f (positive, minimal DER), so the first hex digit may be 0
  t.match(issued.serial, /^(0[1-9a-f]|[1-7][0-9a-f])[0-9a-f]{30}$/, '16 random bytes, positive');
  t.equal(issued.notBefore.getTime(), NOW.getTime() - BACKDATE_MS);
  t.equal(issued.notAfter.getTime(), NOW.getTime() + 30 * DAY);

  const { cert, nodeExtensions } = parseCertificate(issued.certPem);
  t.equal(commonNames(cert)[0], nodeId);
  t.same(sanUris(cert), [`sealgate:node:${nodeId}`]);
  t.match(cert.getExtension('extKeyUsage'), { clientAuth: true, serverAuth: true });
  t.match(cert.getExtension('basicConstraints'), { cA: false, critical: true });
  t.equal(
    cert.publicKey && (cert.publicKey as forge.pki.rsa.PublicKey).n.toString(16),
    tls.publicKey.n.toString(16),
  );
  t.ok(nodeExtensions.publicKey !== undefined && nodeExtensions.pop !== undefined, 'both node extensions');

  const verified = verifyNodeCertificate(issued.certPem, {
    caCertPem: ca.certPem,
    revocations: new RevocationList(),
    now: NOW,
  });
  t.same(verified, {
    nodeId,
    nodePublicKey: node.publicKey,
    serial: issued.serial,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
  });
});

t.test('a given serial is used in canonical form; two issuances get different random serials', async (t) => {
  const given = await issueNodeCertificate(csrPem, { ...base, serial: '00000A0B0C' });
  t.equal(given.serial, '0a0b0c');
  t.equal(forge.pki.certificateFromPem(ca.certPem).serialNumber.length, 32);
  const [a, b] = await Promise.all([issueNodeCertificate(csrPem, base), issueNodeCertificate(csrPem, base)]);
  t.not(a.serial, b.serial);
  const topBit = await issueNodeCertificate(csrPem, { ...base, serial: 'C0FFEE' });
  t.equal(topBit.serial, 'c0ffee', 'a serial with its top bit set stays positive');
  t.equal(parseCertificate(topBit.certPem).cert.serialNumber, '00c0ffee');
  for (const serial of ['', 'xyz', '00', '0000', 'ab'.repeat(21)]) {
    await t.rejects(
      issueNodeCertificate(csrPem, { ...base, serial }),
      TypeError,
      `serial ${JSON.stringify(serial)}`,
    );
  }
});

t.test('a node certificate never outlives its CA', async (t) => {
  const shortCa = createCa({ commonName: 'short-lived CA', now: NOW, validityDays: 10, bits: 2048 });
  const issued = await issueNodeCertificate(csrPem, { ...base, ca: shortCa, validityDays: 365 });
  t.equal(issued.notAfter.getTime(), NOW.getTime() + 10 * DAY);
});

t.test('the enrollment check decides, after the CSR verifies', async (t) => {
  for (const verdict of [false, 'yes', 1, undefined]) {
    await t.rejects(
      issueNodeCertificate(csrPem, { ...base, enrollment: () => verdict as boolean }),
      fail('PKI_ENROLLMENT_REFUSED'),
      `verdict ${String(verdict)}`,
    );
  }
  await t.rejects(
    issueNodeCertificate(csrPem, { ...base, enrollment: () => Promise.resolve(false) }),
    fail('PKI_ENROLLMENT_REFUSED'),
  );
  const tokenExpired = new Error('token expired');
  await t.rejects(
    issueNodeCertificate(csrPem, {
      ...base,
      enrollment: () => {
        throw tokenExpired;
      },
    }),
    tokenExpired,
    'the check’s own error propagates',
  );
  let asked = 0;
  const counting = () => {
    asked++;
    return true;
  };
  const forged = bentCsr({ tls, node, popSigner: nacl.sign.keyPair().secretKey });
  await t.rejects(issueNodeCertificate(forged, { ...base, enrollment: counting }), fail('PKI_POP_INVALID'));
  await t.rejects(
    issueNodeCertificate('garbage', { ...base, enrollment: counting }),
    fail('PKI_CSR_INVALID'),
  );
  t.equal(asked, 0, 'a forged CSR never reaches the enrollment check (it cannot burn a token)');
});

t.test('a misconfigured CA or options are programming mistakes', async (t) => {
  const other = testCa('another CA');
  const server = issueServerCertificate({
    ca,
    now: NOW,
    validityDays: 1,
    commonName: 'gw',
    dnsNames: ['gw'],
  });
  const cases: [string, Partial<typeof base>][] = [
    ['a key that is not the CA key', { ca: { certPem: ca.certPem, keyPem: other.keyPem } }],
    ['a certificate that is not a CA', { ca: { certPem: server.certPem, keyPem: server.keyPem } }],
    ['not a certificate', { ca: { certPem: 'nope', keyPem: ca.keyPem } }],
    ['not a key', { ca: { certPem: ca.certPem, keyPem: 'nope' } }],
    ['a CA that has expired', { now: new Date(NOW.getTime() + 3651 * DAY) }],
    ['a bad clock', { now: new Date(Number.NaN) }],
    ['no enrollment check', { enrollment: undefined }],
  ];
  for (const [name, change] of cases) {
    await t.rejects(issueNodeCertificate(csrPem, { ...base, ...change }), TypeError, name);
  }
});

t.test('a server certificate needs a name to be checked against', (t) => {
  const ok = { ca, now: NOW, validityDays: 1, commonName: 'gw', dnsNames: ['gw.example'] };
  const issued = issueServerCertificate({ ...ok, tlsKey: pemOf(tls), serial: '01' });
  const cert = forge.pki.certificateFromPem(issued.certPem);
  t.equal(issued.serial, '01');
  t.match(cert.getExtension('subjectAltName'), { altNames: [{ type: 2, value: 'gw.example' }] });
  t.match(cert.getExtension('extKeyUsage'), { serverAuth: true });
  t.notOk((cert.getExtension('extKeyUsage') as { clientAuth?: boolean }).clientAuth);
  t.throws(() => issueServerCertificate({ ...ok, dnsNames: [] }), TypeError);
  t.throws(() => issueServerCertificate({ ...ok, commonName: '' }), TypeError);
  t.end();
});
