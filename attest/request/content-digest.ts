/**
 * The Content-Digest field of RFC 9530 with the `sha-256` algorithm (§2, §5):
 * `sha-256=:<base64 of SHA-256(body)>:`. The digest covers the content as
 * sent (an empty body included), so a signature over this field covers the body.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual } from '../constant-time.js';
import { serializeBareItem, parseDictionary, StructuredFieldSyntaxError } from './structured-fields.js';
import { RequestError } from './errors.js';

/** A request body: bytes, or text sent as UTF-8. */
export type RequestBody = Uint8Array | string | undefined;

/**
 * The SHA-256 of a body too large to hold, computed (or promised) by the
 * receiver: a blob upload is addressed by its digest, so the receiver checks
 * the signed Content-Digest against that address and then checks the streamed
 * bytes against the same digest as they arrive.
 */
export class BodySha256 {
  constructor(readonly digest: Uint8Array) {
    if (digest.length !== 32) throw new TypeError('a SHA-256 digest is 32 bytes');
  }
}

/** The bytes of a body (UTF-8 for text, empty for none). */
export function bodyBytes(body: RequestBody): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** The Content-Digest field value of `body` (RFC 9530 §2). */
export function contentDigest(body: RequestBody): string {
  return `sha-256=${serializeBareItem({ type: 'bytes', value: sha256(bodyBytes(body)) })}`;
}

/**
 * Check a received Content-Digest field against the body. The field must hold a
 * `sha-256` byte sequence of 32 bytes (other algorithms may sit beside it and
 * are ignored); a field that does not parse is REQUEST_MALFORMED, a wrong
 * digest REQUEST_DIGEST_MISMATCH.
 */
export function checkContentDigest(fieldValue: string, body: RequestBody | BodySha256): void {
  let dict;
  try {
    dict = parseDictionary(fieldValue);
  } catch (err) {
    if (!(err instanceof StructuredFieldSyntaxError)) throw err;
    throw new RequestError('REQUEST_MALFORMED', `Content-Digest does not parse: ${err.message}`, {
      cause: err,
    });
  }
  const member = dict.get('sha-256');
  if (member?.kind !== 'item' || member.value.type !== 'bytes' || member.value.value.length !== 32) {
    throw new RequestError('REQUEST_MALFORMED', 'Content-Digest has no sha-256 digest');
  }
  const actual = body instanceof BodySha256 ? body.digest : sha256(bodyBytes(body));
  if (!constantTimeEqual(member.value.value, actual)) {
    throw new RequestError('REQUEST_DIGEST_MISMATCH', 'the body does not match its Content-Digest');
  }
}
