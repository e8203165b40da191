/**
 * What each audience sees of a listing (docs/catalog.md, "What is public").
 * The public sees what a buyer needs to decide (title, schema, price, policy,
 * size, custody, the seller's rating) and nothing a node also sees: not the
 * blob or fingerprint digests, nor the key id (it is in the envelope header),
 * so a miner cannot map the ciphertext it holds to a seller (DESIGN.md 2:
 * anonymity is a defence of the software tier). The seller sees its record
 * without the wrapped key, which it already has.
 */
import type { Static } from '@sinclair/typebox';
import type { Store } from '../store/index.js';
import type { RatingSummary, RatingTotals } from '../ratings/summary.js';
import { RATING_SUMMARIES_SUBLEVEL, summarize, summaryKey } from '../ratings/summary.js';
import type { DatasetRecord } from './record.js';
import type { PublicDataset, SellerDataset } from './schemas.js';

/** A listing as the public sees it. */
export type PublicDatasetView = Static<typeof PublicDataset>;
/** A listing as its seller sees it. */
export type SellerDatasetView = Static<typeof SellerDataset>;

// The record's arrays are readonly, the wire types' are not; views never mutate them.
type Fields = PublicDatasetView['schema'];

/** The public view of `record`; `runs` only when the caller read the record from the store. */
export function publicView(
  record: DatasetRecord,
  sellerRating: RatingSummary,
  currency: string,
  withRuns: boolean,
): PublicDatasetView {
  return {
    id: record.id,
    seller: record.seller,
    sellerRating,
    title: record.title,
    description: record.description,
    schema: record.schema as Fields,
    price: record.price,
    currency,
    policy: record.policy,
    custody: record.key.custody,
    size: record.blob.size,
    fingerprinted: record.fingerprint !== undefined,
    canaries: record.canaries?.planted ?? 0,
    status: record.status,
    ...(withRuns ? { runs: record.runs } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The seller's view of its own listing: everything but the wrapped keys. */
export function sellerView(record: DatasetRecord): SellerDatasetView {
  const { fingerprintKey, ...rest } = record;
  void fingerprintKey; // never shown: the seller has the key itself
  return {
    ...rest,
    schema: record.schema as Fields,
    key: { keyId: record.key.keyId, custody: record.key.custody },
  };
}

/**
 * The seller ratings of `sellers` in one LevelDB read (getMany), with the same
 * keys and Bayesian average as ratings/summary.ts readSummary, so a page of 50
 * listings costs one read, not 50.
 */
export async function sellerRatings(
  store: Store,
  sellers: Iterable<string>,
): Promise<Map<string, RatingSummary>> {
  const ids = [...new Set(sellers)];
  const totals = (await store
    .sublevel(RATING_SUMMARIES_SUBLEVEL)
    .getMany(ids.map((id) => summaryKey(id, 'seller')))) as (RatingTotals | undefined)[];
  return new Map(ids.map((id, i) => [id, summarize(totals[i] ?? { count: 0, sum: 0 })]));
}
