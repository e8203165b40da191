/**
 * The blob store behind a real `node:http` server on loopback, the request
 * stream piped straight into `put` as the gateway's PUT /v1/blobs/:digest
 * route will (fastify's `request.raw` is this same IncomingMessage).
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, PutResult } from '../../../gateway/index.js';
import { isSealgateError } from '../../../attest/index.js';
import { blobPath, filesUnder, payload, tempStore } from './helpers.js';
import type { Teardown } from './helpers.js';

const MiB = 1024 * 1024;

/** What the server saw of one upload. */
interface Outcome {
  readonly result?: PutResult;
  readonly code?: string;
  /** Bytes the server had read off the socket when `put` settled. */
  readonly bytesRead: number;
}

const STATUS: Record<string, number> = {
  BLOB_BAD_DIGEST: 400,
  BLOB_DIGEST_MISMATCH: 400,
  BLOB_LENGTH_MISMATCH: 400,
  BLOB_TOO_LARGE: 413,
  BLOB_ABORTED: 400,
};

/** A loopback server whose PUT /<digest> pipes the request into `store.put`. */
async function serve(t: Teardown, store: BlobStore): Promise<{ port: number; outcomes: Promise<Outcome>[] }> {
  const outcomes: Promise<Outcome>[] = [];
  const server: Server = createServer((req, res) => {
    const header = req.headers['content-length'];
    const options = header === undefined ? {} : { length: Number(header) };
    const socket = req.socket;
    const outcome = store.put((req.url ?? '').slice(1), req, options).then(
      (result): Outcome => ({ result, bytesRead: socket.bytesRead }),
      (err: unknown): Outcome => {
        if (!isSealgateError(err)) throw err;
        return { code: err.code, bytesRead: socket.bytesRead };
      },
    );
    outcomes.push(outcome);
    void outcome.then(({ result, code }) => {
      const status = result ? (result.created ? 201 : 200) : (STATUS[code ?? ''] ?? 500);
      res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify(result ?? { code }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, outcomes };
}

/** PUT `body` to `/<digest>`; resolves with the status and JSON body, or the client-side error. */
function upload(
  port: number,
  digest: string,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  headers: Record<string, string | number> = {},
): Promise<{ status?: number; json?: unknown; error?: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `/${digest}`, headers });
    req.on('response', (res: IncomingMessage) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () =>
        resolve({ status: res.statusCode, json: JSON.parse(Buffer.concat(parts).toString()) }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    pipeline(Readable.from(body), req).catch(() => undefined);
  });
}

async function tmpEntries(dir: string): Promise<string[]> {
  return readdir(join(dir, 'tmp'));
}

t.test('an upload is stored, and a second one dedupes', async (t) => {
  const { store, dir } = await tempStore(t);
  const { port, outcomes } = await serve(t, store);
  const { bytes, digest } = payload(3 * MiB + 11);
  const first = await upload(port, digest, [bytes], { 'content-length': bytes.length });
  t.match(first, { status: 201, json: { digest, size: bytes.length, created: true } });
  const again = await upload(port, digest, [bytes.subarray(0, MiB), bytes.subarray(MiB)]); // chunked
  t.match(again, { status: 200, json: { created: false } });
  t.equal(outcomes.length, 2);
  t.ok((await readFile(blobPath(dir, digest))).equals(bytes));
  t.same(await tmpEntries(dir), []);
});

t.test('a digest mismatch is refused and nothing is kept', async (t) => {
  const { store, dir } = await tempStore(t);
  const { port, outcomes } = await serve(t, store);
  const { bytes } = payload(MiB);
  const claimed = payload(16).digest;
  t.match(await upload(port, claimed, [bytes], { 'content-length': bytes.length }), {
    status: 400,
    json: { code: 'BLOB_DIGEST_MISMATCH' },
  });
  t.match(await outcomes[0], { code: 'BLOB_DIGEST_MISMATCH' });
  t.same(await filesUnder(dir), []);
});

t.test('too large without a declared length: the server stops reading at the limit', async (t) => {
  const limit = 4 * MiB;
  const { store, dir } = await tempStore(t, { maxBytes: limit });
  const { port, outcomes } = await serve(t, store);
  const block = randomBytes(64 * 1024);
  let sent = 0;
  const endless = function* (): Generator<Uint8Array> {
    for (;;) {
      sent += block.length;
      yield block;
    }
  };
  const client = await upload(port, payload(1).digest, endless());
  const outcome = await outcomes[0];
  t.match(outcome, { code: 'BLOB_TOO_LARGE' });
  t.ok(outcome.bytesRead < limit + MiB, `server read ${outcome.bytesRead} bytes, the limit is ${limit}`);
  t.ok(client.error !== undefined || client.status === 413, 'the client is cut off');
  t.ok(sent < 64 * limit, 'the endless client was stopped');
  t.same(await filesUnder(dir), []);
});

t.test('too large by its Content-Length: refused before the body is read', async (t) => {
  const { store, dir } = await tempStore(t, { maxBytes: MiB });
  const { port, outcomes } = await serve(t, store);
  const response = new Promise<number | undefined>((resolve) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'PUT',
      path: `/${payload(1).digest}`,
      headers: { 'content-length': 10 * MiB },
    });
    req.on('response', (res) => {
      resolve(res.statusCode);
      res.resume();
      req.destroy();
    });
    req.on('error', () => resolve(undefined));
    req.write(new Uint8Array(1024)); // a little of the body, then wait for the answer
  });
  t.equal(await response, 413);
  t.match(await outcomes[0], { code: 'BLOB_TOO_LARGE' });
  t.same(await filesUnder(dir), []);
});

