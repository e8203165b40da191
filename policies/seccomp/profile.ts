import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { SeccompError } from './errors.js';
import { SeccompProfileJson, type SeccompFilterJson, type SeccompRuleJson } from './schema.js';
import type { SeccompFilter, SeccompProfile, SeccompRule } from './types.js';

const malformed = (path: string, why: string) =>
  new SeccompError('SECCOMP_PROFILE_MALFORMED', `seccomp profile ${path || '/'}: ${why}`);

/**
 * The most precise account of a schema error: inside a union (a nullable list,
 * say), the error of the variant that got furthest into the document; for a
 * union of string literals, the values it accepts.
 */
function describe(e: ValueError): { path: string; why: string } {
  const deeper = e.errors
    .map((it) => it.First())
    .filter((x): x is ValueError => x !== undefined)
    .map(describe)
    .filter((d) => d.path.length > e.path.length)
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (deeper !== undefined) return deeper;
  const variants = (e.schema as { anyOf?: { const?: unknown }[] }).anyOf ?? [];
  const values = variants.map((v) => v.const);
  if (values.length > 0 && values.every((v) => typeof v === 'string')) {
    return { path: e.path, why: `expected one of ${values.join(', ')}` };
  }
  return { path: e.path, why: e.message };
}

/** Actions that carry an errno (runtime-spec: `errnoRet` applies to ERRNO and TRACE only). */
const takesErrno = (action: string) => action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE';

/**
 * Parses an untrusted Docker-format seccomp profile (the JSON that
 * `docker run --security-opt seccomp=FILE` reads) into a typed, normalised value.
 *
 * Beyond Docker's own checks (not both `name` and `names`, not both
 * `architectures` and `archMap`, a valid `minKernel`), it refuses unknown
 * fields, a rule without a syscall name, an `errnoRet` on an action that has
 * no errno, and a document without a `defaultAction` (which Docker would read
 * as "no seccomp at all").
 *
 * @throws SeccompError `SECCOMP_PROFILE_MALFORMED`, naming the JSON path of the first bad field.
 * @example
 * ```ts
 * const profile = parseProfile(JSON.parse(readFileSync('profile.json', 'utf8')));
 * ```
 */
export function parseProfile(input: unknown): SeccompProfile {
  const first = Value.Errors(SeccompProfileJson, input).First();
  if (first !== undefined) {
    const { path, why } = describe(first);
    throw malformed(path, why);
  }
  const doc = input as SeccompProfileJson;

  if (doc.architectures !== undefined && doc.archMap !== undefined) {
    throw malformed('/architectures', 'both architectures and archMap are given; use one');
  }
  if (doc.defaultErrnoRet !== undefined && !takesErrno(doc.defaultAction)) {
    throw malformed('/defaultErrnoRet', `${doc.defaultAction} takes no errno`);
  }
  return {
    defaultAction: doc.defaultAction,
    ...(doc.defaultErrnoRet !== undefined && { defaultErrnoRet: doc.defaultErrnoRet }),
    architectures: doc.architectures ?? [],
    archMap: (doc.archMap ?? []).map((a) => ({
      architecture: a.architecture,
      subArchitectures: a.subArchitectures ?? [],
    })),
    flags: doc.flags ?? [],
    ...(doc.listenerPath !== undefined && { listenerPath: doc.listenerPath }),
    ...(doc.listenerMetadata !== undefined && { listenerMetadata: doc.listenerMetadata }),
    syscalls: (doc.syscalls ?? []).map((r, i) => parseRule(r, `/syscalls/${i}`)),
  };
}

function parseRule(r: SeccompRuleJson, path: string): SeccompRule {
  if (r.name !== undefined && r.names !== undefined) {
    throw malformed(`${path}/name`, 'both name and names are given; use one');
  }
  const names = r.name !== undefined ? [r.name] : (r.names ?? []);
  if (names.length === 0) throw malformed(`${path}/names`, 'a rule must name at least one syscall');
  if (r.errnoRet !== undefined && !takesErrno(r.action)) {
    throw malformed(`${path}/errnoRet`, `${r.action} takes no errno`);
  }
  return {
    names,
    action: r.action,
    ...(r.errnoRet !== undefined && { errnoRet: r.errnoRet }),
    args: (r.args ?? []).map((a) => ({
      index: a.index,
      value: BigInt(a.value),
      valueTwo: BigInt(a.valueTwo ?? 0),
      op: a.op,
    })),
    includes: parseFilter(r.includes, `${path}/includes`),
    excludes: parseFilter(r.excludes, `${path}/excludes`),
    ...(r.comment !== undefined && { comment: r.comment }),
  };
}

// moby/profiles seccomp.go KernelVersion.UnmarshalJSON: "<kernel>.<major>",
// each part an 8-bit unsigned number, not "0.0"; "" means no minimum.
function parseFilter(f: SeccompFilterJson | undefined, path: string): SeccompFilter {
  const base = { caps: f?.caps ?? [], arches: f?.arches ?? [] };
  if (f?.minKernel === undefined || f.minKernel === '') return base;
  const [kernel, major] = f.minKernel.split('.').map(Number) as [number, number];
  if (kernel > 255 || major > 255 || (kernel === 0 && major === 0)) {
    throw malformed(`${path}/minKernel`, `invalid kernel version ${f.minKernel}`);
  }
  return { ...base, minKernel: [kernel, major] };
}
