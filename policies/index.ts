/**
 * policies/: what "sealed" means, as data, and the pure code that evaluates it:
 * the sandbox profile, the seccomp profile, key-release, egress and economics
 * parameters. Imports only attest/.
 */
export * from './documents/index.js';
// seccomp: the profile, its parser, evaluator and stricter-than check (libseccomp loader: ../seccomp-native.ts)
export * from './seccomp/index.js';
// sandbox: the profile, the evaluator of docker inspect documents, and the container config it implies
export * from './sandbox/index.js';
// the profile sealgate uses: the sandbox with sealgate's seccomp profile
export { sealedSandboxProfile } from './sealed.js';
// GPUs: the judges' default ceiling
export { SEALED_MAX_GPUS } from './sealed.js';
// what services may log: the redaction list their pino loggers share
export { REDACTED, REDACTED_FIELDS, redactPaths } from './logging.js';
// audit: the canary audit's figures (exposure, membership inference) and their judgement
export * from './audit/index.js';
