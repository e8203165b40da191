/**
 * The ledger through the gateway's API (docs/ledger.md): one's own balance
 * (a signed GET) and the operator's mint (`POST /v1/admin/credit`), whose
 * ledger entry is its audit record. Amounts are token base units as decimal
 * strings; `formatTokens` shows them in whole tokens.
 */
import type { GatewayClient } from './gateway-client.js';
import type { MoneyRequestOptions } from './bonds.js';
import { isOptionalFlag, withRequestId } from './bonds.js';
import { expectShape, isDecimal } from './reply.js';

/** The caller's balance and the token it is counted in. */
export interface Balance {
  readonly account: string;
  /** Token base units, decimal. */
  readonly balance: string;
  readonly token: { readonly symbol: string; readonly decimals: number };
}

/** What a credit wrote: the entry's seq and hash, and the account's new balance. */
export interface Credit {
  readonly account: string;
  readonly amount: string;
  readonly seq: number;
  readonly hash: string;
  readonly balance: string;
  /** True when the gateway answered a repeat of an applied request (same `requestId`): nothing moved. */
  readonly replayed?: boolean;
}

/** The calling account's token balance. */
export async function myBalance(client: GatewayClient): Promise<Balance> {
  const reply = await client.request('GET', '/v1/ledger/balance', { signed: true });
  return expectShape(reply, 'a balance', {
    account: 'string',
    balance: isDecimal,
    token: (v) =>
      typeof v === 'object' &&
      v !== null &&
      typeof (v as { symbol?: unknown }).symbol === 'string' &&
      Number.isInteger((v as { decimals?: unknown }).decimals),
  });
}

/**
 * Mint `amount` token base units to `account` (the operator's key signs);
 * `memo` says why. A `requestId` makes a retry after a lost reply credit once.
 */
export async function adminCredit(
  client: GatewayClient,
  credit: { readonly account: string; readonly amount: string; readonly memo: string },
  options: MoneyRequestOptions = {},
): Promise<Credit> {
  const body = withRequestId({ ...credit }, options);
  const reply = await client.request('POST', '/v1/admin/credit', { body, signed: true });
  return expectShape(reply, 'a credit', {
    account: 'string',
    amount: isDecimal,
    seq: 'number',
    hash: 'string',
    balance: isDecimal,
    replayed: isOptionalFlag,
  });
}

/**
 * Base units as whole tokens with `decimals` places, e.g.
 * `formatTokens('1500000', 6)` is `'1.5'`; trailing zeros are dropped.
 */
export function formatTokens(baseUnits: string | bigint, decimals: number): string {
  const value = BigInt(baseUnits);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}
