/**
 * The rules of a listing that its schema cannot say (docs/catalog.md): the
 * policy parses (POLICY_INVALID with a JSON Pointer into the body), the price
 * is at least the floor, the blobs are stored, and the data key matches its
 * custody. In `broker` custody the wrapped key must be a sealed box of a data
 * key (SEALED_BOX_OVERHEAD + DATA_KEY_LENGTH bytes) that opens with the
 * broker's key and whose key id is the one declared: a seller who wrapped to
 * the wrong key learns it now, not at the first run.
 */
import {
  DATA_KEY_LENGTH,
  SEALED_BOX_OVERHEAD,
  base64ToBytes,
  bytesToHex,
  constantTimeEqualText,
  dataKeyId,
  isSealgateError,
  unwrapKey,
} from '../../attest/index.js';
import type { DatasetPolicy, EconomicsParameters } from '../../policies/index.js';
import { PolicyError, parseDatasetPolicy } from '../../policies/index.js';
import type { BlobLookup } from '../blobs/lookup.js';
import { DatasetError } from './errors.js';
import { belowPriceFloor } from './price.js';
import type { DatasetRecord } from './record.js';

/** The wrapped data key's length: an X25519 sealed box of a 32-byte DEK. */
export const WRAPPED_KEY_LENGTH = SEALED_BOX_OVERHEAD + DATA_KEY_LENGTH;

/** Parse a seller's policy; a bad field is named by its pointer in the request body (`/policy/...`). */
export function parsePolicyField(input: unknown): DatasetPolicy {
  try {
    return parseDatasetPolicy(input);
  } catch (err) {
    if (err instanceof PolicyError) {
      throw new PolicyError(`/policy${err.path}`, err.message.slice(err.message.indexOf(': ') + 2));
    }
    throw err;
  }
}

/** DATASET_PRICE_BELOW_FLOOR unless `price` is at least the operator's floor. */
export function checkPrice(price: string, economics: EconomicsParameters): void {
  if (belowPriceFloor(price, economics)) {
    throw new DatasetError(
      'DATASET_PRICE_BELOW_FLOOR',
      `price ${price} is below the floor of ${economics.fiat.priceFloor} ${economics.fiat.currency} base units`,
    );
  }
}

/** The size of stored blob `digest`, or `code` when the blob store does not hold it. */
export async function storedBlob(
  blobs: BlobLookup,
  digest: string,
  code: 'DATASET_BLOB_MISSING' | 'DATASET_FINGERPRINT_MISSING',
): Promise<{ digest: string; size: number }> {
  const found = await blobs.stat(digest);
  if (!found)
    throw new DatasetError(code, `blob ${digest} is not stored: upload it first (PUT /v1/blobs/:digest)`);
  return { digest, size: found.size };
}

/**
 * Check the data key against its custody and the policy (DESIGN.md 5 step 1):
 * `wrapped` is required in broker custody and refused in seller custody, and
 * `policy.release.custody` must name the same custody.
 */
export function checkKey(
  key: DatasetRecord['key'],
  policy: DatasetPolicy,
  brokerSecretKey: Uint8Array,
): void {
  if (policy.release.custody !== key.custody) {
    throw new DatasetError(
      'DATASET_CUSTODY_MISMATCH',
      `policy.release.custody is ${policy.release.custody} but key.custody is ${key.custody}`,
    );
  }
  if (key.custody === 'seller') {
    if (key.wrapped !== undefined) {
      throw new DatasetError(
        'DATASET_KEY_WRAPPED_FORBIDDEN',
        'in seller custody the data key never leaves the seller',
      );
    }
    return;
  }
  if (key.wrapped === undefined) {
    throw new DatasetError(
      'DATASET_KEY_WRAPPED_REQUIRED',
      'broker custody needs key.wrapped (the DEK sealed to GET /v1/broker)',
    );
  }
  const sealed = base64ToBytes(key.wrapped);
  if (sealed?.length !== WRAPPED_KEY_LENGTH) {
    throw new DatasetError(
      'DATASET_KEY_WRAPPED_MALFORMED',
      `key.wrapped must be ${WRAPPED_KEY_LENGTH} bytes of base64`,
    );
  }
  let dek: Uint8Array;
  try {
    dek = unwrapKey(sealed, brokerSecretKey);
  } catch (err) {
    if (!isSealgateError(err)) throw err;
    throw new DatasetError('DATASET_KEY_UNWRAP_FAILED', "key.wrapped does not open with the broker's key", {
      cause: err,
    });
  }
  try {
    if (!constantTimeEqualText(bytesToHex(dataKeyId(dek)), key.keyId)) {
      throw new DatasetError('DATASET_KEY_ID_MISMATCH', 'key.wrapped holds a data key with another key id');
    }
  } finally {
    dek.fill(0);
  }
}
