import { SEALGATE_SECCOMP_JSON } from './seccomp/index.js';
import { sandboxProfile } from './sandbox/index.js';
import type { SandboxProfile, SandboxProfileOptions, SeccompProfileJson } from './sandbox/index.js';

/**
 * The sandbox profile sealgate runs models under: the sandbox rules with
 * sealgate's own seccomp profile (policies/seccomp/sealgate-seccomp.json),
 * which is stricter than Docker's default. Options tune limits, mounts and GPUs;
 * pass `seccomp` only to test against another profile.
 */
export function sealedSandboxProfile(options: Partial<SandboxProfileOptions> = {}): SandboxProfile {
  return sandboxProfile({
    ...options,
    seccomp: options.seccomp ?? (SEALGATE_SECCOMP_JSON as SeccompProfileJson),
  });
}
