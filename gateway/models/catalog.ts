/**
 * The model catalog (DESIGN.md 5 step 2): publish, list, show, deprecate.
 * A publisher's name@version is unique: a second sublevel, `model-names`,
 * maps `publisher/name@version` to the model id and is written in the same
 * batch as the model, inside the store's write lock, so two concurrent
 * publishes cannot both pass the check. Pages read LevelDB directly, newest
 * first: models are few next to listings and change rarely.
 */
import type { ModelDescriptor } from '../../policies/index.js';
import type { Store, Sublevel } from '../store/index.js';
import { put } from '../store/index.js';
import { newId } from '../ids.js';
import { ModelError } from './errors.js';
import type { ModelRecord } from './record.js';
import { MODELS_SUBLEVEL } from './record.js';

/** `publisher/name@version` -> model id. */
export const MODEL_NAMES_SUBLEVEL = 'model-names';

/** The filters of a page of models. */
export interface ModelFilter {
  readonly publisher?: string;
  readonly name?: string;
  /** Include deprecated models (default: only published ones). */
  readonly deprecated?: boolean;
}

/** Models in LevelDB. */
export class ModelCatalog {
  private readonly sub: Sublevel;
  private readonly names: Sublevel;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date,
  ) {
    this.sub = store.sublevel(MODELS_SUBLEVEL);
    this.names = store.sublevel(MODEL_NAMES_SUBLEVEL);
  }

  /** The model `id`, or MODEL_NOT_FOUND. */
  async get(id: string): Promise<ModelRecord> {
    const found = (await this.sub.get(id)) as ModelRecord | undefined;
    if (!found) throw new ModelError('MODEL_NOT_FOUND', `no model ${id}`);
    return found;
  }

  /** Publish a checked model; MODEL_EXISTS when its publisher already has name@version. */
  async publish(
    publisher: string,
    descriptor: ModelDescriptor,
    image: ModelRecord['image'],
  ): Promise<ModelRecord> {
    const nameKey = `${publisher}/${descriptor.name}@${descriptor.version}`;
    return this.store.exclusive(async () => {
      const taken = (await this.names.get(nameKey)) as string | undefined;
      if (taken !== undefined) {
        throw new ModelError(
          'MODEL_EXISTS',
          `you already published ${descriptor.name}@${descriptor.version} as ${taken}`,
        );
      }
      const at = this.now();
      const record: ModelRecord = {
        id: newId('mdl', at),
        publisher,
        descriptor,
        image,
        status: 'published',
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
      };
      await this.store.write([put(this.sub, record.id, record), put(this.names, nameKey, record.id)]);
      return record;
    });
  }

  /** Deprecate `publisher`'s model `id` (idempotent): no new quotes; runs in flight finish. */
  async deprecate(publisher: string, id: string): Promise<ModelRecord> {
    return this.store.exclusive(async () => {
      const found = await this.get(id);
      if (found.publisher !== publisher)
        throw new ModelError('MODEL_NOT_PUBLISHER', `model ${id} is not yours`);
      if (found.status === 'deprecated') return found;
      const record: ModelRecord = { ...found, status: 'deprecated', updatedAt: this.now().toISOString() };
      await this.store.write([put(this.sub, record.id, record)]);
      return record;
    });
  }

  /** Up to `limit` models matching `filter`, newest first, older than `cursor`; `next` as in datasets. */
  async page(
    filter: ModelFilter,
    limit: number,
    cursor?: string,
  ): Promise<{ items: ModelRecord[]; next: string | null }> {
    const items: ModelRecord[] = [];
    const range = cursor === undefined ? { reverse: true } : { reverse: true, lt: cursor };
    for await (const value of this.sub.values(range)) {
      const model = value as ModelRecord;
      if (!filter.deprecated && model.status !== 'published') continue;
      if (filter.publisher !== undefined && model.publisher !== filter.publisher) continue;
      if (filter.name !== undefined && model.descriptor.name !== filter.name) continue;
      if (items.length === limit) return { items, next: items[items.length - 1]?.id ?? null };
      items.push(model);
    }
    return { items, next: null };
  }
}
