/**
 * policies/: what "sealed" means, as data, and the pure code that evaluates it:
 * the sandbox profile, the seccomp profile, key-release, egress and economics
 * parameters. Imports only attest/.
 */
export * from './documents/index.js';
