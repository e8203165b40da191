import t from 'tap';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { BlobError, BlobStore } from '../../../gateway/index.js';
import { blobPath, chunked, digestOf, filesUnder, payload, tempStore } from './helpers.js';

t.test('open creates sha256/ and tmp/ and sweeps leftovers of crashed uploads', async (t) => {
  const { dir } = await tempStore(t);
  await writeFile(join(dir, 'tmp', 'crashed.part'), 'half an upload');
  await mkdir(join(dir, 'tmp', 'odd-dir'));
  const store = await BlobStore.open(dir, { maxBytes: 10 });
  t.same(await filesUnder(dir), []);
  t.equal(store.maxBytes, 10);
  t.equal((await stat(join(dir, 'sha256'))).isDirectory(), true);
  await t.rejects(BlobStore.open(dir, { maxBytes: -1 }), TypeError);
});

t.test('put stores a blob under sha256/ab/<hex>, owner-only, and reads back', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes, digest } = payload(300 * 1024 + 7);
  const result = await store.put(digest, chunked(bytes), { length: bytes.length });
  t.same(result, { digest, size: bytes.length, created: true });
  const path = blobPath(dir, digest);
  t.same(await filesUnder(dir), [path.slice(dir.length + 1)]);
  t.equal((await stat(path)).mode & 0o777, 0o600);
  t.ok((await readFile(path)).equals(bytes));
  t.equal(await store.has(digest), true);
  t.same(await store.stat(digest), { size: bytes.length });
  const chunks: Buffer[] = [];
  for await (const c of await store.open(digest)) chunks.push(c as Buffer);
  t.ok(Buffer.concat(chunks).equals(bytes));
});

t.test('a Readable source and an empty blob', async (t) => {
  const { store } = await tempStore(t);
  const empty = digestOf(new Uint8Array(0));
  t.same(await store.put(empty, Readable.from([])), { digest: empty, size: 0, created: true });
  t.equal(await text(await store.open(empty)), '');
});

t.test('a digest mismatch keeps nothing', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes } = payload(1000);
  const other = digestOf(Buffer.from('something else'));
  await t.rejects(store.put(other, chunked(bytes)), BlobError);
  await t.rejects(store.put(other, chunked(bytes)), { code: 'BLOB_DIGEST_MISMATCH' });
  t.same(await filesUnder(dir), []);
  t.equal(await store.has(other), false);
});

t.test('too large: stops reading at the limit and keeps nothing', async (t) => {
  const { store, dir } = await tempStore(t, { maxBytes: 100 * 1024 });
  let pulled = 0;
  let returned = false;
  async function* endless(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        pulled++;
        await Promise.resolve();
        yield new Uint8Array(16 * 1024);
      }
    } finally {
      returned = true;
    }
  }
  const digest = digestOf(Buffer.from('x'));
  await t.rejects(store.put(digest, endless()), { name: 'BlobError', code: 'BLOB_TOO_LARGE' });
  t.equal(pulled, 7, 'the seventh 16 KiB chunk crosses 100 KiB, and nothing after it is read');
  t.equal(returned, true, 'the source is closed');
  t.same(await filesUnder(dir), []);
});

t.test('a per-upload limit lowers the store limit and never raises it', async (t) => {
  const { store } = await tempStore(t, { maxBytes: 1000 });
  const { bytes, digest } = payload(600);
  await t.rejects(store.put(digest, chunked(bytes), { maxBytes: 500 }), { code: 'BLOB_TOO_LARGE' });
  const big = payload(1001);
  await t.rejects(store.put(big.digest, chunked(big.bytes), { maxBytes: 5000 }), { code: 'BLOB_TOO_LARGE' });
  t.same(await store.put(digest, chunked(bytes), { maxBytes: 600 }), { digest, size: 600, created: true });
  await t.rejects(store.put(digest, chunked(bytes), { maxBytes: 1.5 }), TypeError);
});

t.test('a declared length over the limit is refused before reading', async (t) => {
  const { store, dir } = await tempStore(t, { maxBytes: 1000 });
  let read = false;
  const source = (async function* () {
    read = true;
    await Promise.resolve();
    yield new Uint8Array(1);
  })();
  await t.rejects(store.put(digestOf(new Uint8Array(1)), source, { length: 1001 }), {
    code: 'BLOB_TOO_LARGE',
  });
  t.equal(read, false, 'the source is untouched, so an HTTP route can still answer');
  await t.rejects(store.put(digestOf(new Uint8Array(1)), source, { length: -1 }), TypeError);
  t.same(await filesUnder(dir), []);
});

