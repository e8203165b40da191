/**
 * Penalties, pure (DESIGN.md 9 "penalties taken from the bond by cause and
 * duration, after an appeal window; a penalty larger than the bond becomes
 * recorded debt"; docs/bonds-and-placement.md): the schedule by cause and
 * outage length, the appeal window, the split between the harmed buyer and
 * the platform, and what a taking draws from the bond and leaves as debt.
 * Amounts are bigint token base units; every division rounds down and the
 * platform takes the remainder.
 */
import type { EconomicsParameters } from '../../policies/index.js';

/** Why a node is penalised; each maps to a place the gateway detects it. */
export type PenaltyCause = 'offline' | 'failed-run' | 'forged-evidence';

export const PENALTY_CAUSES: readonly PenaltyCause[] = ['offline', 'failed-run', 'forged-evidence'];

type BondParameters = EconomicsParameters['bonds'];

const PPM = 1_000_000n;
const HOUR = 3600;

// ppm of the minimum bond, rounded down.
function ofBond(ppm: number, bonds: BondParameters): bigint {
  return (BigInt(bonds.minimumBond) * BigInt(ppm)) / PPM;
}

/**
 * The penalty for `cause`: offline is `offlineBasePpm` of the minimum bond
 * for the first started hour of the outage plus `offlinePerHourPpm` for each
 * further started hour, capped at `offlineMaxPpm` (an outage of 0 s counts as
 * one started hour); a failed run is `failedRunPpm`; forged evidence is
 * `forgedEvidencePpm`. Each is rounded down to a base unit.
 *
 * @example penaltyAmount('offline', 5400, bonds) // base + 1 hour: two started hours
 */
export function penaltyAmount(cause: PenaltyCause, outageSeconds: number, bonds: BondParameters): bigint {
  switch (cause) {
    case 'offline': {
      if (!Number.isFinite(outageSeconds) || outageSeconds < 0)
        throw new TypeError('outageSeconds must be >= 0');
      const hours = Math.max(1, Math.ceil(outageSeconds / HOUR));
      const ppm = Math.min(bonds.offlineMaxPpm, bonds.offlineBasePpm + (hours - 1) * bonds.offlinePerHourPpm);
      return ofBond(ppm, bonds);
    }
    case 'failed-run':
      return ofBond(bonds.failedRunPpm, bonds);
    case 'forged-evidence':
      return ofBond(bonds.forgedEvidencePpm, bonds);
  }
}

/** Where a proposed penalty stands at `now`. */
export type AppealPhase = 'open' | 'closed';

/** The instant the appeal window of a penalty proposed at `proposedAt` closes. */
export function appealDeadline(proposedAt: Date, bonds: BondParameters): Date {
  return new Date(proposedAt.getTime() + bonds.appealWindowSeconds * 1000);
}

/**
 * `open` while the miner may still appeal (strictly before the deadline),
 * `closed` from the deadline on: an unappealed penalty is taken then, and
 * an appeal that arrives then is too late.
 */
export function appealPhase(proposedAt: Date, now: Date, bonds: BondParameters): AppealPhase {
  return now.getTime() < appealDeadline(proposedAt, bonds).getTime() ? 'open' : 'closed';
}

/** A share of a penalty: to the harmed buyer and to the platform. */
export interface PenaltySplit {
  readonly buyer: bigint;
  readonly platform: bigint;
}

/** Split `amount`: the buyer gets floor(amount × buyerSharePpm / 10^6), the platform the rest. */
export function splitPenalty(amount: bigint, bonds: BondParameters): PenaltySplit {
  if (amount < 0n) throw new TypeError('a penalty is never negative');
  const buyer = (amount * BigInt(bonds.buyerSharePpm)) / PPM;
  return { buyer, platform: amount - buyer };
}

/** What taking a penalty does to a node's bond. */
export interface Taking {
  /** Drawn from the bond now. */
  readonly fromBond: bigint;
  /** Recorded as the node's debt (what the bond did not cover). */
  readonly debt: bigint;
}

/** Take `amount` from a bond holding `bond`: as much as it holds, the rest as debt. */
export function takePenalty(amount: bigint, bond: bigint): Taking {
  if (amount < 0n || bond < 0n) throw new TypeError('amounts are never negative');
  const fromBond = amount < bond ? amount : bond;
  return { fromBond, debt: amount - fromBond };
}

/** Money coming in for a node (a bond top-up or earnings) divided between its debt and the rest. */
export interface Repayment {
  readonly toDebt: bigint;
  readonly rest: bigint;
}

/** Debt is paid first: `min(incoming, debt)` goes to it, the rest where it was going. */
export function repayFirst(incoming: bigint, debt: bigint): Repayment {
  if (incoming < 0n || debt < 0n) throw new TypeError('amounts are never negative');
  const toDebt = incoming < debt ? incoming : debt;
  return { toDebt, rest: incoming - toDebt };
}
