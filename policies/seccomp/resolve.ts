import type { SeccompArch, SeccompArg, SeccompContext, SeccompProfile, SeccompVerdict } from './types.js';

/** A rule as the runtime adds it to libseccomp: its verdict under OR-ed AND-lists of comparisons. */
export interface ResolvedRule {
  /** Index of the rule in the profile's `syscalls`. */
  readonly source: number;
  readonly names: readonly string[];
  readonly verdict: SeccompVerdict;
  /** `[[]]` for an unconditional rule; otherwise the call matches when every comparison of one list holds. */
  readonly conditions: readonly (readonly SeccompArg[])[];
}

/** A profile specialised to one host, container and kernel: what the runtime hands libseccomp. */
export interface ResolvedFilter {
  readonly defaultVerdict: SeccompVerdict;
  /** Architectures in the filter: the host's and the sub-architectures the profile adds. */
  readonly arches: readonly SeccompArch[];
  readonly rules: readonly ResolvedRule[];
  /** The same rules, by syscall name, in profile order. */
  readonly byName: ReadonlyMap<string, readonly ResolvedRule[]>;
}

// moby/profiles seccomp_linux.go `goToNative`: how Docker names the host
// architecture when it tests a rule's includes.arches / excludes.arches.
const DOCKER_ARCH_NAME: Partial<Record<SeccompArch, string>> = {
  SCMP_ARCH_X86: 'x86',
  SCMP_ARCH_X86_64: 'amd64',
  SCMP_ARCH_ARM: 'arm',
  SCMP_ARCH_AARCH64: 'arm64',
  SCMP_ARCH_LOONGARCH64: 'loongarch64',
  SCMP_ARCH_MIPS64: 'mips64',
  SCMP_ARCH_MIPS64N32: 'mips64n32',
  SCMP_ARCH_MIPSEL64: 'mipsel64',
  SCMP_ARCH_MIPSEL64N32: 'mips3l64n32',
  SCMP_ARCH_MIPSEL: 'mipsle',
  SCMP_ARCH_PPC: 'ppc',
  SCMP_ARCH_PPC64: 'ppc64',
  SCMP_ARCH_PPC64LE: 'ppc64le',
  SCMP_ARCH_RISCV64: 'riscv64',
  SCMP_ARCH_S390: 's390',
  SCMP_ARCH_S390X: 's390x',
};

/** `"6.1.0-18-amd64"` → `[6, 1]`; undefined when the context names no kernel. */
function kernelOf(ctx: SeccompContext): readonly [number, number] | undefined {
  if (ctx.kernel === undefined) return undefined;
  const m = /^(\d+)\.(\d+)/.exec(ctx.kernel);
  if (m === null) throw new TypeError(`kernel version ${ctx.kernel} is not "<kernel>.<major>"`);
  return [Number(m[1]), Number(m[2])];
}

// moby/profiles kernel_linux.go kernelGreaterEqualThan: compare (kernel, major) only.
function kernelAtLeast(have: readonly [number, number] | undefined, min: readonly [number, number]) {
  if (have === undefined) return true;
  return have[0] > min[0] || (have[0] === min[0] && have[1] >= min[1]);
}

// runc libcontainer/seccomp getAction: KILL is KILL_THREAD; ERRNO and TRACE
// without errnoRet return EPERM (1).
function verdictOf(
  action: SeccompProfile['defaultAction'],
  errnoRet: number | undefined,
  source: SeccompVerdict['source'],
): SeccompVerdict {
  if (action === 'SCMP_ACT_KILL') return { action: 'SCMP_ACT_KILL_THREAD', source };
  if (action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE')
    return { action, errno: errnoRet ?? 1, source };
  return { action, source };
}

/** True when two verdicts do the same thing to a call, wherever they came from. */
export function sameEffect(a: SeccompVerdict, b: SeccompVerdict): boolean {
  return a.action === b.action && a.errno === b.errno;
}

/**
 * Specialises a Docker-format profile the way Docker and runc do before the
 * filter reaches libseccomp: moby/profiles `setupSeccomp` (archMap, then each
 * rule's excludes and includes against the host arch, the capability bounding
 * set and the kernel), then runc `matchCall` (a rule whose action equals the
 * default is dropped; when two comparisons share an argument index, each
 * comparison becomes a rule of its own, so they OR; otherwise they AND).
 */
export function resolveProfile(profile: SeccompProfile, ctx: SeccompContext): ResolvedFilter {
  const hostName = DOCKER_ARCH_NAME[ctx.arch];
  if (hostName === undefined) throw new TypeError(`${ctx.arch} is not a host architecture Docker runs on`);
  const kernel = kernelOf(ctx);
  const caps = new Set(ctx.caps);

  const mapped = profile.archMap.find((a) => a.architecture === ctx.arch);
  const listed = mapped ? [mapped.architecture, ...mapped.subArchitectures] : profile.architectures;
  const arches = [...new Set<SeccompArch>([ctx.arch, ...listed])];

  const defaultVerdict = verdictOf(profile.defaultAction, profile.defaultErrnoRet, 'default');
  const rules: ResolvedRule[] = [];
  profile.syscalls.forEach((rule, source) => {
    const { includes: inc, excludes: exc } = rule;
    if (exc.arches.includes(hostName) || exc.caps.some((c) => caps.has(c))) return;
    if (exc.minKernel && kernelAtLeast(kernel, exc.minKernel)) return;
    if (inc.arches.length > 0 && !inc.arches.includes(hostName)) return;
    if (!inc.caps.every((c) => caps.has(c))) return;
    if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return;

    const verdict = verdictOf(rule.action, rule.errnoRet, source);
    if (sameEffect(verdict, defaultVerdict)) return;
    const indexes = rule.args.map((a) => a.index);
    const sharesIndex = new Set(indexes).size < indexes.length;
    const conditions = sharesIndex ? rule.args.map((a) => [a]) : [rule.args];
    rules.push({ source, names: rule.names, verdict, conditions });
  });
  const byName = new Map<string, ResolvedRule[]>();
  for (const r of rules) for (const n of r.names) byName.set(n, [...(byName.get(n) ?? []), r]);
  return { defaultVerdict, arches, rules, byName };
}
