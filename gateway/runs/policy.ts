/**
 * What a quote and a start check against the catalog (DESIGN.md 5 step 3,
 * 7.3): the dataset is listed, the model published, the model allowed by the
 * dataset's key-release policy, and — when the run would start — the run
 * count, the policy's expiry and the buyer's rating. Each failed rule has its
 * own code. The catalog records are read, never written, except the run count.
 */
import type { DatasetRecord } from '../datasets/record.js';
import { DATASETS_SUBLEVEL } from '../datasets/record.js';
import type { ModelRecord } from '../models/record.js';
import { MODELS_SUBLEVEL } from '../models/record.js';
import type { Store } from '../store/index.js';
import { RunError } from './errors.js';

/** The dataset `id`, or RUN_DATASET_NOT_FOUND. */
export async function loadDataset(store: Store, id: string): Promise<DatasetRecord> {
  const found = await store.get<DatasetRecord>(store.sublevel(DATASETS_SUBLEVEL), id);
  if (!found) throw new RunError('RUN_DATASET_NOT_FOUND', `no dataset ${id}`);
  return found;
}

/** The model `id`, or RUN_MODEL_NOT_FOUND. */
export async function loadModel(store: Store, id: string): Promise<ModelRecord> {
  const found = await store.get<ModelRecord>(store.sublevel(MODELS_SUBLEVEL), id);
  if (!found) throw new RunError('RUN_MODEL_NOT_FOUND', `no model ${id}`);
  return found;
}

/**
 * True when the dataset's policy lets the model's image run on it: the
 * allowlist names the image digest. An empty list admits no model (the seller
 * has not chosen any yet): allowlists are explicit (STYLE.md), and the key
 * broker reads the list the same way (docs/policies.md).
 */
export function modelAllowed(dataset: DatasetRecord, model: ModelRecord): boolean {
  const allowed = dataset.policy.release.allowedModels;
  return allowed.includes(model.image.digest);
}

/** What a policy check needs besides the records. */
export interface PolicyContext {
  readonly now: Date;
  /** The buyer's Bayesian-average rating as a buyer (gateway/ratings/summary.ts). */
  readonly buyerScore: number;
}

/**
 * Check every rule a run on `dataset` with `model` for a buyer must meet;
 * throws the first rule's code. New buyers have the prior's score (3), so a
 * policy asking for more than 3 admits only buyers rated above it.
 */
export function checkPolicy(dataset: DatasetRecord, model: ModelRecord, ctx: PolicyContext): void {
  if (dataset.status !== 'listed') throw new RunError('RUN_DATASET_DELISTED', `${dataset.id} is delisted`);
  if (model.status !== 'published') throw new RunError('RUN_MODEL_DEPRECATED', `${model.id} is deprecated`);
  const release = dataset.policy.release;
  if (!modelAllowed(dataset, model)) {
    throw new RunError('RUN_MODEL_NOT_ALLOWED', `the policy of ${dataset.id} does not allow ${model.id}`);
  }
  if (release.expiresAt !== null && ctx.now.getTime() >= Date.parse(release.expiresAt)) {
    throw new RunError('RUN_DATASET_EXPIRED', `the policy of ${dataset.id} expired at ${release.expiresAt}`);
  }
  if (release.maxRuns !== null && dataset.runs >= release.maxRuns) {
    throw new RunError('RUN_DATASET_RUNS_EXHAUSTED', `${dataset.id} has served its ${release.maxRuns} runs`);
  }
  if (ctx.buyerScore < release.minBuyerRating) {
    throw new RunError(
      'RUN_BUYER_RATING_TOO_LOW',
      `the buyer's rating ${ctx.buyerScore} is below the ${release.minBuyerRating} this dataset asks`,
    );
  }
}
