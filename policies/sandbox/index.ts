/**
 * policies/sandbox: what "sealed" means for a container, the evaluator that checks
 * a real `docker inspect` document against it, the normalised security
 * configuration the node agent measures, and the create options that satisfy it.
 */
export { evaluateSandbox } from './evaluate.js';
export { securityConfig, type SandboxSecurityConfig } from './security-config.js';
export {
  sandboxContainerConfig,
  type SandboxRun,
  type SandboxContainerConfig,
  type SandboxHostConfig,
  type SandboxBindMount,
} from './host-config.js';
export {
  sandboxProfile,
  SANDBOX_DEFAULTS,
  type SandboxProfile,
  type SandboxProfileOptions,
  type SandboxLimits,
  type SandboxBind,
  type SandboxTmpfs,
  type SeccompProfileJson,
} from './profile.js';
export {
  SandboxError,
  type SandboxErrorCode,
  type SandboxViolation,
  type SandboxViolationCode,
} from './errors.js';
export type { SeccompSetting } from './security-opt.js';
export { securityConfigDigest, seccompProfileDigest } from './digests.js';
