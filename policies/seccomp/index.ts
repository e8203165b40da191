/**
 * policies/seccomp: sealgate's seccomp profile in Docker's JSON format, a
 * parser for such profiles, an evaluator with Docker's semantics, and the
 * stricter-than check against Docker's default. Pure: the libseccomp loader
 * lives in policies/seccomp-native.ts.
 */
export { SeccompError, type SeccompErrorCode } from './errors.js';
export { parseProfile } from './profile.js';
export { resolveProfile, type ResolvedFilter, type ResolvedRule } from './resolve.js';
export { decide, toArgs } from './decide.js';
export { findLooser, UNLISTED_SYSCALL, type Looseness } from './looser.js';
export { SEALGATE_SECCOMP_JSON, SEALGATE_SECCOMP_PROFILE, DOCKER_DEFAULT_CAPS } from './profiles.js';
export {
  SECCOMP_ACTIONS,
  SECCOMP_ARCHES,
  SECCOMP_FLAGS,
  SECCOMP_OPS,
  type SeccompAction,
  type SeccompArch,
  type SeccompArchMapEntry,
  type SeccompArg,
  type SeccompContext,
  type SeccompFilter,
  type SeccompFlag,
  type SeccompOp,
  type SeccompProfile,
  type SeccompRule,
  type SeccompVerdict,
} from './types.js';
