import type { ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { SeccompError } from './errors.js';
import { normaliseProfile } from './normalise.js';
import { SeccompProfileJson } from './schema.js';
import type { SeccompProfile } from './types.js';

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
  return normaliseProfile(input as SeccompProfileJson);
}
