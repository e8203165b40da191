/** gateway/: see DESIGN.md section 3. Imports only attest/ and policies/. */
export { createLogger } from './log.js';
