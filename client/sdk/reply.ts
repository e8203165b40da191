/**
 * Parse, then use: the gateway's replies are checked field by field before
 * the SDK hands them on as typed values. A reply of the wrong shape is
 * CLIENT_BAD_REPLY, naming what was expected; fields the SDK does not know
 * are kept (the gateway may add fields), fields it relies on must be there.
 */
import { GatewayRequestError } from './gateway-client.js';

/** The kind each field must have: a JSON type, or a check of its own. */
export type FieldKind =
  | 'string'
  | 'number'
  | 'boolean'
  | 'object'
  | 'array'
  | 'string?'
  | 'number?'
  | 'object?'
  | 'string|null'
  | ((value: unknown) => boolean);

function kindMatches(kind: FieldKind, value: unknown): boolean {
  if (typeof kind === 'function') return kind(value);
  const optional = kind.endsWith('?');
  if (optional && value === undefined) return true;
  if (kind === 'string|null') return value === null || typeof value === 'string';
  const base = optional ? kind.slice(0, -1) : kind;
  if (base === 'array') return Array.isArray(value);
  if (base === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === base;
}

/**
 * Check that `value` is an object whose `fields` have the given kinds and
 * return it as `T`; CLIENT_BAD_REPLY otherwise.
 */
export function expectShape<T>(value: unknown, what: string, fields: Readonly<Record<string, FieldKind>>): T {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(fields).every(([name, kind]) =>
      kindMatches(kind, (value as Record<string, unknown>)[name]),
    );
  if (!ok)
    throw new GatewayRequestError('CLIENT_BAD_REPLY', `the gateway sent ${what} of the wrong shape`, 200);
  return value as T;
}

/** A page `{items, next}` whose items each pass `item`. */
export function expectPage<T>(
  value: unknown,
  what: string,
  item: (v: unknown) => T,
): { items: T[]; next: string | null } {
  const page = expectShape<{ items: unknown[]; next: string | null }>(value, `a page of ${what}`, {
    items: 'array',
    next: 'string|null',
  });
  return { items: page.items.map(item), next: page.next };
}

/** A decimal string of base units (`0`, `1234`, possibly negative for the mint). */
export const isDecimal = (v: unknown): boolean => typeof v === 'string' && /^-?(0|[1-9][0-9]*)$/.test(v);

/** `?a=1&b=x` from the defined entries of `query` (empty when none). */
export function queryString(query: Readonly<Record<string, string | number | boolean | undefined>>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
