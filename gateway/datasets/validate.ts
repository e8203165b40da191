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

/** The wrapped fingerprint key's length: an X25519 sealed box of a 32-byte key. */
export const WRAPPED_FINGERPRINT_KEY_LENGTH = SEALED_BOX_OVERHEAD + 32;

/**
 * Check the fingerprint index and its key together (docs/egress-protocol.md
 * 2): each needs the other, and the key must be a sealed box of 32 bytes that
 * opens with the broker's key (whatever the data key's custody: the guard
 * scans at the gateway). The opened key is wiped; only the sealed box is kept.
 */
export function checkFingerprintKey(
  fingerprint: { readonly digest: string } | undefined,
  fingerprintKey: { readonly wrapped: string } | undefined,
  brokerSecretKey: Uint8Array,
): void {
  if (fingerprint === undefined) {
    if (fingerprintKey === undefined) return;
    throw new DatasetError('DATASET_FINGERPRINT_REQUIRED', 'fingerprintKey without a fingerprint index');
  }
  if (fingerprintKey === undefined) {
    throw new DatasetError(
      'DATASET_FINGERPRINT_KEY_REQUIRED',
      'a fingerprint index needs fingerprintKey (its key sealed to GET /v1/broker)',
    );
  }
  const sealed = base64ToBytes(fingerprintKey.wrapped);
  if (sealed?.length !== WRAPPED_FINGERPRINT_KEY_LENGTH) {
    throw new DatasetError(
      'DATASET_FINGERPRINT_KEY_MALFORMED',
      `fingerprintKey.wrapped must be ${WRAPPED_FINGERPRINT_KEY_LENGTH} bytes of base64`,
    );
  }
  try {
    unwrapKey(sealed, brokerSecretKey).fill(0);
  } catch (err) {
    if (!isSealgateError(err)) throw err;
    throw new DatasetError(
      'DATASET_FINGERPRINT_KEY_UNWRAP_FAILED',
      "fingerprintKey.wrapped does not open with the broker's key",
      { cause: err },
    );
  }
}

/** The most canaries a listing may plant (docs/canaries.md). */
export const MAX_PLANTED_CANARIES = 1000;

/**
 * Check the canary set's counts (1 to MAX_PLANTED_CANARIES planted, at least
 * as many held out) and that its blob is stored, with the size given if any.
 */
export async function checkCanaries(
  blobs: BlobLookup,
  canaries: { digest: string; size?: number; planted: number; heldOut: number },
): Promise<{ digest: string; size: number; planted: number; heldOut: number }> {
  const { planted, heldOut } = canaries;
  if (planted < 1 || planted > MAX_PLANTED_CANARIES) {
    throw new DatasetError(
      'DATASET_CANARIES_INVALID',
      `canaries.planted must be 1 to ${MAX_PLANTED_CANARIES}`,
    );
  }
  if (heldOut < planted) {
    throw new DatasetError('DATASET_CANARIES_INVALID', 'canaries.heldOut must be at least canaries.planted');
  }
  const found = await blobs.stat(canaries.digest);
  if (!found) {
    throw new DatasetError(
      'DATASET_CANARIES_MISSING',
      `blob ${canaries.digest} is not stored: upload it first (PUT /v1/blobs/:digest)`,
    );
  }
  if (canaries.size !== undefined && canaries.size !== found.size) {
    throw new DatasetError(
      'DATASET_CANARIES_INVALID',
      `canaries.size is ${canaries.size} but the stored blob has ${found.size} bytes`,
    );
  }
  return { digest: canaries.digest, size: found.size, planted, heldOut };
}