t.test('a client that aborts mid-upload leaves nothing, not even in tmp/', async (t) => {
  const { store, dir } = await tempStore(t);
  const { port, outcomes } = await serve(t, store);
  const req = request({ host: '127.0.0.1', port, method: 'PUT', path: `/${payload(1).digest}` });
  req.on('error', () => undefined);
  req.write(randomBytes(2 * MiB));
  while ((await tmpEntries(dir)).length === 0) await new Promise((r) => setTimeout(r, 5)); // upload under way
  req.destroy();
  t.match(await outcomes[0], { code: 'BLOB_ABORTED' });
  t.same(await filesUnder(dir), []);
});

t.test('a declared length the body does not reach is BLOB_ABORTED when the client hangs up', async (t) => {
  const { store, dir } = await tempStore(t);
  const { port, outcomes } = await serve(t, store);
  const req = request({
    host: '127.0.0.1',
    port,
    method: 'PUT',
    path: `/${payload(1).digest}`,
    headers: { 'content-length': 4 * MiB },
  });
  req.on('error', () => undefined);
  req.write(randomBytes(MiB));
  while ((await tmpEntries(dir)).length === 0) await new Promise((r) => setTimeout(r, 5));
  req.destroy();
  t.match(await outcomes[0], { code: 'BLOB_ABORTED' });
  t.same(await filesUnder(dir), []);
});

t.test('concurrent uploads of one digest: one creates, the others dedupe, the blob is intact', async (t) => {
  const { store, dir } = await tempStore(t);
  const { port } = await serve(t, store);
  const { bytes, digest } = payload(8 * MiB);
  const statuses = await Promise.all(
    Array.from({ length: 3 }, () => upload(port, digest, [bytes], { 'content-length': bytes.length })),
  );
  t.same(statuses.map((s) => s.status).sort(), [200, 200, 201]);
  t.ok((await readFile(blobPath(dir, digest))).equals(bytes));
  t.same(await filesUnder(dir), [blobPath(dir, digest).slice(dir.length + 1)]);
});

// The streaming check: SEALGATE_TEST_BLOB_MIB (default 512: twice the RSS bound, so a buffered body fails) MiB through the
// server, whose memory must not grow with the body. RSS covers client and
// server (one process); the bound is a generous sanity check, not a figure
// (bench/blobs.ts measures the server alone).
t.test('a 512 MiB upload streams: resident memory stays flat', async (t) => {
  const mib = Number(process.env.SEALGATE_TEST_BLOB_MIB ?? 512);
  const { store, dir } = await tempStore(t, { maxBytes: 2 * 1024 * MiB });
  const { port } = await serve(t, store);
  const blocks = Array.from({ length: 16 }, () => randomBytes(MiB)); // cycled: no garbage per chunk
  function* body(): Generator<Uint8Array> {
    for (let i = 0; i < mib; i++) yield blocks[i % blocks.length];
  }
  const hash = createHash('sha256');
  for (const chunk of body()) hash.update(chunk);
  const digest = `sha256:${hash.digest('hex')}`;
  const warm = payload(MiB); // start the hashing thread before the baseline: its start-up is not growth
  t.match(await upload(port, warm.digest, [warm.bytes], { 'content-length': MiB }), { status: 201 });
  await store.delete(warm.digest);
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const response = await upload(port, digest, body(), { 'content-length': mib * MiB });
  clearInterval(sampler);
  t.match(response, { status: 201, json: { size: mib * MiB, created: true } });
  const growth = (peak - baseline) / MiB;
  t.ok(growth < 256, `resident memory grew ${growth.toFixed(0)} MiB for a ${mib} MiB upload`);
  t.same(await store.stat(digest), { size: mib * MiB });
  await store.delete(digest);
  t.same(await filesUnder(dir), []);
});
