import { SealgateError } from '../errors.js';

/**
 * Codes of signed-request failures, one per rule of DESIGN §6.1, in the order
 * the verifier checks them.
 */
export type RequestErrorCode =
  /** Neither Signature-Input nor Signature is present. */
  | 'REQUEST_UNSIGNED'
  /** Signature headers or Content-Digest do not parse, or do not have the expected shape. */
  | 'REQUEST_MALFORMED'
  /** The body does not hash to the Content-Digest. */
  | 'REQUEST_DIGEST_MISMATCH'
  /** `created` is older than the allowed skew. */
  | 'REQUEST_STALE'
  /** `created` is further in the future than the allowed skew. */
  | 'REQUEST_FUTURE'
  /** The keyid names no known key. */
  | 'REQUEST_UNKNOWN_KEY'
  /** The Ed25519 signature does not verify. */
  | 'REQUEST_BAD_SIGNATURE'
  /** The nonce was seen before for this key. */
  | 'REQUEST_REPLAYED'
  /** The nonce store is full of unexpired nonces; fail closed (HTTP 503). */
  | 'REQUEST_NONCE_STORE_FULL';

/** A request that is not signed as DESIGN §6.1 requires. */
export class RequestError extends SealgateError<RequestErrorCode> {}
