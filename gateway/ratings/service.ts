/**
 * Rating a trade (DESIGN.md 5 step 10, section 9): after a run settles, its
 * buyer rates the seller and its seller rates the buyer, once each, 1-5
 * stars with a comment. The rating (sublevel `ratings`, key
 * `${runId}/${side}`) and the rated account's aggregate (summary.ts) are
 * written in one batch under the store's lock, so the aggregate always equals
 * the ratings and a second rating by the same side cannot slip in.
 */
import { newId } from '../ids.js';
import type { RunRecord } from '../runs/record.js';
import { RUNS_SUBLEVEL } from '../runs/record.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { RatingError } from './errors.js';
import type { RatingSide, RatingTotals } from './summary.js';
import { RATING_SUMMARIES_SUBLEVEL, summaryKey } from './summary.js';

export const RATINGS_SUBLEVEL = 'ratings';

/** A stored rating. */
export interface RatingRecord {
  /** `rt_…`. */
  readonly id: string;
  readonly run: string;
  /** Who rated, and who was rated on which side of the trade. */
  readonly by: string;
  readonly of: string;
  readonly side: RatingSide;
  readonly stars: 1 | 2 | 3 | 4 | 5;
  readonly comment: string;
  readonly createdAt: string;
}

/** What a party sends. */
export interface RatingInput {
  readonly stars: number;
  readonly comment?: string;
}

/** Which side `rater` rates on `run`, or RATING_RUN_NOT_FOUND for a non-party. */
export function sideRatedBy(run: RunRecord, rater: string): RatingSide {
  if (run.buyer === rater && run.seller === rater) {
    throw new RatingError('RATING_SELF_TRADE', 'a run on your own dataset cannot be rated');
  }
  if (run.buyer === rater) return 'seller';
  if (run.seller === rater) return 'buyer';
  throw new RatingError('RATING_RUN_NOT_FOUND', `no run ${run.id}`);
}

/**
 * Rate run `runId` as `rater`. The stars are an integer 1-5 and the comment
 * at most 1000 characters (the route's schema checks both; a TypeError here).
 */
export async function rateRun(
  store: Store,
  now: () => Date,
  runId: string,
  rater: string,
  input: RatingInput,
): Promise<RatingRecord> {
  const comment = input.comment ?? '';
  if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5 || comment.length > 1000) {
    throw new TypeError('stars is an integer 1-5 and comment at most 1000 characters');
  }
  return store.exclusive(async () => {
    const run = await store.get<RunRecord>(store.sublevel(RUNS_SUBLEVEL), runId);
    if (!run) throw new RatingError('RATING_RUN_NOT_FOUND', `no run ${runId}`);
    const side = sideRatedBy(run, rater);
    if (run.state !== 'settled') {
      throw new RatingError('RATING_NOT_SETTLED', `a ${run.state} run cannot be rated; only a settled one`);
    }
    const ratings = store.sublevel(RATINGS_SUBLEVEL);
    const key = `${runId}/${side}`;
    if ((await store.get(ratings, key)) !== undefined) {
      throw new RatingError('RATING_ALREADY_RATED', `the ${side} of ${runId} is already rated`);
    }
    const at = now();
    const of = side === 'seller' ? run.seller : run.buyer;
    const rating: RatingRecord = {
      id: newId('rt', at),
      run: runId,
      by: rater,
      of,
      side,
      stars: input.stars as RatingRecord['stars'],
      comment,
      createdAt: at.toISOString(),
    };
    const summaries = store.sublevel(RATING_SUMMARIES_SUBLEVEL);
    const totals = (await store.get<RatingTotals>(summaries, summaryKey(of, side))) ?? { count: 0, sum: 0 };
    await store.write([
      put(ratings, key, rating),
      put(summaries, summaryKey(of, side), { count: totals.count + 1, sum: totals.sum + rating.stars }),
    ]);
    return rating;
  });
}

/** The ratings of run `runId` (zero, one or two). */
export async function ratingsOfRun(store: Store, runId: string): Promise<RatingRecord[]> {
  const out: RatingRecord[] = [];
  for await (const value of store.sublevel(RATINGS_SUBLEVEL).values({ gt: `${runId}/`, lt: `${runId}/~` }))
    out.push(value as RatingRecord);
  return out;
}
