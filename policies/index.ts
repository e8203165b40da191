/**
 * policies/: what "sealed" means, as data, and the pure code that evaluates it:
 * the sandbox profile, the seccomp profile, key-release, egress and economics
 * parameters. Imports only attest/.
 */
export {};
// sandbox profile and evaluator (wt-sandbox)
export * from './sandbox/index.js';
