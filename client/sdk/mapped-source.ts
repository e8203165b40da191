/**
 * A mapped file as the envelope's plaintext source (client/sdk/mapped-file.ts),
 * and the bookkeeping that makes unmapping it safe: every chunk operation of an
 * envelope is counted, so the mapping goes only once none still reads it, on
 * failure too (a chunk in flight on a worker thread outlives the stream that
 * started it).
 */
import type { ChunkCipher, ChunkCipherFactory } from '../../attest/envelope/index.js';
import type { MappedFile } from './mapped-file.js';

/** Consumed pages are dropped from memory in steps of this many bytes (fewer system calls). */
const DROP_STEP = 8 * 1024 * 1024;

/**
 * Yields the mapped bytes in views of `pieceSize` bytes (no copy). `release`
 * has the file reader's contract: everything before `offset` is consumed.
 */
export class MappedChunkSource implements AsyncIterable<Uint8Array> {
  #dropped = 0;

  constructor(
    private readonly file: MappedFile,
    private readonly pieceSize: number,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const bytes = this.file.bytes;
    let at = 0;
    const next = (): IteratorResult<Uint8Array> => {
      if (at >= bytes.length) return { value: undefined, done: true };
      const piece = bytes.subarray(at, Math.min(bytes.length, at + this.pieceSize));
      at += piece.length;
      return { value: piece, done: false };
    };
    return { next: () => Promise.resolve(next()) };
  }

  /** Drop the consumed pages before `offset` from memory, in steps. */
  release(offset: number): void {
    if (offset - this.#dropped < DROP_STEP && offset < this.file.bytes.length) return;
    this.file.drop(offset);
    this.#dropped = offset;
  }
}

/** `factory` with every chunk operation of its ciphers counted; `settled` waits for all of them. */
export function settling(factory: ChunkCipherFactory): {
  readonly factory: ChunkCipherFactory;
  settled(): Promise<void>;
} {
  const running = new Set<Promise<unknown>>();
  const counted = <T>(op: Promise<T>): Promise<T> => {
    const done: Promise<unknown> = op.then(
      () => running.delete(done),
      () => running.delete(done),
    );
    running.add(done);
    return op;
  };
  return {
    factory: async (aesKey) => {
      const cipher: ChunkCipher = await factory(aesKey);
      return {
        sealChunk: (nonce, aad, plaintext) => counted(cipher.sealChunk(nonce, aad, plaintext)),
        openChunk: (nonce, aad, sealed) => counted(cipher.openChunk(nonce, aad, sealed)),
      };
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
