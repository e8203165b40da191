import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { SECCOMP_ACTIONS, SECCOMP_ARCHES, SECCOMP_FLAGS, SECCOMP_OPS } from './types.js';

/*
 * The JSON shape of a Docker-format seccomp profile: moby/profiles
 * `seccomp/seccomp.go` (Seccomp, Architecture, Filter, Syscall) over the OCI
 * runtime-spec `LinuxSeccomp`, `LinuxSyscall` and `LinuxSeccompArg`.
 * Unknown fields are refused (Docker ignores them): a misspelt `include` would
 * otherwise silently turn a capability-gated rule into an unconditional one.
 */

const oneOf = <T extends readonly string[]>(values: T) =>
  Type.Unsafe<T[number]>(Type.Union(values.map((v) => Type.Literal(v))));
const closed = <T extends Record<string, TSchema>>(props: T) =>
  Type.Object(props, { additionalProperties: false });

/** Linux system calls take at most six arguments (runc `syscallMaxArguments`). */
const argIndex = Type.Integer({ minimum: 0, maximum: 5 });
/** A 64-bit argument datum; JSON numbers above 2^53 - 1 cannot be read exactly, so they are refused. */
const datum = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
/** An errno fits the 16-bit SECCOMP_RET_DATA field. */
const errno = Type.Integer({ minimum: 0, maximum: 0xffff });
const syscallName = Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 64 });
const arch = oneOf(SECCOMP_ARCHES);

const filter = closed({
  caps: Type.Optional(Type.Array(Type.String({ pattern: '^CAP_[A-Z_]+$' }))),
  arches: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z0-9]+$' }))),
  minKernel: Type.Optional(Type.String({ pattern: '^([0-9]+\\.[0-9]+)?$' })),
});

const arg = closed({
  index: argIndex,
  value: datum,
  valueTwo: Type.Optional(datum),
  op: oneOf(SECCOMP_OPS),
});

const rule = closed({
  names: Type.Optional(Type.Array(syscallName)),
  name: Type.Optional(syscallName),
  action: oneOf(SECCOMP_ACTIONS),
  errnoRet: Type.Optional(errno),
  args: Type.Optional(Type.Union([Type.Array(arg), Type.Null()])),
  comment: Type.Optional(Type.String()),
  includes: Type.Optional(filter),
  excludes: Type.Optional(filter),
});

/** The whole document. */
export const SeccompProfileJson = closed({
  defaultAction: oneOf(SECCOMP_ACTIONS),
  defaultErrnoRet: Type.Optional(errno),
  architectures: Type.Optional(Type.Array(arch)),
  archMap: Type.Optional(
    Type.Array(
      closed({
        architecture: arch,
        subArchitectures: Type.Optional(Type.Union([Type.Array(arch), Type.Null()])),
      }),
    ),
  ),
  flags: Type.Optional(Type.Array(oneOf(SECCOMP_FLAGS))),
  listenerPath: Type.Optional(Type.String()),
  listenerMetadata: Type.Optional(Type.String()),
  syscalls: Type.Optional(Type.Union([Type.Array(rule), Type.Null()])),
});
export type SeccompProfileJson = Static<typeof SeccompProfileJson>;
export type SeccompRuleJson = Static<typeof rule>;
export type SeccompFilterJson = Static<typeof filter>;
