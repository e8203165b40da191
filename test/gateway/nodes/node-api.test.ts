/**
 * The nodes' listener (DESIGN.md 6.3) and blob downloads (issue 3: "nobody
 * but enrolled nodes can fetch a blob"): real mutual TLS on loopback with
 * certificates from the gateway's node CA. A client without a certificate, or
 * with one from another CA, fails the handshake; a revoked node is refused
 * with AUTH_NOT_NODE even on a connection it opened before the revocation.
 */
import { createHash, randomBytes } from 'node:crypto';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import nacl from 'tweetnacl';
import type { CaMaterial } from '../../../attest/index.js';
import { createCa, createNodeCsr, issueNodeCertificate } from '../../../attest/index.js';
import { buildNodeApp, loadNodePki } from '../../../gateway/index.js';
import { gatewayForTest } from '../../helpers/gateway.js';

interface NodeCredentials {
  readonly key: string;
  readonly cert: string;
  readonly serial: string;
}

async function enroll(ca: CaMaterial): Promise<NodeCredentials> {
  const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const issued = await issueNodeCertificate(csrPem, {
    ca,
    now: new Date(),
    validityDays: 1,
    enrollment: () => true,
  });
  return { key: tlsKeyPem, cert: issued.certPem, serial: issued.serial };
}

interface Reply {
  readonly status: number;
  readonly body: Buffer;
}

function get(
  port: number,
  path: string,
  caPem: string,
  client?: NodeCredentials,
  agent?: https.Agent,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: caPem,
        ...(client ? { key: client.key, cert: client.cert } : {}),
        agent: agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

t.test('enrolled nodes fetch blobs over mTLS; nobody else can', async (t) => {
  const gw = await gatewayForTest(t, { nodeCaBits: 2048 });
  const pki = await gw.app.gateway.nodes.registry.pki();
  const nodeApp = await buildNodeApp(gw.app.gateway);
  t.teardown(() => nodeApp.close());
  await nodeApp.listen({ host: '127.0.0.1', port: 0 });
  const port = (nodeApp.server.address() as AddressInfo).port;

  const bytes = randomBytes(200_000);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  await gw.app.gateway.blobs.put(digest, Readable.from([bytes]));

  const node = await enroll(pki.ca);
  const fetched = await get(port, `/v1/node/blobs/${digest}`, pki.ca.certPem, node);
  t.equal(fetched.status, 200);
  t.ok(fetched.body.equals(bytes), 'the node receives the blob byte for byte');

  const missing = await get(port, `/v1/node/blobs/sha256:${'0'.repeat(64)}`, pki.ca.certPem, node);
  t.equal(missing.status, 404);
  t.equal((JSON.parse(missing.body.toString()) as { error: { code: string } }).error.code, 'BLOB_NOT_FOUND');

  // The handshake admits a client without a certificate (enrollment needs that); the route refuses it.
  const anonymous = await get(port, `/v1/node/blobs/${digest}`, pki.ca.certPem);
  t.equal(anonymous.status, 403, 'no client certificate: refused');
  t.equal((JSON.parse(anonymous.body.toString()) as { error: { code: string } }).error.code, 'AUTH_NOT_NODE');
  const foreign = createCa({ commonName: 'sealgate node CA', now: new Date(), validityDays: 1, bits: 2048 });
  const stranger = await get(port, `/v1/node/blobs/${digest}`, pki.ca.certPem, await enroll(foreign));
  t.equal(stranger.status, 403, 'a certificate from another CA: refused');
  t.equal((JSON.parse(stranger.body.toString()) as { error: { code: string } }).error.code, 'AUTH_NOT_NODE');

  // Revocation: refused on the next request, even over a connection opened before.
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const before = await get(port, `/v1/node/blobs/${digest}`, pki.ca.certPem, node, agent);
  t.equal(before.status, 200);
  t.equal(await pki.revoke(node.serial, 'keyCompromise', new Date()), true);
  const after = await get(port, `/v1/node/blobs/${digest}`, pki.ca.certPem, node, agent);
  t.equal(after.status, 403);
  t.equal((JSON.parse(after.body.toString()) as { error: { code: string } }).error.code, 'AUTH_NOT_NODE');

  const reloaded = await loadNodePki(gw.dataDir, { now: new Date() });
  t.ok(reloaded.revocations.lookup(node.serial), 'the revocation is persisted');
  t.equal(reloaded.ca.certPem, pki.ca.certPem, 'the CA is made once');
});
