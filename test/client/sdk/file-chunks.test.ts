/**
 * Positional file reads into pooled buffers and positional writes out of them:
 * pieces come in order and whole, a piece goes back to its pool only when the
 * consumer says everything before its end is consumed, reads still in flight
 * are taken back when the consumer stops, and a failed write surfaces.
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { BufferPool } from '../../../client/sdk/buffer-pool.js';
import { FileChunkReader, FileChunkWriter } from '../../../client/sdk/file-chunks.js';

t.test('the reader yields whole pieces from `start` and gives them back on release', async (t) => {
  const bytes = randomBytes(10_000);
  const dir = t.testdir({ f: bytes });
  const file = await open(join(dir, 'f'), 'r');
  t.teardown(() => file.close());
  const pool = new BufferPool(1024, 16);
  const reader = new FileChunkReader(file, pool, 100, 3);
  const seen: Buffer[] = [];
  for await (const piece of reader) {
    seen.push(Buffer.from(piece)); // a copy: the piece itself goes back below
    t.equal(pool.idle, 0, 'nothing is given back before release');
  }
  t.same(
    seen.map((p) => p.length),
    [...Array<number>(9).fill(1024), 10_000 - 100 - 9 * 1024],
    'full pieces, short only at the end',
  );
  t.ok(Buffer.concat(seen).equals(bytes.subarray(100)), 'the file from `start`, in order');
  reader.release(100 + 3 * 1024 - 1);
  t.equal(pool.idle, 3 + 2, 'the three reads past the end, and the two pieces that end before the offset');
  reader.release(Number.POSITIVE_INFINITY);
  t.equal(pool.idle, 3 + 10, 'every piece is back');
});

t.test('a consumer that stops early gets the buffers of reads still in flight back', async (t) => {
  const dir = t.testdir({ f: randomBytes(64 * 1024) });
  const file = await open(join(dir, 'f'), 'r');
  t.teardown(() => file.close());
  const pool = new BufferPool(1024, 16);
  const reader = new FileChunkReader(file, pool, 0, 4);
  for await (const piece of reader) {
    t.equal(piece.length, 1024);
    break;
  }
  t.equal(pool.idle, 3, 'the three reads still in flight');
  reader.release(1024);
  t.equal(pool.idle, 4, 'and the piece it had');
});

t.test('a failed read surfaces and its buffer goes back', async (t) => {
  const dir = t.testdir({ f: 'x' });
  const file = await open(join(dir, 'f'), 'w'); // not readable
  t.teardown(() => file.close());
  const pool = new BufferPool(16, 4);
  const reader = new FileChunkReader(file, pool, 0, 2);
  await t.rejects(
    (async () => {
      for await (const piece of reader) t.fail(`read ${piece.length} bytes`);
    })(),
    { code: 'EBADF' },
  );
  t.equal(pool.idle, 2);
});

t.test('the writer writes in order and gives pool buffers back once written', async (t) => {
  const dir = t.testdir({});
  const file = await open(join(dir, 'out'), 'w');
  const pool = new BufferPool(4, 8);
  const writer = new FileChunkWriter(file, pool, 2);
  const parts = ['abcd', 'ef', 'ghij', 'k'].map((s) => {
    const b = pool.take();
    b.write(s);
    return b.subarray(0, s.length);
  });
  for (const p of parts) await writer.write(p);
  await writer.write(new TextEncoder().encode('-tail')); // not the pool's: never adopted
  await writer.flush();
  await file.close();
  t.equal(readFileSync(join(dir, 'out'), 'utf8'), 'abcdefghijk-tail');
  t.equal(pool.idle, 4, 'each pool buffer is back');
});

t.test('a failed write surfaces from write or flush', async (t) => {
  const dir = t.testdir({ f: 'x' });
  const file = await open(join(dir, 'f'), 'r'); // not writable
  t.teardown(() => file.close());
  const writer = new FileChunkWriter(file, undefined, 2);
  await writer.write(new Uint8Array(8)); // queued
  await t.rejects(writer.flush(), { code: 'EBADF' });
  const eager = new FileChunkWriter(file, undefined, 1);
  await t.rejects(eager.write(new Uint8Array(8)), { code: 'EBADF' });
  await eager.flush();
});
