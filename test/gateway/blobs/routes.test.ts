/**
 * Blob uploads through the gateway (issue 3): streamed, signed through the
 * blob's own digest, checked while written, deduplicated, size-limited; a
 * refused upload keeps nothing. Through a real loopback listener with the SDK.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { GatewayClient, uploadBlob } from '../../../client/index.js';
import { signRequest, BodySha256 } from '../../../attest/index.js';
import { gatewayForTest, listenForTest } from '../../helpers/gateway.js';

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield await Promise.resolve(bytes);
}

const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();

async function fileOf(t: Test, bytes: Uint8Array): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealgate-blob-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'blob.bin');
  await writeFile(path, bytes);
  return path;
}

t.test('a seller streams a blob over loopback; a second upload deduplicates', async (t) => {
  const gw = await gatewayForTest(t);
  const url = await listenForTest(gw.app);
  const seller = await gw.account('seller');
  const client = new GatewayClient({ gateway: url, key: seller.key });
  const bytes = randomBytes(3 * 1024 * 1024 + 17);
  const path = await fileOf(t, bytes);
  let last = 0;
  const first = await uploadBlob(client, path, (sent) => (last = sent));
  t.same(first, { digest: `sha256:${sha(bytes).toString('hex')}`, size: bytes.length, created: true });
  t.equal(last, bytes.length, 'progress reached the whole file');
  const again = await uploadBlob(client, path);
  t.equal(again.created, false, 'the same bytes are stored once');
  t.same(await gw.app.gateway.blobs.stat(first.digest), { size: bytes.length });
});

t.test('bytes that do not hash to the signed digest are refused and nothing is kept', async (t) => {
  const gw = await gatewayForTest(t);
  const url = await listenForTest(gw.app);
  const seller = await gw.account('seller');
  const claimed = randomBytes(4096);
  const sent = randomBytes(4096);
  const digest = `sha256:${sha(claimed).toString('hex')}`;
  const client = new GatewayClient({ gateway: url, key: seller.key });
  await t.rejects(
    client.sendStream('PUT', `/v1/blobs/${digest}`, once(sent), {
      sha256: sha(claimed),
      length: sent.length,
    }),
    { code: 'BLOB_DIGEST_MISMATCH', status: 400 },
  );
  t.equal(await gw.app.gateway.blobs.stat(digest), undefined);
  t.same(await readdir(join(gw.dataDir, 'blobs', 'tmp')), [], 'no temp file left');
});

t.test('a Content-Digest other than the path is refused before a byte is read', async (t) => {
  const gw = await gatewayForTest(t);
  const seller = await gw.account('seller');
  const bytes = randomBytes(100);
  const digest = `sha256:${sha(bytes).toString('hex')}`;
  const headers = signRequest({
    method: 'PUT',
    path: `/v1/blobs/${digest}`,
    body: new BodySha256(sha(randomBytes(100))),
    key: seller.key,
    keyId: seller.id,
    now: new Date(),
  });
  const res = await gw.app.inject({
    method: 'PUT',
    url: `/v1/blobs/${digest}`,
    headers: { ...headers, 'content-type': 'application/octet-stream' },
    payload: bytes,
  });
  t.equal(res.statusCode, 401);
  t.equal(res.json<{ error: { code: string } }>().error.code, 'REQUEST_DIGEST_MISMATCH');
  t.equal(await gw.app.gateway.blobs.stat(digest), undefined);
});

t.test('roles, signatures and size limits', async (t) => {
  const gw = await gatewayForTest(t, { blobMaxBytes: 1024 * 1024 });
  const url = await listenForTest(gw.app);
  const buyer = await gw.account('buyer');
  const seller = await gw.account('seller');
  const small = randomBytes(1000);
  const big = randomBytes(2 * 1024 * 1024);
  await t.rejects(uploadBlob(new GatewayClient({ gateway: url, key: buyer.key }), await fileOf(t, small)), {
    code: 'AUTH_FORBIDDEN',
    status: 403,
  });
  await t.rejects(uploadBlob(new GatewayClient({ gateway: url, key: seller.key }), await fileOf(t, big)), {
    code: 'BLOB_TOO_LARGE',
    status: 413,
  });
  const unsigned = await gw.app.inject({
    method: 'PUT',
    url: `/v1/blobs/sha256:${sha(small).toString('hex')}`,
    headers: { 'content-type': 'application/octet-stream' },
    payload: small,
  });
  t.equal(unsigned.statusCode, 401);
  t.equal(unsigned.json<{ error: { code: string } }>().error.code, 'AUTH_UNSIGNED');
  const badPath = await gw.app.inject({
    method: 'PUT',
    url: '/v1/blobs/sha256:XYZ',
    headers: { 'content-type': 'application/octet-stream' },
    payload: small,
  });
  t.equal(badPath.json<{ error: { code: string } }>().error.code, 'BLOB_BAD_DIGEST');
  t.same(await readdir(join(gw.dataDir, 'blobs', 'tmp')), []);
});

t.test('nobody downloads a blob from the public API', async (t) => {
  const gw = await gatewayForTest(t);
  const res = await gw.app.inject({ method: 'GET', url: `/v1/blobs/sha256:${'0'.repeat(64)}` });
  // Enrolled nodes download on the mTLS listener only (gateway/nodes/blob-routes.ts).
  t.equal(res.statusCode, 403);
  t.equal(res.json<{ error: { code: string } }>().error.code, 'BLOB_NODES_ONLY');
});
