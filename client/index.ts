/** client/: the SDK and the sealgate CLI. Imports only attest/ and policies/. */

// --- identity: key files (wt-identity) ---
export type { KeystoreErrorCode, SaveKeyOptions } from './keystore.js';
export { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from './keystore.js';
// --- end identity ---
// Files in and out of the dataset envelope (client/sdk/envelope-file.ts).
export { encryptFile, decryptFile, writeAtomically } from './sdk/envelope-file.js';
export type { FileCryptOptions, FileCryptResult } from './sdk/envelope-file.js';
// The envelope's chunk cipher on node:crypto (client/sdk/node-chunk-cipher.ts, wt-perf).
export { nodeChunkCipher } from './sdk/node-chunk-cipher.js';