t.test('a declared length must match: longer stops at once, shorter fails at the end', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes, digest } = payload(10_000);
  await t.rejects(store.put(digest, chunked(bytes, 1000), { length: 4_500 }), {
    code: 'BLOB_LENGTH_MISMATCH',
  });
  await t.rejects(store.put(digest, chunked(bytes, 1000), { length: 10_001 }), {
    code: 'BLOB_LENGTH_MISMATCH',
  });
  t.same(await filesUnder(dir), []);
});

t.test('a source that fails is BLOB_ABORTED with the cause, and keeps nothing', async (t) => {
  const { store, dir } = await tempStore(t);
  const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  async function* breaks(): AsyncGenerator<Uint8Array> {
    yield new Uint8Array(5000);
    await Promise.resolve();
    throw reset;
  }
  await t.rejects(store.put(digestOf(new Uint8Array(1)), breaks()), { code: 'BLOB_ABORTED', cause: reset });
  const destroyed = new Readable({ read() {} });
  destroyed.push(new Uint8Array(10));
  setImmediate(() => destroyed.destroy());
  await t.rejects(store.put(digestOf(new Uint8Array(1)), destroyed), { code: 'BLOB_ABORTED' });
  t.same(await filesUnder(dir), []);
});

t.test('a source of strings is a programming mistake', async (t) => {
  const { store, dir } = await tempStore(t);
  const source = Readable.from(['text']) as unknown as AsyncIterable<Uint8Array>;
  await t.rejects(store.put(digestOf(Buffer.from('text')), source), TypeError);
  t.same(await filesUnder(dir), []);
});

t.test('dedupe: a second upload is verified, not written, and says created: false', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes, digest } = payload(50_000);
  await store.put(digest, chunked(bytes));
  const before = (await stat(blobPath(dir, digest))).mtimeMs;
  t.same(await store.put(digest, chunked(bytes)), { digest, size: bytes.length, created: false });
  t.equal((await stat(blobPath(dir, digest))).mtimeMs, before, 'the stored file is not rewritten');
  const forged = Buffer.from(bytes);
  forged[0] ^= 1;
  await t.rejects(store.put(digest, chunked(forged)), { code: 'BLOB_DIGEST_MISMATCH' }, 'still verified');
  await t.rejects(store.put(digest, chunked(bytes), { length: 1 }), { code: 'BLOB_LENGTH_MISMATCH' });
  t.ok((await readFile(blobPath(dir, digest))).equals(bytes));
  t.equal((await filesUnder(dir)).length, 1);
});

t.test('concurrent uploads of one digest: exactly one creates, none corrupts', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes, digest } = payload(2 * 1024 * 1024);
  const results = await Promise.all(Array.from({ length: 4 }, () => store.put(digest, chunked(bytes))));
  t.equal(results.filter((r) => r.created).length, 1);
  t.ok(results.every((r) => r.size === bytes.length && r.digest === digest));
  t.ok((await readFile(blobPath(dir, digest))).equals(bytes));
  t.same(await filesUnder(dir), [blobPath(dir, digest).slice(dir.length + 1)]);
});

t.test('missing blobs, deletion and bad digests on every method', async (t) => {
  const { store } = await tempStore(t);
  const { bytes, digest } = payload(10);
  t.equal(await store.has(digest), false);
  t.equal(await store.stat(digest), undefined);
  await t.rejects(store.open(digest), { name: 'BlobError', code: 'BLOB_NOT_FOUND' });
  t.equal(await store.delete(digest), false);
  await store.put(digest, chunked(bytes));
  t.equal(await store.delete(digest), true);
  t.equal(await store.has(digest), false);
  const bad = 'sha256:NOT-HEX';
  await t.rejects(store.has(bad), { code: 'BLOB_BAD_DIGEST' });
  await t.rejects(store.stat(bad), { code: 'BLOB_BAD_DIGEST' });
  await t.rejects(store.open(bad), { code: 'BLOB_BAD_DIGEST' });
  await t.rejects(store.delete(bad), { code: 'BLOB_BAD_DIGEST' });
  await t.rejects(store.put(bad, chunked(bytes)), { code: 'BLOB_BAD_DIGEST' });
});

t.test('close fails an upload in flight, keeps nothing, and refuses later uploads', async (t) => {
  const { store, dir } = await tempStore(t);
  const { bytes, digest } = payload(8 * 1024 * 1024);
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield bytes.subarray(0, 1024 * 1024);
    started();
    await new Promise((resolve) => setTimeout(resolve, 50));
    yield* chunked(bytes.subarray(1024 * 1024));
  }
  const upload = store.put(digest, slow());
  // Expect the refusal before closing: the upload fails while close() waits for the thread.
  const refused = t.rejects(upload, { message: 'the blob store is closed' });
  await reading;
  await store.close();
  await refused;
  t.same(await filesUnder(dir), []);
  await t.rejects(store.put(digest, chunked(bytes)), { message: 'the blob store is closed' });
  t.same(await filesUnder(dir), []);
});
