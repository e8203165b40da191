/**
 * The broker's routes as a client meets them: bad input to every route (bad
 * JSON, wrong types, unknown fields, no certificate or signature, the wrong
 * role) is a 4xx with its code and changes nothing; the operator's audit log
 * pages; and one loopback test over real mutual TLS (a node client with its
 * certificate) plus the public API on a real listener with the SDK.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { base64ToBytes, unwrapKey } from '../../../attest/index.js';
import { GatewayClient, pendingReleases } from '../../../client/index.js';
import { NONCES_SUBLEVEL, RELEASES_SUBLEVEL } from '../../../gateway/index.js';
import { listenForTest, signedInject } from '../../helpers/gateway.js';
import { sealedInspect } from './inspect.js';
import type { TestNode } from './world.js';
import { BrokerWorld, generateBoxKeyPair, nodeAppForTest } from './world.js';

const codeOf = (res: { json: <T>() => T }) => res.json<{ error?: { code?: string } }>().error?.code;

t.test('node routes: bad input is refused with its code and changes nothing', async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node);
  const url = `/v1/node/runs/${run.runId}/nonce`;
  const send = (payload: string, headers: Record<string, string> = node.headers, path = url) =>
    w.nodeApp.inject({
      method: 'POST',
      url: path,
      headers: { ...headers, 'content-type': 'application/json' },
      payload,
    });
  const cases: [string, Awaited<ReturnType<typeof send>>, number, string][] = [
    ['bad JSON', await send('{'), 400, 'HTTP_BAD_JSON'],
    ['wrong type', await send('{"jobId":5}'), 400, 'HTTP_INVALID'],
    ['unknown field', await send(JSON.stringify({ jobId: run.jobId, extra: 1 })), 400, 'HTTP_INVALID'],
    ['no certificate', await send(JSON.stringify({ jobId: run.jobId }), {}), 403, 'AUTH_NOT_NODE'],
    [
      'bad run id',
      await send(JSON.stringify({ jobId: run.jobId }), node.headers, '/v1/node/runs/nope/nonce'),
      400,
      'HTTP_INVALID',
    ],
    [
      'evidence: unknown field',
      await send(
        JSON.stringify({ jobId: run.jobId, evidence: {}, inspect: {}, more: 1 }),
        node.headers,
        `/v1/node/runs/${run.runId}/evidence`,
      ),
      400,
      'HTTP_INVALID',
    ],
    [
      'evidence: inspect not an object',
      await send(
        JSON.stringify({ jobId: run.jobId, evidence: {}, inspect: 3 }),
        node.headers,
        `/v1/node/runs/${run.runId}/evidence`,
      ),
      400,
      'HTTP_INVALID',
    ],
  ];
  for (const [what, res, status, code] of cases) {
    t.equal(res.statusCode, status, `${what}: status`);
    t.equal(codeOf(res), code, `${what}: code`);
  }
  const poll = await w.nodeApp.inject({
    method: 'GET',
    url: '/v1/node/releases/rel_nope',
    headers: node.headers,
  });
  t.equal(poll.statusCode, 400);
  t.same(await w.store.sublevel(NONCES_SUBLEVEL).keys().all(), [], 'no nonce issued');
  t.same(
    await w.store.sublevel(RELEASES_SUBLEVEL).keys().all(),
    [],
    'no audit record: nothing reached the broker',
  );
  t.equal(await w.runState(run.runId), 'placed', 'the run did not move');
});

t.test('public routes: signatures, roles, bad bodies, other sellers; the audit log pages', async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect);
  const node = await w.node();
  const run = await w.run(node, { custody: 'seller' });
  const res = await w.sendEvidence(
    node,
    run,
    w.evidence(node, run.runId, await w.nonce(node, run), generateBoxKeyPair()),
  );
  const { releaseId } = res.json<{ releaseId: string }>();
  const buyer = await w.gw.account('buyer');
  const other = await w.gw.account('seller');
  const approve = `/v1/releases/${releaseId}/approve`;
  const goodKey = Buffer.alloc(80, 1).toString('base64');
  const unsigned = await w.gw.app.inject({ method: 'GET', url: '/v1/releases' });
  t.equal(unsigned.statusCode, 401);
  t.equal(codeOf(unsigned), 'AUTH_UNSIGNED');
  const asBuyer = await signedInject(w.gw.app, {
    method: 'GET',
    url: '/v1/releases',
    key: buyer.key,
    now: w.clock.now(),
  });
  t.equal(codeOf(asBuyer), 'AUTH_FORBIDDEN');
  const cases: [string, unknown, number, string, typeof w.seller.key?][] = [
    ['bad JSON', '{', 400, 'HTTP_BAD_JSON'],
    ['wrong type', { wrappedKey: 5 }, 400, 'HTTP_INVALID'],
    ['unknown field', { wrappedKey: goodKey, also: 1 }, 400, 'HTTP_INVALID'],
    [
      'not a sealed key',
      { wrappedKey: Buffer.alloc(20).toString('base64') },
      400,
      'KEY_RELEASE_BAD_WRAPPED_KEY',
    ],
    ['another seller', { wrappedKey: goodKey }, 403, 'KEY_RELEASE_NOT_YOUR_DATASET', other.key],
    ['a buyer', { wrappedKey: goodKey }, 403, 'AUTH_FORBIDDEN', buyer.key],
  ];
  for (const [what, body, status, code, key] of cases) {
    const r = await signedInject(w.gw.app, {
      method: 'POST',
      url: approve,
      body,
      key: key ?? w.seller.key,
      now: w.clock.now(),
    });
    t.equal(r.statusCode, status, `${what}: status`);
    t.equal(codeOf(r), code, `${what}: code`);
  }
  const missing = await signedInject(w.gw.app, {
    method: 'POST',
    url: `/v1/releases/rel_${'a'.repeat(26)}/decline`,
    key: w.seller.key,
    now: w.clock.now(),
  });
  t.equal(codeOf(missing), 'KEY_RELEASE_NOT_FOUND');
  const noSig = await w.gw.app.inject({ method: 'POST', url: approve, payload: { wrappedKey: goodKey } });
  t.equal(codeOf(noSig), 'AUTH_UNSIGNED');
  t.equal(await w.runState(run.runId), 'sealing', 'nothing was approved');
  t.equal((await pendingReleases(w.gw.client(w.seller.key))).length, 1, 'it still waits');

  // The audit log: operator only, newest first, paged.
  const page = async (query: string, key = w.gw.operator.key) =>
    signedInject(w.gw.app, { method: 'GET', url: `/v1/audit/releases${query}`, key, now: w.clock.now() });
  t.equal(codeOf(await page('', w.seller.key)), 'AUTH_FORBIDDEN');
  t.equal(codeOf(await w.gw.app.inject({ method: 'GET', url: '/v1/audit/releases' })), 'AUTH_UNSIGNED');
  t.equal(codeOf(await page('?limit=0')), 'HTTP_INVALID');
  const first = (await page('?limit=1')).json<{
    items: { id: string; outcome: string }[];
    next: string | null;
  }>();
  t.match(first, { items: [{ id: releaseId, outcome: 'pending' }], next: null });
  const byRun = (await page(`?run=${run.runId}`)).json<{ items: unknown[] }>();
  t.equal(byRun.items.length, 1);
});

t.test('loopback: a real mTLS node client releases a key; a revoked one is refused', async (t) => {
  const inspect = await sealedInspect(t);
  if (!inspect) return;
  const w = await BrokerWorld.create(t, inspect, Date.now());
  const nodeApp = await nodeAppForTest(w.gw.app.gateway, w.pki, true);
  t.teardown(() => nodeApp.close());
  await nodeApp.listen({ host: '127.0.0.1', port: 0 });
  const port = (nodeApp.server.address() as AddressInfo).port;
  const post = (node: TestNode, path: string, body: unknown) =>
    new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          ca: w.pki.ca.certPem,
          key: node.tlsKeyPem,
          cert: node.certPem,
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              json: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const node = await w.node();
  const run = await w.run(node);
  const nonce = await post(node, `/v1/node/runs/${run.runId}/nonce`, { jobId: run.jobId });
  t.equal(nonce.status, 201);
  const eph = generateBoxKeyPair();
  const evidence = w.evidence(node, run.runId, nonce.json.nonce as string, eph);
  const released = await post(node, `/v1/node/runs/${run.runId}/evidence`, {
    jobId: run.jobId,
    evidence,
    inspect: w.inspect,
  });
  t.equal(released.status, 200);
  t.same(unwrapKey(base64ToBytes(released.json.wrappedKey as string) as Uint8Array, eph.secretKey), run.key);

  const revoked = await w.node();
  const second = await w.run(revoked);
  await w.pki.revoke(revoked.serial, 'keyCompromise', w.clock.now());
  const refused = await post(revoked, `/v1/node/runs/${second.runId}/nonce`, { jobId: second.jobId });
  t.equal(refused.status, 403);
  t.match(refused.json, { error: { code: 'AUTH_NOT_NODE' } });
  t.equal(await w.runState(second.runId), 'placed');

  // The public side over a real listener: the seller's SDK reads what waits (nothing here).
  const base = await listenForTest(w.gw.app);
  const seller = new GatewayClient({ gateway: base, key: w.seller.key, now: w.clock.now });
  t.same(await pendingReleases(seller), []);
});
