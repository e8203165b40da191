/**
 * The typed form of a Docker-format seccomp profile (moby/profiles
 * `seccomp/seccomp.go`, which extends the OCI runtime-spec `LinuxSeccomp`).
 * Only {@link parseProfile} makes these values from untrusted JSON.
 */

/** Actions of the OCI runtime-spec, as Docker spells them. */
export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

/** Argument comparisons (libseccomp `enum scmp_compare`). */
export const SECCOMP_OPS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOp = (typeof SECCOMP_OPS)[number];

/** Architectures of the OCI runtime-spec (`specs.Arch`). */
export const SECCOMP_ARCHES = [
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
] as const;
export type SeccompArch = (typeof SECCOMP_ARCHES)[number];

/** Filter flags of the OCI runtime-spec (`specs.LinuxSeccompFlag`). */
export const SECCOMP_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;
export type SeccompFlag = (typeof SECCOMP_FLAGS)[number];

/** One argument comparison: `args[index] op value` (MASKED_EQ: `(args[index] & value) == valueTwo`). */
export interface SeccompArg {
  readonly index: number;
  readonly value: bigint;
  readonly valueTwo: bigint;
  readonly op: SeccompOp;
}

/** When a rule applies: Docker's `includes` (all must hold) and `excludes` (any one drops the rule). */
export interface SeccompFilter {
  /** Capabilities, e.g. `CAP_SYS_ADMIN`, tested against the container's bounding set. */
  readonly caps: readonly string[];
  /** Host architectures in Go/libseccomp-golang spelling, e.g. `amd64`, `arm64`. */
  readonly arches: readonly string[];
  /** `[kernel, major]` of `"<kernel>.<major>"`, compared with the host kernel. */
  readonly minKernel?: readonly [number, number];
}

/** One rule: the same action for each named syscall, under its conditions. */
export interface SeccompRule {
  readonly names: readonly string[];
  readonly action: SeccompAction;
  readonly errnoRet?: number;
  readonly args: readonly SeccompArg[];
  readonly includes: SeccompFilter;
  readonly excludes: SeccompFilter;
  readonly comment?: string;
}

/** An architecture and the sub-architectures Docker adds to the filter with it. */
export interface SeccompArchMapEntry {
  readonly architecture: SeccompArch;
  readonly subArchitectures: readonly SeccompArch[];
}

/** A parsed Docker-format seccomp profile. */
export interface SeccompProfile {
  readonly defaultAction: SeccompAction;
  readonly defaultErrnoRet?: number;
  /** The legacy flat list; Docker refuses a profile that has both this and `archMap`. */
  readonly architectures: readonly SeccompArch[];
  readonly archMap: readonly SeccompArchMapEntry[];
  readonly flags: readonly SeccompFlag[];
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  readonly syscalls: readonly SeccompRule[];
}

/**
 * Where a profile is evaluated: the host architecture, the ABI of the calling
 * process (a sub-architecture such as `SCMP_ARCH_X86` for a 32-bit process on
 * an x86_64 host; defaults to `arch`), the container's capability bounding
 * set, and the host kernel as `"<kernel>.<major>"` (omitted: new enough for
 * every `minKernel`).
 */
export interface SeccompContext {
  readonly arch: SeccompArch;
  readonly abi?: SeccompArch;
  readonly caps: readonly string[];
  readonly kernel?: string;
}

/** What the filter does with one call: the action, and the errno for ERRNO and TRACE. */
export interface SeccompVerdict {
  readonly action: Exclude<SeccompAction, 'SCMP_ACT_KILL'>;
  readonly errno?: number;
  /** `rule` (index into `syscalls`), `default`, or `arch` (an ABI outside the filter). */
  readonly source: number | 'default' | 'arch';
}
