import type { Static, TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/value';
import { Value } from '@sinclair/typebox/value';
import { SealgateError } from '../../attest/index.js';

export type PolicyErrorCode = 'POLICY_INVALID';

/**
 * A policy document that does not fit its schema or its rules. `path` is the
 * JSON Pointer (RFC 6901) of the first bad field, e.g. `/split/platformBps`.
 */
export class PolicyError extends SealgateError<PolicyErrorCode> {
  readonly path: string;

  constructor(path: string, message: string) {
    super('POLICY_INVALID', `${path || '/'}: ${message}`);
    this.path = path;
  }
}

/** A rule a schema cannot say (sums, orderings): returns the bad path and why, or undefined. */
export type PolicyRule<T> = (value: T) => { path: string; message: string } | undefined;

/**
 * Parse an untrusted policy document: fill defaults (on a copy), refuse unknown
 * fields and wrong types with the path of the first bad field, then apply the
 * cross-field rules. Only the typed result reaches policy logic.
 */
export function parseDocument<S extends TSchema>(
  schema: S,
  input: unknown,
  rules: readonly PolicyRule<Static<S>>[] = [],
): Static<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new PolicyError('', 'expected a JSON object');
  }
  const value: unknown = Value.Default(schema, Value.Clone(input));
  const first = Value.Errors(schema, value).First();
  if (first) {
    const bad = explain(first);
    throw new PolicyError(bad.path, bad.message);
  }
  const typed = value as Static<S>;
  for (const rule of rules) {
    const broken = rule(typed);
    if (broken) throw new PolicyError(broken.path, broken.message);
  }
  return typed;
}

/**
 * Say what is wrong in a way a seller can act on. TypeBox reports a failed union
 * at the union itself ("Expected union value"); a union of literals becomes
 * "expected one of ...", and otherwise the branch that got furthest into the
 * document (the longest path) explains the failure.
 */
function explain(error: ValueError): { path: string; message: string } {
  const schema = error.schema as { anyOf?: { const?: unknown }[] };
  if (schema.anyOf?.every((s) => s.const !== undefined)) {
    return {
      path: error.path,
      message: `expected one of ${schema.anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`,
    };
  }
  let best: ValueError | undefined;
  for (const branch of error.errors) {
    const e = branch.First();
    if (e && e.path.length > (best?.path.length ?? error.path.length)) best = e;
  }
  return best ? explain(best) : { path: error.path, message: error.message };
}
