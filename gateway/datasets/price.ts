/**
 * The operator's price floor (DESIGN.md 9: "prices below the operator's floor
 * are refused"), shared by dataset listings and model descriptors. Amounts are
 * decimal strings of fiat base units, already matched against policies'
 * `Amount` pattern, so `BigInt` cannot throw here.
 */
import type { EconomicsParameters } from '../../policies/index.js';

/** True when `amount` (fiat base units) is below `economics.fiat.priceFloor`. */
export function belowPriceFloor(amount: string, economics: EconomicsParameters): boolean {
  return BigInt(amount) < BigInt(economics.fiat.priceFloor);
}
