/**
 * The temp-file sink of the blob store (gateway/blobs/files.ts): writeback
 * started during an upload, and what happens when it fails. The file handle
 * is a stand-in here only to make a flush fail on demand; the store's own
 * tests write real files.
 */
import t from 'tap';
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileSink } from '../../../gateway/blobs/files.js';
import { chunked, digestOf, filesUnder, payload, tempStore } from './helpers.js';

/** A handle recording writes and flushes; `failFlush` makes every fdatasync fail with EIO. */
function recordingHandle(failFlush = false): {
  handle: FileHandle;
  written: () => number;
  flushes: number[];
  pending: () => number;
} {
  let written = 0;
  let running = 0;
  const flushes: number[] = [];
  const handle = {
    writev(buffers: Buffer[]) {
      const bytesWritten = buffers.reduce((n, b) => n + b.length, 0);
      written += bytesWritten;
      return Promise.resolve({ bytesWritten, buffers });
    },
    async datasync() {
      flushes.push(written);
      running++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
      if (failFlush) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    },
  } as unknown as FileHandle;
  return { handle, written: () => written, flushes, pending: () => running };
}

const chunks = (count: number, size: number): Buffer[] =>
  Array.from({ length: count }, () => Buffer.alloc(size, 7));

t.test('writeback starts every flushEvery bytes, and the sink finishes only after it', async (t) => {
  const rec = recordingHandle();
  await pipeline(
    Readable.from(chunks(40, 1000)),
    fileSink(rec.handle, { highWaterMark: 4096, flushEvery: 10_000 }),
  );
  t.equal(rec.written(), 40_000);
  t.ok(rec.flushes.length >= 1, 'at least one flush during the writes');
  t.ok(
    rec.flushes.every((at, i) => at >= 10_000 * (i + 1)),
    'never more often than flushEvery',
  );
  t.equal(rec.pending(), 0, 'no flush still running when the pipeline resolved');
});

t.test('flushEvery 0 never flushes', async (t) => {
  const rec = recordingHandle();
  await pipeline(
    Readable.from(chunks(10, 1000)),
    fileSink(rec.handle, { highWaterMark: 4096, flushEvery: 0 }),
  );
  t.same(rec.flushes, []);
});

t.test('a failed flush fails the upload', async (t) => {
  const rec = recordingHandle(true);
  await t.rejects(
    pipeline(
      Readable.from(chunks(40, 1000)),
      fileSink(rec.handle, { highWaterMark: 4096, flushEvery: 5000 }),
    ),
    { code: 'EIO' },
  );
  t.equal(rec.pending(), 0, 'the sink waited for the flush before failing');
});

t.test('an upload longer than the flush interval: stored whole, or nothing on a mismatch', async (t) => {
  const { store, dir } = await tempStore(t, { maxBytes: 128 * 1024 * 1024 });
  // 40 MiB crosses the store's 32 MiB flush interval once.
  const { bytes, digest } = payload(40 * 1024 * 1024);
  const wrong = digestOf(Buffer.from('not these bytes'));
  await t.rejects(store.put(wrong, chunked(bytes, 1024 * 1024)), {
    name: 'BlobError',
    code: 'BLOB_DIGEST_MISMATCH',
  });
  t.same(await filesUnder(dir), [], 'nothing kept after a mismatch');
  t.same(await store.put(digest, chunked(bytes, 1024 * 1024)), { digest, size: bytes.length, created: true });
  t.equal((await store.stat(digest))?.size, bytes.length);
});

t.test('an upload that breaks after a flush keeps nothing', async (t) => {
  const { store, dir } = await tempStore(t, { maxBytes: 128 * 1024 * 1024 });
  const { bytes, digest } = payload(40 * 1024 * 1024);
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  async function* breaks(): AsyncGenerator<Uint8Array> {
    yield* chunked(bytes.subarray(0, 36 * 1024 * 1024), 1024 * 1024);
    throw reset;
  }
  await t.rejects(store.put(digest, breaks()), { name: 'BlobError', code: 'BLOB_ABORTED', cause: reset });
  t.same(await filesUnder(dir), [], 'the temp file is gone');
});
