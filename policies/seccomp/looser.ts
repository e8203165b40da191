import { decideResolved } from './decide.js';
import { resolveProfile } from './resolve.js';
import type { SeccompContext, SeccompProfile, SeccompVerdict } from './types.js';

const U64 = (1n << 64n) - 1n;

/** Stands for every syscall that neither profile names: both give it their default action. */
export const UNLISTED_SYSCALL = '<unlisted>';

/** One place where the candidate lets a call through that the baseline stops. */
export interface Looseness {
  readonly context: SeccompContext;
  readonly syscall: string;
  /** A witness: six argument values from the region where the two profiles differ. */
  readonly args: readonly bigint[];
  readonly candidate: SeccompVerdict;
  readonly baseline: SeccompVerdict;
}

/** 2: the call runs; 1: a tracer or a notify agent decides; 0: the call is stopped. */
function permissiveness(v: SeccompVerdict): number {
  if (v.action === 'SCMP_ACT_ALLOW' || v.action === 'SCMP_ACT_LOG') return 2;
  if (v.action === 'SCMP_ACT_TRACE' || v.action === 'SCMP_ACT_NOTIFY') return 1;
  return 0;
}

const clamp = (v: bigint) => (v < 0n ? 0n : v > U64 ? U64 : v);

// The argument values at which any comparison of either profile can change its
// truth: for an ordered comparison against c, the regions (.., c), {c}, (c, ..)
// are each represented by c - 1, c, c + 1 (so every open interval between two
// constants has a witness); for MASKED_EQ(mask, datum), the datum itself, the
// datum with every bit outside the mask set, and the datum with each one bit
// of the mask flipped. 0 and 2^64 - 1 close the range.
function probeValues(profiles: readonly SeccompProfile[], syscall: string): Map<number, bigint[]> {
  const perIndex = new Map<number, Set<bigint>>();
  for (const p of profiles) {
    for (const rule of p.syscalls) {
      if (!rule.names.includes(syscall)) continue;
      for (const cmp of rule.args) {
        const set = perIndex.get(cmp.index) ?? new Set([0n, U64]);
        perIndex.set(cmp.index, set);
        for (const c of [cmp.value, cmp.valueTwo]) for (const d of [-1n, 0n, 1n]) set.add(clamp(c + d));
        if (cmp.op !== 'SCMP_CMP_MASKED_EQ') continue;
        const datum = cmp.valueTwo & U64;
        set.add(datum | (~cmp.value & U64));
        for (let bit = 1n; bit <= cmp.value; bit <<= 1n) if (cmp.value & bit) set.add(datum ^ bit);
      }
    }
  }
  return new Map([...perIndex].map(([i, s]) => [i, [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))]));
}

/** Every combination of the probe values, one argument index at a time. */
function* argVectors(values: Map<number, bigint[]>): Generator<bigint[]> {
  const indexes = [...values.keys()].sort((a, b) => a - b);
  function* walk(k: number, acc: bigint[]): Generator<bigint[]> {
    if (k === indexes.length) {
      yield [...acc];
      return;
    }
    const i = indexes[k];
    for (const v of values.get(i) ?? []) {
      acc[i] = v;
      yield* walk(k + 1, acc);
    }
    acc[i] = 0n;
  }
  yield* walk(0, [0n, 0n, 0n, 0n, 0n, 0n]);
}

/**
 * Every (context, syscall, argument region) where `candidate` lets a call run
 * that `baseline` stops (or hands a call to a tracer or notify agent that the
 * baseline stops). An empty result means the candidate is at least as strict
 * as the baseline in every given context.
 *
 * It checks every syscall named in either profile, plus {@link UNLISTED_SYSCALL}
 * for all the others, at every argument value where a comparison of either
 * profile can change its outcome (see the probe rules above), and each
 * combination of them when a syscall is compared on several arguments.
 *
 * @throws SeccompError `SECCOMP_RULES_AMBIGUOUS` when either profile is ambiguous in a context.
 * @example
 * ```ts
 * findLooser(sealgate, dockerDefault, [{ arch: 'SCMP_ARCH_X86_64', caps: [] }]); // → []
 * ```
 */
export function findLooser(
  candidate: SeccompProfile,
  baseline: SeccompProfile,
  contexts: readonly SeccompContext[],
): Looseness[] {
  const names = new Set([UNLISTED_SYSCALL]);
  for (const p of [candidate, baseline]) for (const r of p.syscalls) r.names.forEach((n) => names.add(n));
  const probes = [...names].map((syscall) => ({
    syscall,
    values: probeValues([candidate, baseline], syscall),
  }));

  const found: Looseness[] = [];
  for (const context of contexts) {
    const abi = context.abi ?? context.arch;
    const cand = resolveProfile(candidate, context);
    const base = resolveProfile(baseline, context);
    for (const { syscall, values } of probes) {
      for (const args of argVectors(values)) {
        const c = decideResolved(cand, abi, syscall, args);
        const b = decideResolved(base, abi, syscall, args);
        if (permissiveness(c) > permissiveness(b)) {
          found.push({ context, syscall, args, candidate: c, baseline: b });
        }
      }
    }
  }
  return found;
}
