/**
 * Rating aggregates (DESIGN.md 9): per account and side, the count and sum of
 * stars, kept in sublevel `rating-summaries` under `${accountId}/${side}` and
 * updated in the same batch as the rating itself. Shown as a Bayesian average:
 * a few ratings move an account only a little away from the prior, so one
 * 5-star rating does not outrank a hundred 4.8s.
 */
import type { Store } from '../store/index.js';

export const RATING_SUMMARIES_SUBLEVEL = 'rating-summaries';

/** Which side of a trade was rated: the seller (by a buyer) or the buyer (by a seller). */
export type RatingSide = 'seller' | 'buyer';

/** The stored aggregate. */
export interface RatingTotals {
  readonly count: number;
  readonly sum: number;
}

/** What listings and profiles show. */
export interface RatingSummary {
  readonly count: number;
  /** Plain mean of the stars, or null with no ratings. */
  readonly mean: number | null;
  /** The Bayesian average, 1-5 (the prior alone with no ratings). */
  readonly score: number;
}

/** The prior: as if every account started with `weight` ratings of `mean` stars. */
export const RATING_PRIOR = { mean: 3, weight: 5 } as const;

/** The Bayesian average of `totals` under {@link RATING_PRIOR}, rounded to 2 decimals. */
export function summarize(totals: RatingTotals): RatingSummary {
  const { mean, weight } = RATING_PRIOR;
  const score = (mean * weight + totals.sum) / (weight + totals.count);
  return {
    count: totals.count,
    mean: totals.count === 0 ? null : Math.round((totals.sum / totals.count) * 100) / 100,
    score: Math.round(score * 100) / 100,
  };
}

/** The key of an aggregate. */
export function summaryKey(account: string, side: RatingSide): string {
  return `${account}/${side}`;
}

/** The rating summary of `account` on `side`. */
export async function readSummary(store: Store, account: string, side: RatingSide): Promise<RatingSummary> {
  const totals = (await store.sublevel(RATING_SUMMARIES_SUBLEVEL).get(summaryKey(account, side))) as
    RatingTotals | undefined;
  return summarize(totals ?? { count: 0, sum: 0 });
}
