/**
 * Accounts through the gateway's API (DESIGN.md 6.1, docs/gateway.md): register
 * the client's key with roles, read one's own account (a signed GET), read any
 * account's public profile. Replies are parsed into typed values before use;
 * a reply of the wrong shape is CLIENT_BAD_REPLY.
 */
import { bytesToBase64 } from '../../attest/index.js';
import type { GatewayClient } from './gateway-client.js';
import { GatewayRequestError } from './gateway-client.js';

/** The roles an account may hold (the gateway's list; only the operator key holds `operator`). */
export const ACCOUNT_ROLES = ['seller', 'buyer', 'publisher', 'miner', 'operator'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];
/** The roles an account may give itself at registration. */
export const SELF_ASSIGNABLE_ROLES: readonly AccountRole[] = ['seller', 'buyer', 'publisher', 'miner'];

/** An account as the gateway shows it (`publicKey` is absent from public profiles). */
export interface AccountInfo {
  readonly id: string;
  /** The Ed25519 public key, base64 (only on one's own account). */
  readonly publicKey?: string;
  readonly roles: AccountRole[];
  readonly name?: string;
  readonly createdAt: string;
}

/** True when `value` names a role. */
export function isAccountRole(value: string): value is AccountRole {
  return (ACCOUNT_ROLES as readonly string[]).includes(value);
}

/**
 * Register the client's key with `roles` (and a display `name`); the request
 * is signed by that key, so only its holder can register it. Throws the
 * gateway's refusal (ACCOUNT_EXISTS, ACCOUNT_ROLE_NOT_ALLOWED, HTTP_INVALID)
 * or CLIENT_UNREACHABLE.
 *
 * @example
 * const client = new GatewayClient({ gateway: 'http://127.0.0.1:7700', key });
 * const account = await registerAccount(client, ['seller'], 'alice');
 */
export async function registerAccount(
  client: GatewayClient,
  roles: readonly AccountRole[],
  name?: string,
): Promise<AccountInfo> {
  const key = client.options.key;
  if (!key) throw new TypeError('registerAccount needs a client with an account key');
  const body = { publicKey: bytesToBase64(key.publicKey), roles, ...(name === undefined ? {} : { name }) };
  return parseAccount(await client.request('POST', '/v1/accounts', { body, signed: true }));
}

/** The calling account (a signed GET /v1/accounts/me). */
export async function myAccount(client: GatewayClient): Promise<AccountInfo> {
  return parseAccount(await client.request('GET', '/v1/accounts/me', { signed: true }));
}

/** The public profile of account `id` (unsigned); ACCOUNT_NOT_FOUND when there is none. */
export async function accountProfile(client: GatewayClient, id: string): Promise<AccountInfo> {
  const path = `/v1/accounts/${encodeURIComponent(id)}`;
  return parseAccount(await client.request('GET', path, { signed: false }));
}

/** Parse an account reply: only the known fields, each of the right type. */
export function parseAccount(value: unknown): AccountInfo {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { id, publicKey, roles, name, createdAt } = v;
  const ok =
    typeof id === 'string' &&
    typeof createdAt === 'string' &&
    (publicKey === undefined || typeof publicKey === 'string') &&
    (name === undefined || typeof name === 'string') &&
    Array.isArray(roles) &&
    roles.every((r) => typeof r === 'string' && isAccountRole(r));
  if (!ok)
    throw new GatewayRequestError('CLIENT_BAD_REPLY', 'the gateway sent an account of the wrong shape', 200);
  return {
    id,
    ...(publicKey === undefined ? {} : { publicKey }),
    roles: roles,
    ...(name === undefined ? {} : { name }),
    createdAt,
  };
}
