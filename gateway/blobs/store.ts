/**
 * The gateway's content-addressed blob store (issue 3, "Blobs"): dataset
 * ciphertexts, sealed models and model images, each stored once under its
 * SHA-256 in `DIR/sha256/<first two hex>/<64 hex>`. An upload streams into
 * `DIR/tmp/` while it is hashed and becomes visible only once its digest
 * matched and it is on disk (docs/blobs.md has the layout and guarantees).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { constantTimeEqual } from '../../attest/index.js';
import type { BlobDigest } from './digest.js';
import { digestHex, parseBlobDigest } from './digest.js';
import { BlobError } from './errors.js';
import { HashPool } from './hash-pool.js';
import { createExclusive, emptyDir, fileSink, isNotFound, publishNoReplace } from './files.js';
import type { BlobSource, Ingested, IngestLimits } from './ingest.js';
import { discard, ingest } from './ingest.js';

/** Options of {@link BlobStore.open}. */
export interface BlobStoreOptions {
  /** The largest blob the store accepts, in bytes. */
  readonly maxBytes: number;
}

/** Options of one {@link BlobStore.put}. */
export interface PutOptions {
  /** A lower limit for this upload; it never raises the store's own. */
  readonly maxBytes?: number;
  /** The declared length (an HTTP Content-Length): the upload must be exactly this long. */
  readonly length?: number;
}

/** The outcome of a successful upload. */
export interface PutResult {
  readonly digest: BlobDigest;
  readonly size: number;
  /** False when the blob was already stored (the upload was verified, then dropped). */
  readonly created: boolean;
}

/** Bytes a blob's read stream reads at once. */
const READ_BUFFER = 1024 * 1024;
/**
 * How the temp file is written (files.ts `fileSink`): up to 8 MiB held, so a
 * write that waits on the file system's journal (a flush below commits it)
 * does not stall the hashing thread, and writeback started every 32 MiB, so
 * the final fsync has at most that much left to write instead of the whole
 * blob (docs/blobs.md, "Figures").
 */
const SINK = { highWaterMark: 8 * 1024 * 1024, flushEvery: 32 * 1024 * 1024 };

function checkedSize(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

/** A content-addressed blob store on the local file system; one process per directory. */
export class BlobStore {
  private readonly root: string;
  private readonly tmp: string;
  private readonly hashing = new HashPool();

  private constructor(
    readonly dir: string,
    readonly maxBytes: number,
  ) {
    this.root = join(dir, 'sha256');
    this.tmp = join(dir, 'tmp');
  }

  /**
   * Open (creating when missing) the store in `dir` and delete what crashed
   * uploads left in `dir/tmp/`.
   *
   * @example
   * ```ts
   * const blobs = await BlobStore.open(`${dataDir}/blobs`, { maxBytes: 64 * 1024 ** 3 });
   * ```
   */
  static async open(dir: string, options: BlobStoreOptions): Promise<BlobStore> {
    const store = new BlobStore(dir, checkedSize(options.maxBytes, 'maxBytes'));
    await mkdir(store.root, { recursive: true, mode: 0o700 });
    await mkdir(store.tmp, { recursive: true, mode: 0o700 });
    await emptyDir(store.tmp);
    return store;
  }

  /**
   * Store the bytes of `source` as the blob `expected`. The body streams to
   * a temp file while it is hashed; it is kept only when its SHA-256 equals
   * `expected` (compared in constant time), its length equals `options.length`
   * when given, and it stays within the size limit. A blob already stored is
   * verified the same way without being written, and returns `created: false`.
   *
   * Refusals before reading (a bad digest, a declared length over the limit)
   * leave the source untouched, so an HTTP route can still answer; once
   * reading began, any failure destroys a Readable source.
   *
   * @throws BlobError `BLOB_BAD_DIGEST`, `BLOB_TOO_LARGE`, `BLOB_LENGTH_MISMATCH`,
   *   `BLOB_ABORTED`, `BLOB_DIGEST_MISMATCH`
   * @example
   * ```ts
   * const length = Number(request.headers['content-length']);
   * await blobs.put(request.params.digest, request.raw, { length });
   * ```
   */
  async put(expected: string, source: BlobSource, options: PutOptions = {}): Promise<PutResult> {
    const digest = parseBlobDigest(expected);
    const limits = this.limits(options);
    if (limits.length !== undefined && limits.length > limits.maxBytes) {
      throw new BlobError(
        'BLOB_TOO_LARGE',
        `the declared length is over the limit of ${limits.maxBytes} bytes`,
      );
    }
    if (await this.has(digest)) {
      const { size } = verified(digest, await ingest(source, discard(), limits, this.hashing.begin()));
      return { digest, size, created: false };
    }
    const temp = join(this.tmp, `${randomBytes(16).toString('hex')}.part`);
    const file = await createExclusive(temp);
    try {
      const { size } = verified(
        digest,
        await ingest(source, fileSink(file, SINK), limits, this.hashing.begin()),
      );
      await file.sync();
      await file.close();
      const hex = digestHex(digest);
      const created = await publishNoReplace(
        temp,
        this.path(digest),
        join(this.root, hex.slice(0, 2)),
        this.root,
      );
      return { digest, size, created };
    } finally {
      await file.close().catch(() => undefined);
      await rm(temp, { force: true });
    }
  }

  /** True when the blob `digest` is stored. @throws BlobError `BLOB_BAD_DIGEST` */
  async has(digest: string): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  /** The size of the blob `digest`, or undefined when it is not stored. @throws BlobError `BLOB_BAD_DIGEST` */
  async stat(digest: string): Promise<{ size: number } | undefined> {
    try {
      const info = await stat(this.path(parseBlobDigest(digest)));
      return info.isFile() ? { size: info.size } : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * A stream of the blob's bytes. The file is opened before this resolves, so
   * a missing blob fails here (an HTTP route can still answer 404), not mid-stream.
   *
   * @throws BlobError `BLOB_BAD_DIGEST`, `BLOB_NOT_FOUND`
   */
  async open(digest: string): Promise<Readable> {
    const parsed = parseBlobDigest(digest);
    try {
      const file = await open(this.path(parsed), 'r');
      return file.createReadStream({ highWaterMark: READ_BUFFER });
    } catch (err) {
      if (isNotFound(err)) throw new BlobError('BLOB_NOT_FOUND', 'no blob with that digest is stored');
      throw err;
    }
  }

  /** Delete the blob `digest` (tests and operators); false when it was not stored. */
  async delete(digest: string): Promise<boolean> {
    try {
      await rm(this.path(parseBlobDigest(digest)));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Stop the hashing thread (the gateway's onClose); uploads still running fail. */
  close(): Promise<void> {
    return this.hashing.close();
  }

  private path(digest: BlobDigest): string {
    const hex = digestHex(digest);
    return join(this.root, hex.slice(0, 2), hex);
  }

  private limits(options: PutOptions): IngestLimits {
    const cap = options.maxBytes === undefined ? this.maxBytes : checkedSize(options.maxBytes, 'maxBytes');
    const maxBytes = Math.min(cap, this.maxBytes);
    return options.length === undefined
      ? { maxBytes }
      : { maxBytes, length: checkedSize(options.length, 'length') };
  }
}

/** The ingest result, when its SHA-256 equals `digest` (constant time). */
function verified(digest: BlobDigest, got: Ingested): Ingested {
  if (!constantTimeEqual(got.sha256, Buffer.from(digestHex(digest), 'hex'))) {
    throw new BlobError('BLOB_DIGEST_MISMATCH', 'the uploaded bytes do not match the announced digest');
  }
  return got;
}
