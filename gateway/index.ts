/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';
export { buildApp } from './app.js';
export type { GatewayOptions } from './options.js';
export type { GatewayContext } from './context.js';
export { GatewayError, type GatewayErrorCode, registerStatuses, statusOf } from './errors.js';
export { AccountError, ROLES, type Account, type AccountErrorCode, type Role } from './accounts/registry.js';
export { Store, Mutex, put, del, type BatchOp, type Sublevel } from './store/index.js';

// The double-entry ledger (wt-ledger, DESIGN.md section 9, docs/ledger.md).
export * from './ledger/index.js';
