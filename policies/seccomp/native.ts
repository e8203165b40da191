import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeccompError } from './errors.js';
import {
  SCMP_ACT,
  SCMP_CMP,
  SCMP_FLTATR,
  check,
  libseccomp,
  type FilterContext,
  type Libseccomp,
} from './libseccomp.js';
import { resolveProfile } from './resolve.js';
import { SECCOMP_ARCHES, type SeccompArch, type SeccompProfile, type SeccompVerdict } from './types.js';

/** How the native loader specialises a profile (the same inputs Docker uses). */
export interface NativeOptions {
  /** The capability bounding set the profile's includes/excludes see; default none (the sealed container has none). */
  readonly caps?: readonly string[];
  /** Kernel version for `minKernel`, `"<kernel>.<major>"`; default this host's (`os.release()`). */
  readonly kernel?: string;
}

/** `SCMP_ARCH_X86_64` → `x86_64`: the name seccomp_arch_resolve_name(3) takes. */
const archName = (arch: SeccompArch) => arch.slice('SCMP_ARCH_'.length).toLowerCase();

/** The profile architecture libseccomp reports as this process's native one. */
export function nativeArch(): SeccompArch {
  const lib = libseccomp();
  const native = lib.archNative();
  const arch = SECCOMP_ARCHES.find((a) => lib.archResolveName(archName(a)) === native);
  if (arch === undefined)
    throw new SeccompError('SECCOMP_UNSUPPORTED', `unknown native architecture ${native}`);
  return arch;
}

// <seccomp.h> SCMP_ACT_*: ERRNO(x) and TRACE(x) put x in the low 16 bits.
function actionValue(v: SeccompVerdict): number {
  const errno = (v.errno ?? 0) & 0xffff;
  switch (v.action) {
    case 'SCMP_ACT_KILL_PROCESS':
      return SCMP_ACT.KILL_PROCESS;
    case 'SCMP_ACT_KILL_THREAD':
      return SCMP_ACT.KILL_THREAD;
    case 'SCMP_ACT_TRAP':
      return SCMP_ACT.TRAP;
    case 'SCMP_ACT_ERRNO':
      return (SCMP_ACT.ERRNO | errno) >>> 0;
    case 'SCMP_ACT_TRACE':
      return (SCMP_ACT.TRACE | errno) >>> 0;
    case 'SCMP_ACT_LOG':
      return SCMP_ACT.LOG;
    case 'SCMP_ACT_ALLOW':
      return SCMP_ACT.ALLOW;
    case 'SCMP_ACT_NOTIFY':
      throw new SeccompError(
        'SECCOMP_UNSUPPORTED',
        'SCMP_ACT_NOTIFY needs a notify agent, which sealgate does not run',
      );
  }
}

/** Refuses, before any filter exists, every syscall name libseccomp cannot resolve on this host. */
function checkNames(lib: Libseccomp, profile: SeccompProfile): void {
  const names = new Set(profile.syscalls.flatMap((r) => r.names));
  const unknown = [...names].filter((n) => lib.syscallResolveName(n) === -1);
  if (unknown.length > 0) {
    throw new SeccompError(
      'SECCOMP_UNKNOWN_SYSCALL',
      `libseccomp does not know syscall ${unknown.join(', ')}`,
    );
  }
}

/**
 * Builds the libseccomp filter for `profile` on this host, hands it to `use`,
 * and always releases it. Rules go in the order and shape runc gives them
 * (see resolveProfile); NO_NEW_PRIVS and TSYNC are set for loading.
 */
