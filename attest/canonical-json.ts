/**
 * The JSON Canonicalization Scheme, RFC 8785 (JCS): the one byte string that
 * sealgate hashes and signs for a JSON value (evidence bodies, measurements,
 * reports). Object members sorted by the UTF-16 code units of their names
 * (§3.2.3), no whitespace, strings escaped as ECMAScript JSON.stringify does
 * (§3.2.2.2), numbers in ECMAScript's shortest round-trip form (§3.2.2.3).
 *
 * Only plain JSON data is accepted: null, booleans, finite numbers, strings
 * without lone surrogates, arrays without holes, and objects whose prototype
 * is Object.prototype or null. Anything else is a CanonicalJsonError, never
 * a silent conversion (JSON.stringify would drop `undefined`, call `toJSON`,
 * turn NaN into null and holes into null).
 */
import { SealgateError } from './errors.js';
import { utf8 } from './base-encoding.js';

/** Codes of canonicalization errors. */
export type CanonicalJsonErrorCode =
  | 'CANONICAL_JSON_NON_FINITE'
  | 'CANONICAL_JSON_LONE_SURROGATE'
  | 'CANONICAL_JSON_UNSUPPORTED'
  | 'CANONICAL_JSON_CYCLE'
  | 'CANONICAL_JSON_TOO_DEEP';

/** A value that has no RFC 8785 canonical form. */
export class CanonicalJsonError extends SealgateError<CanonicalJsonErrorCode> {}

const MAX_DEPTH = 128;

// RFC 8785 §3.2.2.2 requires well-formed Unicode: every high surrogate followed
// by a low one and every low one preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function serializeString(value: string, path: string): string {
  if (LONE_SURROGATE.test(value)) {
    throw new CanonicalJsonError('CANONICAL_JSON_LONE_SURROGATE', `${path}: string holds a lone surrogate`);
  }
  // ECMAScript JSON.stringify on a well-formed string is exactly §3.2.2.2.
  return JSON.stringify(value);
}

function serializeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new CanonicalJsonError(
      'CANONICAL_JSON_NON_FINITE',
      `${path}: ${String(value)} is not a JSON number`,
    );
  }
  // §3.2.2.3: ECMAScript Number.prototype.toString; -0 serializes as 0.
  return JSON.stringify(value);
}

function serialize(value: unknown, path: string, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      return serializeNumber(value, path);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      throw new CanonicalJsonError('CANONICAL_JSON_UNSUPPORTED', `${path}: a ${typeof value} is not JSON`);
  }
  if (seen.has(value)) throw new CanonicalJsonError('CANONICAL_JSON_CYCLE', `${path}: value contains itself`);
  if (seen.size >= MAX_DEPTH) {
    throw new CanonicalJsonError('CANONICAL_JSON_TOO_DEEP', `${path}: nested deeper than ${MAX_DEPTH}`);
  }
  seen.add(value);
  try {
    return Array.isArray(value) ? serializeArray(value, path, seen) : serializeObject(value, path, seen);
  } finally {
    seen.delete(value);
  }
}

function serializeArray(value: readonly unknown[], path: string, seen: Set<object>): string {
  if (Object.getPrototypeOf(value) !== Array.prototype) {
    throw new CanonicalJsonError('CANONICAL_JSON_UNSUPPORTED', `${path}: not a plain array`);
  }
  const parts: string[] = [];
  for (let i = 0; i < value.length; i++) {
    if (!Object.prototype.hasOwnProperty.call(value, i)) {
      throw new CanonicalJsonError('CANONICAL_JSON_UNSUPPORTED', `${path}[${i}]: array has a hole`);
    }
    parts.push(serialize(value[i], `${path}[${i}]`, seen));
  }
  return `[${parts.join(',')}]`;
}

function serializeObject(value: object, path: string, seen: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new CanonicalJsonError('CANONICAL_JSON_UNSUPPORTED', `${path}: not a plain object`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CanonicalJsonError('CANONICAL_JSON_UNSUPPORTED', `${path}: object has symbol keys`);
  }
  // §3.2.3: sort by UTF-16 code units, which is what the default sort compares.
  const names = Object.keys(value).sort();
  const record = value as Record<string, unknown>;
  const parts = names.map((name) => {
    const childPath = `${path}.${name}`;
    return `${serializeString(name, childPath)}:${serialize(record[name], childPath, seen)}`;
  });
  return `{${parts.join(',')}}`;
}

/**
 * The RFC 8785 canonical JSON text of `value`.
 *
 * @example
 * ```ts
 * canonicalize({ b: [1e30, 4.5], a: 'é' }); // '{"a":"é","b":[1e+30,4.5]}'
 * ```
 */
export function canonicalize(value: unknown): string {
  return serialize(value, '$', new Set());
}

/** The UTF-8 bytes of {@link canonicalize}(value): what gets hashed or signed. */
export function canonicalizeBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
