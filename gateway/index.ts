/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';

// --- blobs: the content-addressed blob store (wt-blobs) ---
export type {
  BlobDigest,
  BlobErrorCode,
  BlobSource,
  BlobStoreOptions,
  PutOptions,
  PutResult,
} from './blobs/index.js';
export { BlobError, BlobStore, blobDigestOf, parseBlobDigest } from './blobs/index.js';
