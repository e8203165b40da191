/** client/: the SDK and the sealgate CLI. Imports only attest/ and policies/. */

// --- identity: key files (wt-identity) ---
export type { KeystoreErrorCode, SaveKeyOptions } from './keystore.js';
export { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from './keystore.js';
// --- end identity ---
// Files in and out of the dataset envelope (client/sdk/envelope-file.ts).
export { encryptFile, decryptFile, writeAtomically } from './sdk/envelope-file.js';
// Reused buffers and positional writes for the envelope's file path (wt-perf2).
export { writeFileAtomically } from './sdk/atomic-file.js';
export { pooledNodeChunkCipher } from './sdk/node-chunk-cipher.js';
export { BufferPool } from './sdk/buffer-pool.js';
export type { FileCryptOptions, FileCryptResult } from './sdk/envelope-file.js';
// A minimal tar writer for locally built images (client/sdk/tar.ts).
export { tarball } from './sdk/tar.js';
export type { TarFile } from './sdk/tar.js';
// The envelope's chunk cipher on node:crypto (client/sdk/node-chunk-cipher.ts).
export { nodeChunkCipher } from './sdk/node-chunk-cipher.js';
