/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';

// The double-entry ledger (wt-ledger, DESIGN.md section 9, docs/ledger.md).
export * from './ledger/index.js';
