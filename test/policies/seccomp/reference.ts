import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DOCKER_DEFAULT_CAPS,
  parseProfile,
  type SeccompContext,
  type SeccompProfile,
} from '../../../policies/index.js';

/** Docker's default seccomp profile: moby/profiles `seccomp/default.json` at cd3bed8 (test/fixtures/reference/README.md). */
export const DOCKER_DEFAULT_PATH = fileURLToPath(
  new URL('../../../../test/fixtures/reference/docker-default-seccomp.json', import.meta.url),
);
export const DOCKER_DEFAULT_JSON: unknown = JSON.parse(readFileSync(DOCKER_DEFAULT_PATH, 'utf8'));
export const DOCKER_DEFAULT: SeccompProfile = parseProfile(DOCKER_DEFAULT_JSON);

export const X86_64: SeccompContext = { arch: 'SCMP_ARCH_X86_64', caps: [] };
export const AARCH64: SeccompContext = { arch: 'SCMP_ARCH_AARCH64', caps: [] };

/**
 * Every context the stricter-than proof covers: x86_64 and aarch64 hosts, each
 * ABI Docker's default puts in the filter for them (native, and the 32-bit and
 * x32 sub-architectures), no capabilities and Docker's default capability set,
 * and a current kernel as well as one older than every minKernel (4.8) in
 * either profile.
 */
export const PROOF_CONTEXTS: readonly SeccompContext[] = [
  { arch: 'SCMP_ARCH_X86_64', abis: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] } as const,
  { arch: 'SCMP_ARCH_AARCH64', abis: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] } as const,
].flatMap(({ arch, abis }) =>
  abis.flatMap((abi) =>
    [[], DOCKER_DEFAULT_CAPS].flatMap((caps) =>
      [undefined, '4.7'].map((kernel) => ({ arch, abi, caps, ...(kernel !== undefined && { kernel }) })),
    ),
  ),
);

/** The profile document `json` with `rules` appended, parsed. */
export function withRules(json: unknown, ...rules: object[]): SeccompProfile {
  const doc = structuredClone(json) as { syscalls: object[] };
  doc.syscalls.push(...rules);
  return parseProfile(doc);
}
