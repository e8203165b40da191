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

/**
 * The most GPUs a sealed container may be given and still be judged sealed,
 * where nobody said otherwise: the gateway key broker's default (`gateway start
 * --max-gpus`) and the seller's client's (`release approve`). It is a judge's
 * ceiling, not a grant: a node seals with its own `maxGpus` (`node start
 * --max-gpus`, by default the GPUs it has), and a job asks for what its model
 * declares. Eight is one full GPU server (docs/guides/miner.md, "A GPU node").
 */
export const SEALED_MAX_GPUS = 8;
