/**
 * Enrollment (docs/node-protocol.md section 1, DESIGN.md 6.3) over the real
 * routes: tokens for miners only, each refusal with its code and nothing
 * stored; the CA and enroll without a client certificate; every token
 * refusal (unknown, used, expired), a bad CSR that does not burn the token;
 * then revocation: an unknown certificate, no certificate and a revoked one
 * are refused on every node route.
 */
import { createHash } from 'node:crypto';
import t from 'tap';
import forge from 'node-forge';
import nacl from 'tweetnacl';
import { createCa, createNodeCsr, issueNodeCertificate } from '../../../attest/index.js';
import type { EnrollTokenRecord, NodeRecord } from '../../../gateway/index.js';
import { ENROLL_TOKENS_SUBLEVEL, NODES_SUBLEVEL } from '../../../gateway/index.js';
import { codeOf } from '../../helpers/gateway.js';
import { nodeCall, nodeMarket } from './fixture.js';

const NODE_ROUTES: [string, string][] = [
  ['POST', '/v1/node/heartbeat'],
  ['GET', '/v1/node/jobs'],
  ['POST', '/v1/node/runs/run_aaaaaaaaaaaaaaaaaaaaaaaaaa/egress'],
  ['POST', '/v1/node/runs/run_aaaaaaaaaaaaaaaaaaaaaaaaaa/complete'],
  ['POST', '/v1/node/runs/run_aaaaaaaaaaaaaaaaaaaaaaaaaa/fail'],
  ['GET', `/v1/node/blobs/sha256:${'0'.repeat(64)}`],
  ['PUT', `/v1/node/blobs/sha256:${'0'.repeat(64)}`],
  ['POST', '/v1/node/inferences/inf_aaaaaaaaaaaaaaaaaaaaaaaaaa/answers'],
  ['POST', '/v1/node/inferences/inf_aaaaaaaaaaaaaaaaaaaaaaaaaa/fail'],
];

t.test('enrollment tokens: the operator, for miners only; each refusal stores nothing', async (t) => {
  const m = await nodeMarket(t);
  const { store } = m.gw.app.gateway;
  const tokens = () => store.sublevel(ENROLL_TOKENS_SUBLEVEL).keys().all();
  const url = '/v1/admin/enroll-tokens';

  const refusals: [string, unknown, string, number, typeof m.buyer?][] = [
    ['a buyer signs', { miner: m.miner.id }, 'AUTH_FORBIDDEN', 403, m.buyer],
    ['no such account', { miner: `acct_${'a'.repeat(32)}` }, 'ENROLL_MINER_NOT_FOUND', 404],
    ['not a miner', { miner: m.seller.id }, 'ENROLL_NOT_MINER', 422],
    ['malformed JSON', '{', 'HTTP_BAD_JSON', 400],
    ['an unknown field', { miner: m.miner.id, extra: 1 }, 'HTTP_INVALID', 400],
    ['a wrong type', { miner: 7 }, 'HTTP_INVALID', 400],
    ['a ttl too short', { miner: m.miner.id, ttlSeconds: 59 }, 'HTTP_INVALID', 400],
  ];
  for (const [label, body, code, status, who] of refusals) {
    const res = await m.as(who ?? m.gw.operator, 'POST', url, body);
    t.equal(res.statusCode, status, `${label}: ${status}`);
    t.equal(codeOf(res), code, `${label}: ${code}`);
  }
  const unsigned = await m.gw.app.inject({ method: 'POST', url, payload: { miner: m.miner.id } });
  t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
  t.same(await tokens(), [], 'no refused request stored a token');

  const res = await m.as(m.gw.operator, 'POST', url, { miner: m.miner.id, ttlSeconds: 600 });
  t.equal(res.statusCode, 201);
  const { token, expiresAt } = res.json<{ token: string; expiresAt: string }>();
  t.equal(Date.parse(expiresAt), m.gw.app.gateway.now().getTime() + 600_000);
  const [, id, secret, pin] = token.split('.');
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(m.caPem))).getBytes();
  t.equal(
    pin,
    createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex'),
    'pin = SHA-256 of the CA DER',
  );
  const stored = await store.get<EnrollTokenRecord>(store.sublevel(ENROLL_TOKENS_SUBLEVEL), id);
  t.equal(stored?.miner, m.miner.id);
  t.equal(stored?.secretSha256, createHash('sha256').update(Buffer.from(secret, 'base64url')).digest('hex'));
  t.notOk(JSON.stringify(stored).includes(secret), 'the secret itself is not stored');
});

