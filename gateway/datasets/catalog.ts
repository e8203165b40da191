/**
 * The dataset catalog's state changes (DESIGN.md 5 step 1): list, reprice or
 * re-police, delist. Each runs inside the store's write lock, re-reads the
 * record there (runs may have bumped its run count), writes one synced batch,
 * and only then updates the in-memory listing index.
 */
import type { DatasetPolicy } from '../../policies/index.js';
import type { Store, Sublevel } from '../store/index.js';
import { put } from '../store/index.js';
import { newId } from '../ids.js';
import { DatasetError } from './errors.js';
import { ListingIndex } from './listing-index.js';
import type { DatasetRecord } from './record.js';
import { DATASETS_SUBLEVEL } from './record.js';

/** A checked new listing: everything but what the catalog assigns. */
export type NewDataset = Omit<DatasetRecord, 'id' | 'status' | 'runs' | 'createdAt' | 'updatedAt'>;

/** A checked change by the seller. */
export interface DatasetChange {
  readonly price?: string;
  readonly policy?: DatasetPolicy;
}

/** Datasets in LevelDB plus the index of listed ones. */
export class DatasetCatalog {
  private constructor(
    private readonly store: Store,
    private readonly sub: Sublevel,
    readonly index: ListingIndex,
    private readonly now: () => Date,
  ) {}

  /** Open the catalog over `store`, rebuilding the listing index. */
  static async open(store: Store, now: () => Date): Promise<DatasetCatalog> {
    const sub = store.sublevel(DATASETS_SUBLEVEL);
    return new DatasetCatalog(store, sub, await ListingIndex.load(sub), now);
  }

  /** The dataset `id` as stored, or DATASET_NOT_FOUND. */
  async get(id: string): Promise<DatasetRecord> {
    const found = (await this.sub.get(id)) as DatasetRecord | undefined;
    if (!found) throw new DatasetError('DATASET_NOT_FOUND', `no dataset ${id}`);
    return found;
  }

  /** List a new dataset. */
  async create(input: NewDataset): Promise<DatasetRecord> {
    return this.store.exclusive(async () => {
      const at = this.now();
      const record: DatasetRecord = {
        id: newId('ds', at),
        ...input,
        status: 'listed',
        runs: 0,
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      };
      await this.commit(record);
      return record;
    });
  }

  /**
   * Change the price and/or policy of `seller`'s listed dataset `id`; runs
   * started later see it. The policy must keep the key's custody.
   */
  async update(seller: string, id: string, change: DatasetChange): Promise<DatasetRecord> {
    return this.store.exclusive(async () => {
      const found = await this.owned(seller, id);
      if (found.status !== 'listed') throw new DatasetError('DATASET_DELISTED', `dataset ${id} is delisted`);
      // the data key cannot change, so neither can the custody the policy names
      if (change.policy && change.policy.release.custody !== found.key.custody) {
        throw new DatasetError(
          'DATASET_CUSTODY_MISMATCH',
          `policy.release.custody must stay ${found.key.custody}: the data key cannot change`,
        );
      }
      const record: DatasetRecord = {
        ...found,
        ...(change.price === undefined ? {} : { price: change.price }),
        ...(change.policy === undefined ? {} : { policy: change.policy }),
        updatedAt: this.now().toISOString(),
      };
      await this.commit(record);
      return record;
    });
  }

  /** Delist `seller`'s dataset `id` (idempotent): no new quotes or runs; runs in flight finish. */
  async delist(seller: string, id: string): Promise<DatasetRecord> {
    return this.store.exclusive(async () => {
      const found = await this.owned(seller, id);
      if (found.status === 'delisted') return found;
      const record: DatasetRecord = { ...found, status: 'delisted', updatedAt: this.now().toISOString() };
      await this.commit(record);
      return record;
    });
  }

  private async owned(seller: string, id: string): Promise<DatasetRecord> {
    const found = await this.get(id);
    if (found.seller !== seller) throw new DatasetError('DATASET_NOT_SELLER', `dataset ${id} is not yours`);
    return found;
  }

  private async commit(record: DatasetRecord): Promise<void> {
    await this.store.write([put(this.sub, record.id, record)]);
    this.index.set(record);
  }
}
