import koffi, { type LibraryHandle } from 'koffi';
import { constants } from 'node:os';
import { SeccompError } from './errors.js';

/*
 * libseccomp.so.2 (>= 2.5) through koffi. The signatures, enum values and
 * action constants below are those of <seccomp.h> from libseccomp 2.5.4; the
 * header is not needed at run time.
 */

/** An opaque `scmp_filter_ctx`. */
export type FilterContext = { readonly __brand: 'scmp_filter_ctx' };

/** `struct scmp_arg_cmp { unsigned int arg; enum scmp_compare op; scmp_datum_t datum_a, datum_b; }` */
export interface ScmpArgCmp {
  readonly arg: number;
  readonly op: number;
  readonly datum_a: bigint;
  readonly datum_b: bigint;
}

/** `enum scmp_filter_attr` values. */
export const SCMP_FLTATR = {
  ACT_BADARCH: 2,
  CTL_NNP: 3,
  CTL_TSYNC: 4,
  CTL_LOG: 6,
  CTL_SSB: 7,
  CTL_OPTIMIZE: 8,
  API_SYSRAWRC: 9,
} as const;

/** `enum scmp_compare` values, by the name Docker's profiles use. */
export const SCMP_CMP = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
} as const;

/** `SCMP_ACT_*` action values; ERRNO and TRACE carry their datum in the low 16 bits. */
export const SCMP_ACT = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** `__NR_SCMP_ERROR`: what the resolvers return for a name libseccomp does not know. */
export const NR_SCMP_ERROR = -1;

/** The libseccomp calls sealgate uses, typed. Integer results are 0 or a negative errno. */
export interface Libseccomp {
  init(defAction: number): FilterContext | null;
  release(ctx: FilterContext): void;
  archNative(): number;
  archResolveName(name: string): number;
  archAdd(ctx: FilterContext, arch: number): number;
  syscallResolveName(name: string): number;
  ruleAddArray(ctx: FilterContext, action: number, syscall: number, cmps: readonly ScmpArgCmp[]): number;
  attrSet(ctx: FilterContext, attr: number, value: number): number;
  exportBpf(ctx: FilterContext, fd: number): number;
  load(ctx: FilterContext): number;
}

let bound: Libseccomp | undefined;

/** Binds libseccomp.so.2 once per process. @throws SeccompError `SECCOMP_LIBSECCOMP_FAILED` when it cannot be loaded. */
export function libseccomp(): Libseccomp {
  if (bound !== undefined) return bound;
  let lib: LibraryHandle;
  try {
    lib = koffi.load('libseccomp.so.2');
  } catch (cause) {
    throw new SeccompError('SECCOMP_LIBSECCOMP_FAILED', 'cannot load libseccomp.so.2', { cause });
  }
  koffi.struct('scmp_arg_cmp', { arg: 'unsigned int', op: 'int', datum_a: 'uint64_t', datum_b: 'uint64_t' });
  const ruleAddArray = lib.func(
    'int seccomp_rule_add_array(void *ctx, uint32_t action, int syscall, unsigned int arg_cnt, const scmp_arg_cmp *arg_array)',
  ) as (ctx: FilterContext, a: number, s: number, n: number, c: readonly ScmpArgCmp[] | null) => number;
  bound = {
    init: lib.func('void *seccomp_init(uint32_t def_action)'),
    release: lib.func('void seccomp_release(void *ctx)'),
    archNative: lib.func('uint32_t seccomp_arch_native(void)'),
    archResolveName: lib.func('uint32_t seccomp_arch_resolve_name(const char *arch_name)'),
    archAdd: lib.func('int seccomp_arch_add(void *ctx, uint32_t arch_token)'),
    syscallResolveName: lib.func('int seccomp_syscall_resolve_name(const char *name)'),
    ruleAddArray: (ctx, action, syscall, cmps) =>
      ruleAddArray(ctx, action, syscall, cmps.length, cmps.length > 0 ? cmps : null),
    attrSet: lib.func('int seccomp_attr_set(void *ctx, int attr, uint32_t value)'),
    exportBpf: lib.func('int seccomp_export_bpf(void *ctx, int fd)'),
    load: lib.func('int seccomp_load(void *ctx)'),
  };
  return bound;
}

const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** Throws `SECCOMP_LIBSECCOMP_FAILED` for a negative libseccomp result, naming the call and errno. */
export function check(call: string, rc: number): void {
  if (rc >= 0) return;
  const name = errnoNames.get(-rc) ?? 'unknown errno';
  throw new SeccompError('SECCOMP_LIBSECCOMP_FAILED', `${call} failed: errno ${-rc} (${name})`);
}
