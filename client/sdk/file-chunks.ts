/**
 * File reads and writes for the envelope without stream pipelines: a reader
 * that reads pieces ahead into pooled buffers with positional `FileHandle.read`
 * calls, and a writer that writes with positional `FileHandle.write` calls and
 * gives each buffer back to its pool once the kernel has it. Both run their
 * system calls on libuv's thread pool, so the other core does the file I/O
 * while the main thread does AES.
 */
import type { FileHandle } from 'node:fs/promises';
import type { BufferPool } from './buffer-pool.js';

/** A piece read from the file, and where it ends in the file. */
interface Piece {
  readonly bytes: Uint8Array;
  readonly end: number;
}

/**
 * Reads a file from `start` in pieces of `pool.size` bytes into buffers taken
 * from `pool`, up to `ahead` reads in flight. A piece is short only at the end
 * of the file. The consumer owns each yielded piece until it calls
 * `release(offset)`, which gives back every piece that ends at or before the
 * file offset `offset`: call it once everything before `offset` is consumed.
 */
export class FileChunkReader implements AsyncIterable<Uint8Array> {
  readonly #out: Piece[] = [];

  constructor(
    private readonly file: FileHandle,
    private readonly pool: BufferPool,
    private readonly start: number,
    private readonly ahead: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const pending: Promise<Piece>[] = [];
    let next = this.start;
    const issue = (): void => {
      const read = this.#read(next);
      read.catch(() => undefined); // handled: it is awaited in turn, or below
      pending.push(read);
      next += this.pool.size;
    };
    try {
      for (;;) {
        while (pending.length < this.ahead) issue();
        const piece = await (pending.shift() as Promise<Piece>);
        if (piece.bytes.length === 0) {
          this.pool.give(piece.bytes);
          return;
        }
        this.#out.push(piece);
        yield piece.bytes;
      }
    } finally {
      // Reads still in flight finish into buffers nobody will see: take them back.
      for (const p of pending) {
        const piece = await p.catch(() => undefined);
        if (piece !== undefined) this.pool.give(piece.bytes);
      }
    }
  }

  /** One piece at `position`: a full pool buffer, or less only where the file ends. */
  async #read(position: number): Promise<Piece> {
    const buffer = this.pool.take();
    let filled = 0;
    try {
      for (;;) {
        const { bytesRead } = await this.file.read(buffer, filled, buffer.length - filled, position + filled);
        filled += bytesRead;
        if (bytesRead === 0 || filled === buffer.length) break;
      }
    } catch (err) {
      this.pool.give(buffer);
      throw err;
    }
    return { bytes: buffer.subarray(0, filled), end: position + filled };
  }

  /** Give back every yielded piece that ends at or before the file offset `offset`. */
  release(offset: number): void {
    for (let head = this.#out[0]; head !== undefined && head.end <= offset; head = this.#out[0]) {
      this.#out.shift();
      this.pool.give(head.bytes);
    }
  }
}

/**
 * Writes pieces one after another from file offset 0 with up to `ahead`
 * writes in flight; each piece goes back to `pool` (when it is one of its
 * buffers) as soon as its write completed.
 */
export class FileChunkWriter {
  readonly #pending: Promise<void>[] = [];
  #position = 0;

  constructor(
    private readonly file: FileHandle,
    private readonly pool: BufferPool | undefined,
    private readonly ahead: number,
  ) {}

  /** Queue `bytes` for writing; resolves when there is room for another write. */
  async write(bytes: Uint8Array): Promise<void> {
    const at = this.#position;
    this.#position += bytes.length;
    const write = this.#writeAll(bytes, at);
    write.catch(() => undefined); // handled: it is awaited in turn, or by flush
    this.#pending.push(write);
    if (this.#pending.length >= this.ahead) await this.#pending.shift();
  }

  async #writeAll(bytes: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.file.write(bytes, done, bytes.length - done, position + done);
      done += bytesWritten;
    }
    this.pool?.give(bytes);
  }

  /** Wait for every queued write; throws the first failure. Always waits for all of them. */
  async flush(): Promise<void> {
    const settled = await Promise.allSettled(this.#pending.splice(0));
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
