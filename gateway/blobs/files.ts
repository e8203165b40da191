/**
 * File-system steps of the blob store that must happen in a particular order
 * to survive a crash: the write-to-temp, fsync, link, fsync-directory sequence
 * of POSIX atomic replacement (as in LevelDB's and git's object writers), and
 * the sweep of a temp directory nobody else writes to.
 */
import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';

/** Make `dir` durable: fsync the directory itself, so new entries in it survive a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Create a new file exclusively (O_CREAT | O_EXCL), readable and writable by its owner only. */
export function createExclusive(path: string): Promise<FileHandle> {
  return open(path, 'wx', 0o600);
}

/** How {@link fileSink} buffers and flushes. */
export interface FileSinkOptions {
  /** Bytes the sink holds before it pushes back on its source. */
  readonly highWaterMark: number;
  /**
   * Start an `fdatasync(2)` each time this many more bytes were written
   * (one at a time, beside the writes), so the final `fsync` finds little
   * left to flush. 0 for none.
   */
  readonly flushEvery: number;
}

/**
 * A Writable over an open file that holds at most `highWaterMark` bytes
 * before pushing back, writing buffered chunks with one `writev(2)`. Written
 * here rather than `FileHandle.createWriteStream`, because that stream keeps
 * the handle referenced until it closes the file itself, and the store must
 * fsync and close the file in its own order.
 *
 * With `flushEvery`, writeback starts during the upload rather than at its
 * end: on a machine with gigabytes of page cache nothing reaches the disk
 * before the final `fsync`, which then writes the whole blob while the
 * upload waits (the portable stand-in for Linux's `sync_file_range`, which
 * Node does not expose). The sink finishes, and is destroyed, only once no
 * flush is running; a failed flush fails the upload.
 */
export function fileSink(file: FileHandle, options: FileSinkOptions): Writable {
  let written = 0;
  let flushedAt = 0;
  let flushing: Promise<void> | undefined;
  let flushError: Error | undefined;
  const maybeFlush = (): void => {
    if (options.flushEvery <= 0 || flushing || written - flushedAt < options.flushEvery) return;
    flushedAt = written;
    flushing = file.datasync().then(
      () => void (flushing = undefined),
      (err: Error) => void ((flushError ??= err), (flushing = undefined)),
    );
  };
  const writeAll = async (buffers: Buffer[]): Promise<void> => {
    if (flushError) throw flushError;
    const total = buffers.reduce((n, b) => n + b.length, 0);
    const { bytesWritten } = await file.writev(buffers);
    if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes`);
    written += total;
    maybeFlush();
  };
  return new Writable({
    highWaterMark: options.highWaterMark,
    write(chunk: Buffer, _encoding, done) {
      writeAll([chunk]).then(() => done(), done);
    },
    writev(chunks, done) {
      writeAll(chunks.map((c) => c.chunk as Buffer)).then(() => done(), done);
    },
    final(done) {
      void Promise.resolve(flushing).then(() => done(flushError));
    },
    destroy(err, done) {
      void Promise.resolve(flushing).then(() => done(err));
    },
  });
}

/**
 * Give the already-fsynced file `from` the name `to`, in directory `fanOut`
 * under `root`, without replacing an existing file: `link(2)` fails with
 * EEXIST instead, which makes the first of two concurrent writers the one
 * that creates. Returns false when `to` already existed. Either way the
 * directory is fsynced before returning, so the name is durable.
 */
export async function publishNoReplace(
  from: string,
  to: string,
  fanOut: string,
  root: string,
): Promise<boolean> {
  const madeFanOut = await mkdir(fanOut, { recursive: true, mode: 0o700 });
  let created = true;
  try {
    await link(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    created = false;
  }
  await fsyncDir(fanOut);
  if (madeFanOut !== undefined) await fsyncDir(root);
  return created;
}

/** Remove everything inside `dir` (not `dir` itself): leftovers of uploads a crash interrupted. */
export async function emptyDir(dir: string): Promise<void> {
  for (const name of await readdir(dir)) await rm(join(dir, name), { recursive: true, force: true });
}

/** True when `err` is a file-system "no such file" error. */
export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
