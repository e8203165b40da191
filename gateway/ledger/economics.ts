/**
 * Settlement arithmetic (DESIGN.md section 9): splitting an amount in basis
 * points frozen at order time, and converting a fiat price at the recorded
 * rate. Integer arithmetic only; every rounding is stated.
 */
import { LedgerError } from './errors.js';

/** A settlement split in basis points; the four parts sum to 10 000. */
export interface SettlementSplit {
  readonly sellerBps: number;
  readonly publisherBps: number;
  readonly minerBps: number;
  readonly platformBps: number;
}

/** The amounts of a split settlement; they sum to the total. */
export interface SettlementShares {
  readonly seller: bigint;
  readonly publisher: bigint;
  readonly miner: bigint;
  readonly platform: bigint;
}

/** A fiat-to-token rate: `fiat` fiat base units are worth `tokens` token base units. */
export interface ExchangeRate {
  readonly fiat: bigint;
  readonly tokens: bigint;
}

const BPS = 10_000n;

/**
 * Split `total` by basis points. Seller, publisher and miner get
 * floor(total · bps / 10 000); the platform gets the rest, so it takes the
 * rounding and the shares always sum to `total`.
 *
 * @example
 * ```ts
 * splitSettlement(101n, { sellerBps: 5000, publisherBps: 2000, minerBps: 2500, platformBps: 500 });
 * // { seller: 50n, publisher: 20n, miner: 25n, platform: 6n }
 * ```
 */
export function splitSettlement(total: bigint, split: SettlementSplit): SettlementShares {
  if (typeof total !== 'bigint' || total < 0n)
    throw new LedgerError('LEDGER_BAD_AMOUNT', 'a settlement total is a bigint >= 0');
  const parts = [split.sellerBps, split.publisherBps, split.minerBps, split.platformBps];
  if (!parts.every((b) => Number.isSafeInteger(b) && b >= 0) || parts.reduce((a, b) => a + b, 0) !== 10_000) {
    throw new LedgerError('LEDGER_BAD_SPLIT', 'a split is four integer basis points >= 0 summing to 10000');
  }
  const share = (bps: number): bigint => (total * BigInt(bps)) / BPS;
  const seller = share(split.sellerBps);
  const publisher = share(split.publisherBps);
  const miner = share(split.minerBps);
  return { seller, publisher, miner, platform: total - seller - publisher - miner };
}

/**
 * Convert a fiat amount to tokens at `rate`, rounding up: the buyer pays the
 * last base unit, so the platform never receives less than the fiat price.
 *
 * @example
 * ```ts
 * fiatToTokens(1n, { fiat: 3n, tokens: 10n }); // 4n (10/3 rounded up)
 * ```
 */
export function fiatToTokens(fiat: bigint, rate: ExchangeRate): bigint {
  if (typeof fiat !== 'bigint' || fiat < 0n)
    throw new LedgerError('LEDGER_BAD_AMOUNT', 'a fiat amount is a bigint >= 0');
  if (
    typeof rate.fiat !== 'bigint' ||
    typeof rate.tokens !== 'bigint' ||
    rate.fiat <= 0n ||
    rate.tokens <= 0n
  ) {
    throw new LedgerError('LEDGER_BAD_RATE', 'a rate is two bigints > 0');
  }
  return (fiat * rate.tokens + rate.fiat - 1n) / rate.fiat;
}
