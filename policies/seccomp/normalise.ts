/*
 * The second half of parsing a Docker-format seccomp profile (profile.ts): the
 * rules the schema cannot say, and the normalised value. No typebox here, so
 * that the sealed container's supervisor can load sealgate's own, shipped
 * profile (sealgate-profile.ts) without the schema library at its start
 * (docs/sealing-figures.md); a test checks that both paths agree on it.
 */
import { SeccompError } from './errors.js';
import type { SeccompFilterJson, SeccompProfileJson, SeccompRuleJson } from './schema.js';
import type { SeccompFilter, SeccompProfile, SeccompRule } from './types.js';

const malformed = (path: string, why: string) =>
  new SeccompError('SECCOMP_PROFILE_MALFORMED', `seccomp profile ${path || '/'}: ${why}`);

/** Actions that carry an errno (runtime-spec: `errnoRet` applies to ERRNO and TRACE only). */
const takesErrno = (action: string) => action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE';

/**
 * Normalises a profile whose shape the schema already accepted (or one shipped
 * with sealgate and checked by its tests): Docker's own cross-field rules, then
 * defaults filled in. Throws SeccompError `SECCOMP_PROFILE_MALFORMED` naming the path.
 */
export function normaliseProfile(doc: SeccompProfileJson): SeccompProfile {
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
