import { SeccompError } from './errors.js';
import { resolveProfile, sameEffect, type ResolvedFilter } from './resolve.js';
import type { SeccompArch, SeccompArg, SeccompContext, SeccompProfile, SeccompVerdict } from './types.js';

const U64 = (1n << 64n) - 1n;

/** Normalises call arguments to six unsigned 64-bit values (missing ones are 0). */
export function toArgs(args: readonly (bigint | number)[]): readonly bigint[] {
  if (args.length > 6) throw new TypeError('a system call takes at most six arguments');
  return Array.from({ length: 6 }, (_, i) => BigInt.asUintN(64, BigInt(args[i] ?? 0)));
}

// libseccomp seccomp_rule_add(3), "scmp_compare": unsigned 64-bit comparisons
// of the argument against datum_a; MASKED_EQ is (arg & datum_a) == datum_b.
function holds(cmp: SeccompArg, args: readonly bigint[]): boolean {
  const x = args[cmp.index];
  const a = cmp.value & U64;
  switch (cmp.op) {
    case 'SCMP_CMP_NE':
      return x !== a;
    case 'SCMP_CMP_LT':
      return x < a;
    case 'SCMP_CMP_LE':
      return x <= a;
    case 'SCMP_CMP_EQ':
      return x === a;
    case 'SCMP_CMP_GE':
      return x >= a;
    case 'SCMP_CMP_GT':
      return x > a;
    case 'SCMP_CMP_MASKED_EQ':
      return (x & a) === (cmp.valueTwo & U64);
  }
}

/**
 * The verdict of an already resolved filter for one call (see {@link decide}).
 * libseccomp's rule database: an unconditional rule for the syscall wins over
 * any conditional one, and the first unconditional rule added wins; conditional
 * rules that match the same call with different actions are refused here,
 * because libseccomp then picks by the shape of its decision tree.
 */
export function decideResolved(
  filter: ResolvedFilter,
  abi: SeccompArch,
  syscall: string,
  args: readonly bigint[],
): SeccompVerdict {
  // An ABI outside the filter hits libseccomp's SCMP_FLTATR_ACT_BADARCH, KILL by default.
  if (!filter.arches.includes(abi)) return { action: 'SCMP_ACT_KILL_THREAD', source: 'arch' };
  const rules = filter.byName.get(syscall) ?? [];
  const unconditional = rules.find((r) => r.conditions.some((c) => c.length === 0));
  if (unconditional) return unconditional.verdict;

  const matched = rules.filter((r) => r.conditions.some((c) => c.every((cmp) => holds(cmp, args))));
  const first = matched[0];
  if (first === undefined) return filter.defaultVerdict;
  const other = matched.find((r) => !sameEffect(r.verdict, first.verdict));
  if (other !== undefined) {
    throw new SeccompError(
      'SECCOMP_RULES_AMBIGUOUS',
      `rules ${first.source} and ${other.source} both match ${syscall}(${args.join(', ')}) with different actions`,
    );
  }
  return first.verdict;
}

/**
 * What Docker (dockerd, runc, libseccomp) would do with one system call under
 * `profile`, on the host and container that `ctx` describes.
 *
 * @param syscall the syscall's name, e.g. `socket`.
 * @param args up to six arguments; missing ones are 0, negative ones wrap to 64 bits.
 * @throws SeccompError `SECCOMP_RULES_AMBIGUOUS` when the outcome would depend on libseccomp internals.
 * @example
 * ```ts
 * decide(profile, 'socket', [2], { arch: 'SCMP_ARCH_X86_64', caps: [] });
 * // → { action: 'SCMP_ACT_ERRNO', errno: 1, source: 'default' }
 * ```
 */
export function decide(
  profile: SeccompProfile,
  syscall: string,
  args: readonly (bigint | number)[],
  ctx: SeccompContext,
): SeccompVerdict {
  const filter = resolveProfile(profile, ctx);
  return decideResolved(filter, ctx.abi ?? ctx.arch, syscall, toArgs(args));
}
