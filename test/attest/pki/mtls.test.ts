import t from 'tap';
import nacl from 'tweetnacl';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import {
  PkiError,
  RevocationList,
  createCa,
  createNodeCsr,
  issueNodeCertificate,
  issueServerCertificate,
  verifyNodeCertificate,
  type CaMaterial,
} from '../../../attest/index.js';

// A real mutual-TLS handshake on 127.0.0.1 with Node's tls (OpenSSL): the
// server holds a certificate from the node CA and requires client certificates
// from it; OpenSSL checks chain and dates during the handshake, and the server
// then runs verifyNodeCertificate on the peer's DER for node identity and
// revocation, as the gateway's node listener will. The clock is real here,
// because OpenSSL checks validity against the system time.

const now = new Date();
const ca = createCa({ commonName: 'sealgate node CA', now, validityDays: 2, bits: 2048 });
const foreignCa = createCa({ commonName: 'sealgate node CA', now, validityDays: 2, bits: 2048 });
const server = issueServerCertificate({
  ca,
  now,
  validityDays: 1,
  commonName: 'sealgate gateway',
  ipAddresses: ['127.0.0.1'],
});
const revocations = new RevocationList();

interface Node {
  nodeId: string;
  serial: string;
  certPem: string;
  keyPem: string;
}

async function enroll(authority: CaMaterial): Promise<Node> {
  const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const issued = await issueNodeCertificate(csrPem, {
    ca: authority,
    now,
    validityDays: 1,
    enrollment: () => true,
  });
  return { nodeId: issued.nodeId, serial: issued.serial, certPem: issued.certPem, keyPem: tlsKeyPem };
}

/** The node listener: TLS with client certificates, then our own verification. */
function listen(): Promise<{ server: tls.Server; port: number; handshakeErrors: string[] }> {
  // Node runs OpenSSL's chain check, records its verdict on the socket as
  // `authorizationError` and, with rejectUnauthorized, destroys the socket
  // before any byte of application data: 'tlsClientError' reports that.
  const handshakeErrors: string[] = [];
  const listener = tls.createServer(
    {
      key: server.keyPem,
      cert: server.certPem,
      ca: [ca.certPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (socket) => {
      try {
        const peer = verifyNodeCertificate(socket.getPeerCertificate(true).raw, {
          caCertPem: ca.certPem,
          revocations,
          now: new Date(),
        });
        socket.end(`welcome ${peer.nodeId}\n`);
      } catch (err) {
        socket.end(`refused ${err instanceof PkiError ? err.code : 'UNKNOWN'}\n`);
      }
    },
  );
  listener.on('tlsClientError', (err, socket) => {
    handshakeErrors.push(String(socket.authorizationError ?? err.message));
  });
  return new Promise((resolve) => {
    listener.listen(0, '127.0.0.1', () => {
      resolve({ server: listener, port: (listener.address() as AddressInfo).port, handshakeErrors });
    });
  });
}

/** Dials the listener as `node` (or with no client certificate) and returns what the server said, or the error. */
function dial(port: number, node?: Node): Promise<{ said: string; error?: Error }> {
  return new Promise((resolve) => {
    let said = '';
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: ca.certPem,
      cert: node?.certPem,
      key: node?.keyPem,
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (said += chunk));
    socket.on('error', (error: Error) => resolve({ said, error }));
    socket.on('close', () => resolve({ said }));
  });
}

t.test('mutual TLS with node certificates', async (t) => {
  const [member, outsider, revoked] = await Promise.all([enroll(ca), enroll(foreignCa), enroll(ca)]);
  revocations.revoke(revoked.serial, { reason: 'keyCompromise', time: new Date() });
  const { server: listener, port, handshakeErrors } = await listen();
  t.teardown(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  await t.test('an issued node certificate connects and is recognised', async (t) => {
    const { said, error } = await dial(port, member);
    t.equal(error, undefined);
    t.equal(said, `welcome ${member.nodeId}\n`);
  });

  await t.test('a certificate from another CA (same CA name) is refused in the handshake', async (t) => {
    const before = handshakeErrors.length;
    const { said } = await dial(port, outsider);
    t.equal(said, '', 'the server never spoke to it');
    t.equal(handshakeErrors.length, before + 1, 'the server refused the handshake');
    // The impostor CA has the same name but another key: the authority key
    // identifier matches no trusted CA, so OpenSSL finds no issuer.
    t.equal(handshakeErrors.at(-1), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  });

  await t.test('a client without a certificate is refused in the handshake', async (t) => {
    const before = handshakeErrors.length;
    const { said } = await dial(port);
    t.equal(said, '');
    t.equal(handshakeErrors.length, before + 1);
    t.match(handshakeErrors.at(-1), /peer did not return a certificate/);
  });

  await t.test('a revoked certificate passes OpenSSL but our verify refuses it', async (t) => {
    const { said, error } = await dial(port, revoked);
    t.equal(error, undefined, 'the TLS handshake itself succeeds: OpenSSL knows no revocations');
    t.equal(said, 'refused PKI_CERT_REVOKED\n');
  });
});
