/**
 * One pass over an upload: count it, hash it (a {@link Hasher}, SHA-256 on
 * its own thread) and hand each chunk to a sink, holding no more than the
 * sink's high-water mark and the hasher's batches in memory. Limits are checked on every chunk, so an upload over its limit
 * stops being read at once; a source that fails becomes BLOB_ABORTED.
 */
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobError } from './errors.js';
import type { Hasher } from './hash-pool.js';

/** What `BlobStore.put` reads: an async iterable of bytes, such as an `IncomingMessage`. */
export type BlobSource = AsyncIterable<Uint8Array> | Readable;

/** The limits of one upload, already validated. */
export interface IngestLimits {
  readonly maxBytes: number;
  /** The declared length, when the uploader declared one. */
  readonly length?: number;
}

/** What one pass measured. */
export interface Ingested {
  readonly sha256: Uint8Array;
  readonly size: number;
}

/**
 * Read `source` to its end into `sink`, hashing and counting. Stopping early
 * (a limit, a sink error) returns the source's iterator, which destroys a
 * Readable source: for an HTTP request that resets an unfinished upload.
 *
 * @throws BlobError `BLOB_TOO_LARGE`, `BLOB_LENGTH_MISMATCH`, `BLOB_ABORTED`
 */
export async function ingest(
  source: BlobSource,
  sink: Writable,
  limits: IngestLimits,
  hasher: Hasher,
): Promise<Ingested> {
  let size = 0;
  async function* checked(): AsyncGenerator<Uint8Array> {
    for await (const chunk of guarded(source)) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('a blob source must yield Uint8Array chunks');
      size += chunk.length;
      if (size > limits.maxBytes) {
        throw new BlobError(
          'BLOB_TOO_LARGE',
          `the blob is larger than the limit of ${limits.maxBytes} bytes`,
        );
      }
      if (limits.length !== undefined && size > limits.length) {
        throw new BlobError(
          'BLOB_LENGTH_MISMATCH',
          `the blob is longer than its declared ${limits.length} bytes`,
        );
      }
      await hasher.update(chunk);
      yield chunk;
    }
  }
  try {
    await pipeline(checked, sink);
    if (limits.length !== undefined && size !== limits.length) {
      throw new BlobError(
        'BLOB_LENGTH_MISMATCH',
        `the blob is shorter than its declared ${limits.length} bytes`,
      );
    }
  } catch (err) {
    hasher.abort();
    throw err;
  }
  return { sha256: await hasher.digest(), size };
}

/**
 * The source's own chunks; any error it raises (a reset connection, a
 * premature close) is an abort. Delegating with `yield*` also forwards an
 * early `return()` to the source, so stopping destroys it.
 */
async function* guarded(source: BlobSource): AsyncGenerator<unknown> {
  try {
    yield* source as AsyncIterable<unknown>;
  } catch (cause) {
    throw new BlobError('BLOB_ABORTED', 'the upload broke off before its end', { cause });
  }
}

/** A sink that keeps nothing: for verifying an upload of a blob that is already stored. */
export function discard(): Writable {
  return new Writable({
    write(_chunk: unknown, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
      done();
    },
  });
}
