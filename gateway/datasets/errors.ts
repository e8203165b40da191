/**
 * The dataset catalog's one error class and its status table (docs/catalog.md).
 * Body rules a schema cannot say (a stored blob, a wrapped key that opens, a
 * price above the floor) each have their own code; ownership and state
 * conflicts have theirs.
 */
import { SealgateError } from '../../attest/index.js';

export type DatasetErrorCode =
  | 'DATASET_NOT_FOUND'
  | 'DATASET_NOT_SELLER'
  | 'DATASET_DELISTED'
  | 'DATASET_PRICE_BELOW_FLOOR'
  | 'DATASET_BLOB_MISSING'
  | 'DATASET_FINGERPRINT_MISSING'
  | 'DATASET_CUSTODY_MISMATCH'
  | 'DATASET_KEY_WRAPPED_REQUIRED'
  | 'DATASET_KEY_WRAPPED_FORBIDDEN'
  | 'DATASET_KEY_WRAPPED_MALFORMED'
  | 'DATASET_KEY_UNWRAP_FAILED'
  | 'DATASET_KEY_ID_MISMATCH';

/** An error of the dataset catalog. */
export class DatasetError extends SealgateError<DatasetErrorCode> {}

export const DATASET_STATUSES = {
  DATASET_NOT_FOUND: 404,
  DATASET_NOT_SELLER: 403,
  DATASET_DELISTED: 409,
  DATASET_PRICE_BELOW_FLOOR: 400,
  DATASET_BLOB_MISSING: 400,
  DATASET_FINGERPRINT_MISSING: 400,
  DATASET_CUSTODY_MISMATCH: 400,
  DATASET_KEY_WRAPPED_REQUIRED: 400,
  DATASET_KEY_WRAPPED_FORBIDDEN: 400,
  DATASET_KEY_WRAPPED_MALFORMED: 400,
  DATASET_KEY_UNWRAP_FAILED: 400,
  DATASET_KEY_ID_MISMATCH: 400,
} satisfies Record<DatasetErrorCode, number>;
