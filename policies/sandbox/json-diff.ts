/**
 * Structural comparison of two JSON values (RFC 8259 data model: objects compare by
 * member name regardless of order, arrays by position), reporting the first place
 * they differ. Used to compare the seccomp profile a container carries with the
 * expected one: the Docker CLI compacts the JSON it sends, the Engine API keeps
 * whatever text it was given, so the text itself cannot be compared.
 */
import { member } from './inspect.js';

/** Where two JSON values first differ, and what each holds there (`undefined`: absent). */
export interface JsonDifference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Returns the first difference between `expected` and `actual`, or `undefined` when they are equal. */
export function firstJsonDifference(
  expected: unknown,
  actual: unknown,
  path = '',
): JsonDifference | undefined {
  if (Array.isArray(expected) || Array.isArray(actual)) {
    if (!Array.isArray(expected) || !Array.isArray(actual)) return { path, expected, actual };
    const shared = Math.min(expected.length, actual.length);
    for (let i = 0; i < shared; i += 1) {
      const difference = firstJsonDifference(expected[i], actual[i], path + member(i));
      if (difference !== undefined) return difference;
    }
    if (expected.length === actual.length) return undefined;
    return { path: path + member(shared), expected: expected[shared], actual: actual[shared] };
  }
  if (isObject(expected) || isObject(actual)) {
    if (!isObject(expected) || !isObject(actual)) return { path, expected, actual };
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      const difference = firstJsonDifference(expected[key], actual[key], path + member(key));
      if (difference !== undefined) return difference;
    }
    return undefined;
  }
  return expected === actual ? undefined : { path, expected, actual };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
