/**
 * Accounts (DESIGN.md 6.1): an Ed25519 public key, the id derived from it, and
 * its roles. Anyone may register a key as seller, buyer, publisher or miner;
 * the operator role is only held by the gateway's operator key.
 */
import { SealgateError, accountId, base64ToBytes } from '../../attest/index.js';
import type { Store, Sublevel, BatchOp } from '../store/index.js';
import { put } from '../store/index.js';

export const ROLES = ['seller', 'buyer', 'publisher', 'miner', 'operator'] as const;
export type Role = (typeof ROLES)[number];
/** The roles an account may give itself at registration. */
export const SELF_ROLES: readonly Role[] = ['seller', 'buyer', 'publisher', 'miner'];

/** A registered account. */
export interface Account {
  readonly id: string;
  /** The Ed25519 public key, base64. */
  readonly publicKey: string;
  readonly roles: Role[];
  readonly name?: string;
  readonly createdAt: string;
}

export type AccountErrorCode = 'ACCOUNT_EXISTS' | 'ACCOUNT_NOT_FOUND' | 'ACCOUNT_ROLE_NOT_ALLOWED';
export class AccountError extends SealgateError<AccountErrorCode> {}
export const ACCOUNT_STATUSES = {
  ACCOUNT_EXISTS: 409,
  ACCOUNT_NOT_FOUND: 404,
  ACCOUNT_ROLE_NOT_ALLOWED: 403,
} satisfies Record<AccountErrorCode, number>;

/** The accounts table. Reads are cached: accounts never change but by role grants through here. */
export class AccountRegistry {
  private readonly sub: Sublevel;
  private readonly cache = new Map<string, Account>();

  constructor(private readonly store: Store) {
    this.sub = store.sublevel('accounts');
  }

  /** The account `id`, or undefined. */
  async find(id: string): Promise<Account | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const found = (await this.sub.get(id)) as Account | undefined;
    if (found) this.cache.set(id, found);
    return found;
  }

  /** The account `id`, or ACCOUNT_NOT_FOUND. */
  async get(id: string): Promise<Account> {
    const found = await this.find(id);
    if (!found) throw new AccountError('ACCOUNT_NOT_FOUND', `no account ${id}`);
    return found;
  }

  /** The Ed25519 public key of `id`, for signature checks. */
  async publicKey(id: string): Promise<Uint8Array | undefined> {
    const found = await this.find(id);
    return found ? base64ToBytes(found.publicKey) : undefined;
  }

  /** The batch op that registers `account` (call inside store.exclusive, after {@link find}). */
  registerOp(account: Account): BatchOp {
    const key = base64ToBytes(account.publicKey);
    if (!key || account.id !== accountId(key)) {
      throw new TypeError('account id does not match its key');
    }
    return put(this.sub, account.id, account);
  }

  /** Register `account` now; ACCOUNT_EXISTS when its key is already registered. */
  async register(account: Account): Promise<Account> {
    return this.store.exclusive(async () => {
      if (await this.find(account.id))
        throw new AccountError('ACCOUNT_EXISTS', `${account.id} is already registered`);
      await this.store.write([this.registerOp(account)]);
      this.cache.set(account.id, account);
      return account;
    });
  }

  /** Make sure `account` exists with at least its roles (the operator's at start-up). */
  async ensure(account: Account): Promise<void> {
    await this.store.exclusive(async () => {
      const found = await this.find(account.id);
      const roles = [...new Set([...(found?.roles ?? []), ...account.roles])];
      if (found && roles.length === found.roles.length) return;
      const merged = { ...(found ?? account), roles };
      await this.store.write([this.registerOp(merged)]);
      this.cache.set(merged.id, merged);
    });
  }
}

/** True when `account` holds any of `roles`. */
export function hasRole(account: Account, roles: readonly Role[]): boolean {
  return roles.some((r) => account.roles.includes(r));
}
