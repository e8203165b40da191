/**
 * The ledger transactions of a run (DESIGN.md 9), pure: the escrow at start,
 * the settlement (used amount split by the frozen basis points, the rest back
 * to the buyer) and the full refund. Each has the run's idempotency key, so a
 * retried request can never move money twice.
 */
import type { Posting, TransactionInput } from '../ledger/index.js';
import { splitSettlement } from '../ledger/index.js';
import type { RunUsed } from './price.js';
import { usedTokens } from './price.js';
import type { RunRecord } from './record.js';

/** The ledger account of a gateway account. */
export function userAccount(accountId: string): string {
  return `user:${accountId}`;
}

/** The escrow account of a run. */
export function escrowAccount(runId: string): string {
  return `escrow:${runId}`;
}

type RunParties = Pick<RunRecord, 'id' | 'buyer' | 'seller' | 'publisher' | 'price' | 'steps' | 'quote'>;

// One posting per account, zero postings dropped (the ledger refuses zero amounts).
function merged(postings: readonly Posting[]): Posting[] {
  const sums = new Map<string, bigint>();
  for (const p of postings) sums.set(p.account, (sums.get(p.account) ?? 0n) + p.amount);
  return [...sums].filter(([, amount]) => amount !== 0n).map(([account, amount]) => ({ account, amount }));
}

/** The escrow at start: the quoted tokens from the buyer to the run's escrow account. */
export function escrowTransaction(run: RunParties): TransactionInput {
  const tokens = BigInt(run.price.tokens);
  return {
    key: `escrow:${run.id}`,
    kind: 'escrow',
    postings: [
      { account: userAccount(run.buyer), amount: -tokens },
      { account: escrowAccount(run.id), amount: tokens },
    ],
    memo: 'escrow of a run',
    ref: run.id,
    meta: {
      quote: run.quote,
      rateFiat: run.price.rate.fiat,
      rateTokens: run.price.rate.tokens,
      split: [
        run.price.split.sellerBps,
        run.price.split.publisherBps,
        run.price.split.minerBps,
        run.price.split.platformBps,
      ].join('/'),
    },
  };
}

/** The settlement amounts as a run stores them. */
export type Settlement = NonNullable<RunRecord['settlement']>;

/**
 * The settlement of a run that used `usage` (a step count, or the receipt's
 * usage for by-use pricing) on `miner`'s node: the used tokens split
 * seller/publisher/miner/platform (the platform takes rounding), the rest of
 * the escrow refunded to the buyer; the escrow ends at zero.
 */
export function settleTransaction(
  run: RunParties,
  miner: string,
  usage: number | RunUsed,
): { tx: TransactionInput; settlement: Settlement } {
  const escrow = BigInt(run.price.tokens);
  const used = usedTokens(run.price, run.steps, usage);
  const steps = typeof usage === 'number' ? usage : usage.steps;
  const shares = splitSettlement(used, run.price.split);
  const refund = escrow - used;
  const tx: TransactionInput = {
    key: `settle:${run.id}`,
    kind: 'settle',
    postings: merged([
      { account: escrowAccount(run.id), amount: -escrow },
      { account: userAccount(run.seller), amount: shares.seller },
      { account: userAccount(run.publisher), amount: shares.publisher },
      { account: userAccount(miner), amount: shares.miner },
      { account: 'platform', amount: shares.platform },
      { account: userAccount(run.buyer), amount: refund },
    ]),
    memo: 'settlement of a run',
    ref: run.id,
    meta: { usedTokens: String(used), steps: String(steps) },
  };
  const settlement: Settlement = {
    seller: String(shares.seller),
    publisher: String(shares.publisher),
    miner: String(shares.miner),
    platform: String(shares.platform),
    refund: String(refund),
  };
  return { tx, settlement };
}

/** The full refund of a failed, cancelled or flagged run: the escrow back to the buyer. */
export function refundTransaction(run: RunParties, why: string): TransactionInput {
  const tokens = BigInt(run.price.tokens);
  return {
    key: `refund:${run.id}`,
    kind: 'refund',
    postings: [
      { account: escrowAccount(run.id), amount: -tokens },
      { account: userAccount(run.buyer), amount: tokens },
    ],
    memo: `refund of a ${why} run`,
    ref: run.id,
  };
}
