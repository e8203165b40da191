/**
 * Enrollment against a real TLS 1.3 listener on loopback, with a CA and
 * certificates made by attest's PKI (a stand-in for the gateway's nodes
 * listener, which asks for a client certificate only after enrollment): the
 * token's pin decides whether the served CA is trusted, the node keeps its
 * key 0600, and the enrolled identity then passes mutual TLS.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { X509Certificate } from 'node:crypto';
import {
  RevocationList,
  createCa,
  issueNodeCertificate,
  issueServerCertificate,
  verifyNodeCertificate,
} from '../../../attest/index.js';
import {
  checkCaPin,
  fetchCaUnverified,
  httpsNodeClient,
  loadOrEnroll,
  parseEnrollToken,
} from '../../../enclave-runtime/index.js';

const ca = createCa({ commonName: 'sealgate node CA', now: new Date(), validityDays: 2, bits: 2048 });
const server = issueServerCertificate({
  ca,
  now: new Date(),
  validityDays: 1,
  commonName: 'sealgate gateway',
  ipAddresses: ['127.0.0.1'],
});
const caSha = createHash('sha256').update(new X509Certificate(ca.certPem).raw).digest('hex');

/** A loopback listener: /v1/node/ca and /v1/node/enroll without a client certificate, /ping with one. */
async function listener(t: Test): Promise<{ url: string; enrolled: string[] }> {
  const enrolled: string[] = [];
  const srv = https.createServer(
    {
      key: server.keyPem,
      cert: server.certPem,
      ca: [ca.certPem],
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (status: number, body: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        if (req.url === '/v1/node/ca') return reply(200, { certificate: ca.certPem });
        if (req.url === '/v1/node/enroll') {
          const { token, csr } = JSON.parse(Buffer.concat(chunks).toString()) as {
            token: string;
            csr: string;
          };
          if (!token.startsWith('sgn1.good.'))
            return reply(401, { error: { code: 'ENROLL_TOKEN_UNKNOWN', message: 'no' } });
          void issueNodeCertificate(csr, {
            ca,
            now: new Date(),
            validityDays: 1,
            enrollment: () => true,
          }).then((issued) => {
            enrolled.push(issued.nodeId);
            reply(201, { nodeId: issued.nodeId, certificate: issued.certPem, caCertificate: ca.certPem });
          });
          return;
        }
        const peer = (req.socket as TLSSocket).getPeerCertificate(true);
        if (!peer.raw) return reply(401, { error: { code: 'AUTH_NOT_NODE', message: 'no certificate' } });
        const node = verifyNodeCertificate(peer.raw, {
          caCertPem: ca.certPem,
          revocations: new RevocationList(),
          now: new Date(),
        });
        reply(200, { nodeId: node.nodeId });
      });
    },
  );
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => srv.close(() => resolve())));
  srv.on('connection', (s) => t.teardown(() => s.destroy()));
  return { url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`, enrolled };
}

async function dataDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-test-agent-id-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'node');
}

const transport = (url: string) => ({
  fetchCa: () => fetchCaUnverified(url),
  client: (caPem: string) => httpsNodeClient({ baseUrl: url, tls: { caPem } }),
});

t.test('enrollment pins the CA, keeps the keys 0600, and the identity passes mTLS', async (t) => {
  const { url, enrolled } = await listener(t);
  const dir = await dataDir(t);
  const identity = await loadOrEnroll(dir, `sgn1.good.c2VjcmV0.${caSha}`, transport(url));
  t.same(enrolled, [identity.nodeId]);
  t.same((await readdir(dir)).sort(), ['ca.crt', 'node.crt', 'node.key', 'tls.key']);
  t.equal((await stat(join(dir, 'node.key'))).mode & 0o777, 0o600);
  t.equal((await stat(join(dir, 'tls.key'))).mode & 0o777, 0o600);

  const client = httpsNodeClient({ baseUrl: url, tls: identity.tls });
  t.teardown(() => client.close());
  t.same(await client.json('GET', '/ping'), { status: 200, body: { nodeId: identity.nodeId } });

  const again = await loadOrEnroll(dir, undefined, {
    fetchCa: () => Promise.reject(new Error('must not be called')),
    client: () => {
      throw new Error('must not be called');
    },
  });
  t.equal(again.nodeId, identity.nodeId, 'a second start reuses the identity without the network');
});

t.test('a CA that is not the pinned one is refused before anything is sent', async (t) => {
  const { url, enrolled } = await listener(t);
  const dir = await dataDir(t);
  const wrongPin = createHash('sha256').update('another CA').digest('hex');
  await t.rejects(loadOrEnroll(dir, `sgn1.good.c2VjcmV0.${wrongPin}`, transport(url)), {
    name: 'AgentError',
    code: 'AGENT_CA_PIN_MISMATCH',
  });
  t.same(enrolled, [], 'no CSR was sent');
  t.same(await readdir(dir), ['node.key'], 'no certificate or CA kept');
  t.throws(() => checkCaPin('not a pem', parseEnrollToken(`sgn1.a.b.${caSha}`)), {
    code: 'AGENT_CA_PIN_MISMATCH',
  });
});

t.test('token shape, refusals and missing state', async (t) => {
  const { url } = await listener(t);
  for (const bad of ['', 'sgn1.a.b', `sgn2.a.b.${caSha}`, `sgn1..b.${caSha}`, 'sgn1.a.b.XYZ']) {
    t.throws(() => parseEnrollToken(bad), { name: 'AgentError', code: 'AGENT_TOKEN_MALFORMED' }, bad);
  }
  await t.rejects(loadOrEnroll(await dataDir(t), `sgn1.bad.c2VjcmV0.${caSha}`, transport(url)), {
    code: 'AGENT_ENROLL_REFUSED',
    gatewayCode: 'ENROLL_TOKEN_UNKNOWN',
  });
  await t.rejects(loadOrEnroll(await dataDir(t), undefined, transport(url)), { code: 'AGENT_STATE_INVALID' });
});
