/**
 * The blob store's one error class (see attest/errors.ts for the pattern).
 * The gateway's error registry maps the codes to HTTP statuses; a suggested
 * mapping is in docs/blobs.md.
 */
import { SealgateError } from '../../attest/index.js';

/** Why a blob operation failed. */
export type BlobErrorCode =
  /** The digest is not `sha256:` and 64 lowercase hex digits. */
  | 'BLOB_BAD_DIGEST'
  /** The uploaded bytes hash to another digest than the one announced. */
  | 'BLOB_DIGEST_MISMATCH'
  /** The upload is, or declares itself, larger than the size limit. */
  | 'BLOB_TOO_LARGE'
  /** The upload is longer or shorter than its declared length. */
  | 'BLOB_LENGTH_MISMATCH'
  /** The source failed or closed before its end (a client that hung up). */
  | 'BLOB_ABORTED'
  /** No blob with that digest is stored. */
  | 'BLOB_NOT_FOUND';

/** A failed blob operation; `code` says which rule failed. */
export class BlobError extends SealgateError<BlobErrorCode> {}