function withFilter<T>(
  profile: SeccompProfile,
  opts: NativeOptions,
  use: (lib: Libseccomp, ctx: FilterContext) => T,
): T {
  const lib = libseccomp();
  checkNames(lib, profile);
  if (profile.flags.includes('SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV')) {
    throw new SeccompError(
      'SECCOMP_UNSUPPORTED',
      'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs a notify agent',
    );
  }
  const filter = resolveProfile(profile, {
    arch: nativeArch(),
    caps: opts.caps ?? [],
    kernel: opts.kernel ?? release(),
  });
  const rules = filter.rules.map((r) => ({ ...r, action: actionValue(r.verdict) }));
  const ctx = lib.init(actionValue(filter.defaultVerdict));
  if (ctx === null) throw new SeccompError('SECCOMP_LIBSECCOMP_FAILED', 'seccomp_init failed');
  try {
    for (const arch of filter.arches) {
      const token = lib.archResolveName(archName(arch));
      if (token === 0) throw new SeccompError('SECCOMP_UNSUPPORTED', `libseccomp does not know ${arch}`);
      const rc = lib.archAdd(ctx, token);
      if (rc !== -17) check(`seccomp_arch_add(${arch})`, rc); // -EEXIST: the native arch is always there
    }
    check('seccomp_attr_set(CTL_NNP)', lib.attrSet(ctx, SCMP_FLTATR.CTL_NNP, 1));
    check('seccomp_attr_set(CTL_TSYNC)', lib.attrSet(ctx, SCMP_FLTATR.CTL_TSYNC, 1));
    check('seccomp_attr_set(API_SYSRAWRC)', lib.attrSet(ctx, SCMP_FLTATR.API_SYSRAWRC, 1));
    // runc's rule: the binary-tree layout only for longer rule sets (libseccomp <= 2.5.4 misbehaves with none).
    if (rules.reduce((n, r) => n + r.names.length, 0) > 32) {
      check('seccomp_attr_set(CTL_OPTIMIZE)', lib.attrSet(ctx, SCMP_FLTATR.CTL_OPTIMIZE, 2));
    }
    if (profile.flags.includes('SECCOMP_FILTER_FLAG_LOG')) {
      check('seccomp_attr_set(CTL_LOG)', lib.attrSet(ctx, SCMP_FLTATR.CTL_LOG, 1));
    }
    if (profile.flags.includes('SECCOMP_FILTER_FLAG_SPEC_ALLOW')) {
      check('seccomp_attr_set(CTL_SSB)', lib.attrSet(ctx, SCMP_FLTATR.CTL_SSB, 1));
    }
    for (const rule of rules) {
      for (const name of rule.names) {
        const nr = lib.syscallResolveName(name);
        for (const conds of rule.conditions) {
          const cmps = conds.map((c) => ({
            arg: c.index,
            op: SCMP_CMP[c.op],
            datum_a: c.value,
            datum_b: c.valueTwo,
          }));
          check(`seccomp_rule_add_array(${name})`, lib.ruleAddArray(ctx, rule.action, nr, cmps));
        }
      }
    }
    return use(lib, ctx);
  } finally {
    lib.release(ctx);
  }
}

/**
 * Compiles a profile to the classic-BPF program libseccomp would load on this
 * host (seccomp_export_bpf(3)): `struct sock_filter` records of 8 bytes each.
 *
 * @throws SeccompError `SECCOMP_UNKNOWN_SYSCALL`, `SECCOMP_UNSUPPORTED` or `SECCOMP_LIBSECCOMP_FAILED`.
 */
export function compileProfile(profile: SeccompProfile, opts: NativeOptions = {}): Uint8Array {
  return withFilter(profile, opts, (lib, ctx) => {
    const dir = mkdtempSync(join(tmpdir(), 'sealgate-seccomp-'));
    const path = join(dir, 'filter.bpf');
    try {
      const fd = openSync(path, 'w+', 0o600);
      try {
        check('seccomp_export_bpf', lib.exportBpf(ctx, fd));
      } finally {
        closeSync(fd);
      }
      return new Uint8Array(readFileSync(path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * Applies a profile to the calling process, irreversibly: every thread (TSYNC,
 * since Node runs several) and every child it starts, with no_new_privs set.
 * Nothing is loaded when a check fails first.
 *
 * @throws SeccompError `SECCOMP_UNKNOWN_SYSCALL`, `SECCOMP_UNSUPPORTED` or `SECCOMP_LIBSECCOMP_FAILED`.
 * @example
 * ```ts
 * import { loadProfile } from '../policies/seccomp-native.js';
 * import { SEALGATE_SECCOMP_PROFILE } from '../policies/index.js';
 * loadProfile(SEALGATE_SECCOMP_PROFILE); // from here on, socket(AF_INET) fails with EPERM
 * ```
 */
export function loadProfile(profile: SeccompProfile, opts: NativeOptions = {}): void {
  withFilter(profile, opts, (lib, ctx) => check('seccomp_load', lib.load(ctx)));
}
