/**
 * The seed's price of a run (DESIGN.md 5 step 3, section 9), pure and in
 * bigint base units: compute = unit cost × steps, plus the model's base fee,
 * plus the dataset's price, in fiat; the tokens at the rate recorded with the
 * order; the split frozen with it. Settlement charges what was used.
 */
import type { EconomicsParameters, ModelDescriptor } from '../../policies/index.js';
import type { ExchangeRate } from '../ledger/index.js';
import { fiatToTokens } from '../ledger/index.js';
import { RunError } from './errors.js';
import type { Price } from './record.js';

/** What a price is made of. */
export interface PriceInput {
  readonly model: Pick<ModelDescriptor, 'unitCost' | 'baseFee'>;
  /** The dataset's price, fiat base units (decimal string). */
  readonly dataPrice: string;
  /** Steps, already capped at the model's maxSteps. */
  readonly steps: number;
  readonly rate: ExchangeRate;
  readonly economics: Pick<EconomicsParameters, 'split' | 'fiat'>;
}

/**
 * Price a run. Refuses with RUN_PRICE_BELOW_FLOOR when the fiat total is
 * below the operator's floor (DESIGN.md 9: "prices below the operator's floor
 * are refused").
 *
 * @example
 * ```ts
 * priceRun({ model: { unitCost: '2', baseFee: '10' }, dataPrice: '100', steps: 5, rate, economics });
 * // fiat { compute: '10', baseFee: '10', data: '100', total: '120' }
 * ```
 */
export function priceRun(input: PriceInput): Price {
  const compute = BigInt(input.model.unitCost) * BigInt(input.steps);
  const baseFee = BigInt(input.model.baseFee);
  const data = BigInt(input.dataPrice);
  const total = compute + baseFee + data;
  const floor = BigInt(input.economics.fiat.priceFloor);
  if (total < floor) {
    throw new RunError('RUN_PRICE_BELOW_FLOOR', `the price ${total} is below the floor of ${floor}`);
  }
  const { sellerBps, publisherBps, minerBps, platformBps } = input.economics.split;
  return {
    fiat: {
      compute: String(compute),
      baseFee: String(baseFee),
      data: String(data),
      total: String(total),
    },
    tokens: String(fiatToTokens(total, input.rate)),
    rate: { fiat: String(input.rate.fiat), tokens: String(input.rate.tokens) },
    split: { sellerBps, publisherBps, minerBps, platformBps },
  };
}

/** The rate frozen in `price`. */
export function rateOf(price: Price): ExchangeRate {
  return { fiat: BigInt(price.rate.fiat), tokens: BigInt(price.rate.tokens) };
}

/**
 * The tokens a run used: the compute of the steps actually run (at the quoted
 * unit cost; never more steps than quoted), the base fee and the data price,
 * converted at the frozen rate, and never more than the escrow.
 */
export function usedTokens(price: Price, quotedSteps: number, usedSteps: number): bigint {
  const steps = BigInt(Math.min(Math.max(usedSteps, 0), quotedSteps));
  const compute = quotedSteps === 0 ? 0n : (BigInt(price.fiat.compute) * steps) / BigInt(quotedSteps);
  const fiat = compute + BigInt(price.fiat.baseFee) + BigInt(price.fiat.data);
  const tokens = fiatToTokens(fiat, rateOf(price));
  const escrow = BigInt(price.tokens);
  return tokens < escrow ? tokens : escrow;
}
