/** client/: the SDK and the sealgate CLI. Imports only attest/ and policies/. */
export {};

// --- identity: key files (wt-identity) ---
export type { KeystoreErrorCode, SaveKeyOptions } from './keystore.js';
export { KeystoreError, defaultKeyPath, loadKeyFile, saveKeyFile } from './keystore.js';
// --- end identity ---
