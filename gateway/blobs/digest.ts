/**
 * Blob digests: the one canonical spelling `sha256:` followed by 64 lowercase
 * hex digits. It is the OCI image spec's digest grammar (descriptor.md,
 * "Digests") narrowed to one algorithm and one case, so that two spellings of
 * one blob cannot exist and a digest can name a file without escaping.
 */
import { BlobError } from './errors.js';

/** A blob digest that passed {@link parseBlobDigest}. */
export type BlobDigest = `sha256:${string}` & { readonly __blobDigest: true };

const PREFIX = 'sha256:';
const CANONICAL = /^sha256:[0-9a-f]{64}$/;

/**
 * Parse untrusted text as a blob digest; only the canonical form passes
 * (no uppercase, no whitespace, no other algorithm).
 *
 * @throws BlobError `BLOB_BAD_DIGEST`
 * @example
 * ```ts
 * const digest = parseBlobDigest(request.params.digest);
 * ```
 */
export function parseBlobDigest(text: string): BlobDigest {
  if (typeof text !== 'string' || text.length !== PREFIX.length + 64 || !CANONICAL.test(text)) {
    throw new BlobError('BLOB_BAD_DIGEST', 'a blob digest is "sha256:" and 64 lowercase hex digits');
  }
  return text as BlobDigest;
}

/** The 64 hex digits of a digest. */
export function digestHex(digest: BlobDigest): string {
  return digest.slice(PREFIX.length);
}

/** The canonical digest of a raw SHA-256 value. */
export function blobDigestOf(sha256: Uint8Array): BlobDigest {
  if (sha256.length !== 32) throw new TypeError('a SHA-256 digest is 32 bytes');
  return `${PREFIX}${Buffer.from(sha256).toString('hex')}` as BlobDigest;
}
