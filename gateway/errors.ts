/**
 * The gateway's own errors and the one registry that maps every error code a
 * client can see to its HTTP status (STYLE.md: "map error codes to HTTP
 * statuses in one place"). A route throws a typed error; the error handler
 * (http/error-handler.ts) replies `{ error: { code, message } }` with the
 * status from here. Clients never see a stack or a cause.
 */
import { SealgateError } from '../attest/index.js';

export type GatewayErrorCode =
  // transport
  | 'HTTP_BAD_JSON'
  | 'HTTP_INVALID'
  | 'HTTP_NOT_FOUND'
  | 'HTTP_METHOD_NOT_ALLOWED'
  | 'HTTP_BODY_TOO_LARGE'
  | 'HTTP_UNSUPPORTED_MEDIA_TYPE'
  | 'HTTP_RATE_LIMITED'
  | 'HTTP_OVERLOADED'
  | 'HTTP_SHUTTING_DOWN'
  | 'HTTP_INTERNAL'
  // who is asking
  | 'AUTH_UNSIGNED'
  | 'AUTH_FORBIDDEN'
  | 'AUTH_NOT_NODE';

/** An error raised by the gateway's HTTP layer. */
export class GatewayError extends SealgateError<GatewayErrorCode> {}

/** A code's HTTP status; the areas add theirs through {@link registerStatuses}. */
const statuses = new Map<string, number>([
  ['HTTP_BAD_JSON', 400],
  ['HTTP_INVALID', 400],
  ['HTTP_NOT_FOUND', 404],
  ['HTTP_METHOD_NOT_ALLOWED', 405],
  ['HTTP_BODY_TOO_LARGE', 413],
  ['HTTP_UNSUPPORTED_MEDIA_TYPE', 415],
  ['HTTP_RATE_LIMITED', 429],
  ['HTTP_OVERLOADED', 503],
  ['HTTP_SHUTTING_DOWN', 503],
  ['HTTP_INTERNAL', 500],
  ['AUTH_UNSIGNED', 401],
  ['AUTH_FORBIDDEN', 403],
  ['AUTH_NOT_NODE', 403],
  // attest's signed-request checks (DESIGN.md 6.1): all 401, except a full nonce store
  ['REQUEST_MALFORMED', 401],
  ['REQUEST_DIGEST_MISMATCH', 401],
  ['REQUEST_STALE', 401],
  ['REQUEST_FUTURE', 401],
  ['REQUEST_UNKNOWN_KEY', 401],
  ['REQUEST_BAD_SIGNATURE', 401],
  ['REQUEST_REPLAYED', 401],
  ['REQUEST_NONCE_STORE_FULL', 503],
  // policy documents inside requests
  ['POLICY_INVALID', 400],
]);

/**
 * Add an area's statuses. Each area declares its table next to its error
 * class (`satisfies Record<AreaErrorCode, number>`, so a new code cannot be
 * forgotten) and `gateway/error-statuses.ts` registers it. A code registered
 * twice with different statuses is a programming mistake.
 */
export function registerStatuses(table: Readonly<Record<string, number>>): void {
  for (const [code, status] of Object.entries(table)) {
    const known = statuses.get(code);
    if (known !== undefined && known !== status) throw new TypeError(`${code} is already ${known}`);
    statuses.set(code, status);
  }
}

/** The status of `code`, or undefined when no area declared it (a bug: the handler answers 500). */
export function statusOf(code: string): number | undefined {
  return statuses.get(code);
}

/** Every registered code and its status (for the OpenAPI document and tests). */
export function registeredStatuses(): ReadonlyMap<string, number> {
  return statuses;
}
