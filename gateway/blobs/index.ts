/** gateway/blobs/: the content-addressed blob store (docs/blobs.md). */
export type { BlobErrorCode } from './errors.js';
export { BlobError } from './errors.js';
export type { BlobDigest } from './digest.js';
export { blobDigestOf, parseBlobDigest } from './digest.js';
export type { BlobSource } from './ingest.js';
export type { BlobStoreOptions, PutOptions, PutResult } from './store.js';
export { BlobStore } from './store.js';
