/**
 * The in-memory index of listed datasets behind `GET /v1/datasets`: rebuilt
 * from LevelDB at start, updated by the catalog right after each committed
 * write (inside the store's write lock), so a page never touches the disk but
 * for the sellers' ratings. Ids sort by creation time (gateway/ids.ts); pages
 * run newest first and a cursor is the last id of the previous page.
 * It holds only what the catalog writes: the run count (written by runs) is
 * read from the store by the detail route, never from here.
 */
import type { Sublevel } from '../store/index.js';
import type { DatasetRecord } from './record.js';

/** The filters of a page; all optional, all must hold. */
export interface ListingFilter {
  readonly seller?: string;
  /** Fiat base units, inclusive. */
  readonly maxPrice?: bigint;
  /** A model image digest the dataset's policy must allow (an empty allowlist allows any). */
  readonly modelDigest?: string;
  /** A case-insensitive substring of the title or description. */
  readonly q?: string;
}

interface Entry {
  readonly record: DatasetRecord;
  readonly price: bigint;
  readonly haystack: string;
  readonly allowed: ReadonlySet<string>;
}

/** Listed datasets by id, in id (creation) order. */
export class ListingIndex {
  private readonly entries = new Map<string, Entry>();
  /** Ids of listed datasets, ascending. */
  private readonly ids: string[] = [];

  /** Build the index from every stored listing. */
  static async load(datasets: Sublevel): Promise<ListingIndex> {
    const index = new ListingIndex();
    for await (const value of datasets.values()) index.set(value as DatasetRecord);
    return index;
  }

  /** How many datasets are listed. */
  get size(): number {
    return this.ids.length;
  }

  /** Record `record` as written: a listed one is added or replaced, a delisted one removed. */
  set(record: DatasetRecord): void {
    const known = this.entries.has(record.id);
    if (record.status !== 'listed') {
      if (known) {
        this.entries.delete(record.id);
        this.ids.splice(this.lowerBound(record.id), 1);
      }
      return;
    }
    this.entries.set(record.id, {
      record,
      price: BigInt(record.price),
      haystack: `${record.title}\n${record.description}`.toLowerCase(),
      allowed: new Set(record.policy.release.allowedModels),
    });
    if (known) return;
    // new ids are nearly always the newest: append, else insert in order
    const last = this.ids[this.ids.length - 1];
    if (last === undefined || last < record.id) this.ids.push(record.id);
    else this.ids.splice(this.lowerBound(record.id), 0, record.id);
  }

  /**
   * Up to `limit` listings matching `filter`, newest first, strictly older
   * than `cursor` when given; `next` is the cursor of the following page, or
   * null when no further listing matches.
   */
  page(
    filter: ListingFilter,
    limit: number,
    cursor?: string,
  ): { items: DatasetRecord[]; next: string | null } {
    const q = filter.q?.toLowerCase();
    const items: DatasetRecord[] = [];
    const start = cursor === undefined ? this.ids.length - 1 : this.lowerBound(cursor) - 1;
    for (let i = start; i >= 0; i--) {
      const entry = this.entries.get(this.ids[i]) as Entry;
      if (filter.seller !== undefined && entry.record.seller !== filter.seller) continue;
      if (filter.maxPrice !== undefined && entry.price > filter.maxPrice) continue;
      // An empty allowlist admits no model (gateway/runs/policy.ts modelAllowed).
      if (filter.modelDigest !== undefined && !entry.allowed.has(filter.modelDigest)) continue;
      if (q !== undefined && !entry.haystack.includes(q)) continue;
      if (items.length === limit) return { items, next: items[items.length - 1]?.id ?? null };
      items.push(entry.record);
    }
    return { items, next: null };
  }

  /** The first position whose id is not less than `id` (binary search). */
  private lowerBound(id: string): number {
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