t.test('enroll: CA and enroll need no certificate; unknown, used and expired tokens refused', async (t) => {
  const m = await nodeMarket(t);
  const { store } = m.gw.app.gateway;
  const ca = await nodeCall(m.port, m.caPem, undefined, 'GET', '/v1/node/ca');
  t.equal(ca.status, 200);
  t.equal(ca.json<{ certificate: string }>().certificate, m.caPem);

  const { csrPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const enroll = (token: string, csr = csrPem) =>
    nodeCall(m.port, m.caPem, undefined, 'POST', '/v1/node/enroll', { token, csr });

  const token = await m.token();
  const badCsr = await enroll(
    token,
    '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----',
  );
  t.equal(badCsr.status, 400);
  t.equal(badCsr.code, 'PKI_CSR_INVALID');
  const [prefix, id, secret, pin] = token.split('.');
  const wrongSecret = await enroll([prefix, id, Buffer.alloc(32, 1).toString('base64url'), pin].join('.'));
  t.equal(wrongSecret.status, 401);
  t.equal(wrongSecret.code, 'ENROLL_TOKEN_UNKNOWN');
  t.equal((await enroll('sgn1.nonsense')).code, 'ENROLL_TOKEN_UNKNOWN');
  t.equal((await enroll(token.replace(secret, secret))).status, 201, 'the bad CSR did not burn the token');
  const used = await enroll(token);
  t.equal(used.status, 409);
  t.equal(used.code, 'ENROLL_TOKEN_USED');

  const short = await m.token(60);
  m.advance(60_000);
  const expired = await enroll(short);
  t.equal(expired.status, 410);
  t.equal(expired.code, 'ENROLL_TOKEN_EXPIRED');

  const nodes = (await store.sublevel(NODES_SUBLEVEL).values().all()) as NodeRecord[];
  t.equal(nodes.length, 1, 'one node enrolled');
  t.equal(nodes[0].miner, m.miner.id);
  const record = await store.get<EnrollTokenRecord>(store.sublevel(ENROLL_TOKENS_SUBLEVEL), id);
  t.equal(record?.usedBy, nodes[0].id, 'the token names the node it enrolled');
  const bad = await nodeCall(m.port, m.caPem, undefined, 'POST', '/v1/node/enroll', {
    token,
    csr: csrPem,
    x: 1,
  });
  t.equal(bad.code, 'HTTP_INVALID');
});

t.test('no, unknown or revoked certificates are refused on every node route', async (t) => {
  const m = await nodeMarket(t);
  const node = await m.node();
  const foreignCa = createCa({
    commonName: 'sealgate node CA',
    now: new Date(),
    validityDays: 1,
    bits: 2048,
  });
  const { csrPem, tlsKeyPem } = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const foreign = await issueNodeCertificate(csrPem, {
    ca: foreignCa,
    now: new Date(),
    validityDays: 1,
    enrollment: () => true,
  });
  const stranger = { key: tlsKeyPem, cert: foreign.certPem };
  // a certificate from the real CA for a node that never enrolled (no record)
  const pki = await m.gw.app.gateway.nodes.registry.pki();
  const orphanCsr = createNodeCsr({ nodeKey: nacl.sign.keyPair().secretKey });
  const orphan = await issueNodeCertificate(orphanCsr.csrPem, {
    ca: pki.ca,
    now: new Date(),
    validityDays: 1,
    enrollment: () => true,
  });
  t.equal(
    (
      await nodeCall(
        m.port,
        m.caPem,
        { key: orphanCsr.tlsKeyPem, cert: orphan.certPem },
        'GET',
        '/v1/node/jobs',
      )
    ).code,
    'NODE_UNKNOWN',
  );

  t.equal((await node.heartbeat()).status, 200, 'the enrolled node is served');
  const revoke = await m.as(m.gw.operator, 'POST', `/v1/admin/nodes/${node.nodeId}/revoke`, {
    reason: 'keyCompromise',
  });
  t.equal(revoke.statusCode, 200);
  t.ok(revoke.json<{ revoked?: string }>().revoked, 'the record is marked revoked');
  const byBuyer = await m.as(m.buyer, 'POST', `/v1/admin/nodes/${node.nodeId}/revoke`, {});
  t.equal(codeOf(byBuyer), 'AUTH_FORBIDDEN');
  const missing = await m.as(m.gw.operator, 'POST', `/v1/admin/nodes/node_${'a'.repeat(32)}/revoke`, {});
  t.equal(codeOf(missing), 'NODE_NOT_FOUND');

  for (const [method, path] of NODE_ROUTES) {
    for (const [who, creds] of [
      ['no certificate', undefined],
      ['another CA', stranger],
      ['revoked', node.credentials],
    ] as const) {
      const res = await nodeCall(m.port, m.caPem, creds, method, path, method === 'GET' ? undefined : {});
      t.equal(res.status, 403, `${method} ${path}, ${who}: 403`);
      t.equal(res.code, 'AUTH_NOT_NODE', `${method} ${path}, ${who}: AUTH_NOT_NODE`);
    }
  }
  const caWithStranger = await nodeCall(m.port, m.caPem, stranger, 'GET', '/v1/node/ca');
  t.equal(
    caWithStranger.code,
    'AUTH_NOT_NODE',
    'a presented certificate that does not chain is refused even on /ca',
  );
});
