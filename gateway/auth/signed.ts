/**
 * Signed requests at the gateway (DESIGN.md 6.1). A route asks for a signed
 * caller with `preValidation: app.signed(['buyer'])`: the request must carry
 * an RFC 9421 signature by a registered account over its method, target, body
 * digest, time (±skew) and a fresh nonce, else 401 with the failed rule's
 * code; an account without one of the roles gets 403 AUTH_FORBIDDEN.
 */
import type { FastifyInstance, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { BodySha256, NonceStore, VerifiedRequest } from '../../attest/index.js';
import { verifyRequest } from '../../attest/index.js';
import type { Account, AccountRegistry, Role } from '../accounts/registry.js';
import { hasRole } from '../accounts/registry.js';
import { GatewayError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller of a signed route. */
    account?: Account;
    /** The verified signature of a signed route (key id, time, nonce). */
    signedBy?: VerifiedRequest;
  }
  interface FastifyInstance {
    /** A preValidation hook requiring a signed request by an account with any of `roles` (any role when empty). */
    signed(roles?: readonly Role[]): preValidationAsyncHookHandler;
  }
}

/** What signature checks need. */
export interface SignatureCheckOptions {
  readonly accounts: AccountRegistry;
  readonly nonces: NonceStore;
  readonly now: () => Date;
  readonly skewSeconds: number;
}

/** Overrides of {@link verifySigned}. */
export interface VerifySignedOverrides {
  /** Whose key a key id is (default: the registered accounts; registration passes the new key). */
  readonly resolveKey?: (keyId: string) => Promise<Uint8Array | undefined>;
  /** For a streamed body: its SHA-256, which the caller then checks the stream against. */
  readonly body?: BodySha256;
}

/** Verify `request`'s signature (DESIGN.md 6.1); throws AUTH_UNSIGNED or a REQUEST_* error. */
export async function verifySigned(
  request: FastifyRequest,
  options: SignatureCheckOptions,
  overrides: VerifySignedOverrides = {},
): Promise<VerifiedRequest> {
  const resolveKey = overrides.resolveKey ?? ((id: string) => options.accounts.publicKey(id));
  if (request.headers.signature === undefined && request.headers['signature-input'] === undefined) {
    throw new GatewayError('AUTH_UNSIGNED', 'this request must be signed (see docs/protocols.md)');
  }
  return verifyRequest(
    {
      method: request.method,
      path: request.url,
      headers: request.headers,
      body: overrides.body ?? request.rawBody,
    },
    { resolveKey, nonces: options.nonces, now: options.now(), skewSeconds: options.skewSeconds },
  );
}

// Marks the hooks made by `app.signed`, so routes using one are documented as signed.
const SIGNED = Symbol('sealgate.signed');

/** True when a route's preValidation hooks include `app.signed(...)`. */
function isSignedRoute(hooks: unknown): boolean {
  const list: unknown[] = Array.isArray(hooks) ? hooks : [hooks];
  return list.some((h) => typeof h === 'function' && SIGNED in h);
}

/**
 * Decorate `app.signed(roles)`, and mark every route that uses it with the
 * `httpSignature` security requirement in its schema, so /openapi.json says
 * which routes need a signature (and tests can enumerate them).
 */
export function installSigned(app: FastifyInstance, options: SignatureCheckOptions): void {
  app.decorateRequest('account', undefined);
  app.decorateRequest('signedBy', undefined);
  app.addHook('onRoute', (route) => {
    if (!isSignedRoute(route.preValidation)) return;
    route.schema = { ...route.schema, security: [{ httpSignature: [] }] };
  });
  app.decorate('signed', (roles: readonly Role[] = []): preValidationAsyncHookHandler => {
    const hook = async (request: FastifyRequest) => {
      const verified = await verifySigned(request, options);
      const account = await options.accounts.get(verified.keyId);
      if (roles.length > 0 && !hasRole(account, roles)) {
        throw new GatewayError('AUTH_FORBIDDEN', `this needs the ${roles.join(' or ')} role`);
      }
      request.account = account;
      request.signedBy = verified;
    };
    return Object.assign(hook, { [SIGNED]: true });
  });
}

/** The verified caller of a signed route (a TypeError if the route forgot `app.signed`). */
export function caller(request: FastifyRequest): Account {
  if (!request.account)
    throw new TypeError(`${request.routeOptions.url ?? request.url} is not a signed route`);
  return request.account;
}
