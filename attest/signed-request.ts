/**
 * Signed requests (DESIGN §6.1): every state-changing request carries an
 * HTTP Message Signature (RFC 9421) by an account or node key over its
 * method, path, query and body digest (RFC 9530 Content-Digest), with a
 * timestamp and a single-use nonce. See docs/protocols.md for an example.
 */
import nacl from 'tweetnacl';
import type { SigningKeyPair } from './keys.js';
import { randomNonce } from './random.js';
import { utf8 } from './base-encoding.js';
import { serializeBareItem } from './request/structured-fields.js';
import { RequestError } from './request/errors.js';
import type { BodySha256, RequestBody } from './request/content-digest.js';
import { checkContentDigest, contentDigest } from './request/content-digest.js';
import type { NonceStore } from './request/nonce-store.js';
import type { RequestHeaders } from './request/parse-signature.js';
import { parseSignatureHeaders } from './request/parse-signature.js';
import type { SignatureParams } from './request/signature-base.js';
import {
  SIGNATURE_ALG,
  SIGNATURE_LABEL,
  isSignableRequest,
  serializeSignatureParams,
  signatureBase,
} from './request/signature-base.js';

/** What {@link signRequest} signs. */
export interface SignRequestInput {
  readonly method: string;
  /** Origin-form request target: path and optional query, e.g. `/v1/runs?dry=1`. */
  readonly path: string;
  readonly body?: RequestBody;
  readonly key: SigningKeyPair;
  /** The signer's id (`acct_…` or `node_…`). */
  readonly keyId: string;
  readonly now: Date;
  /** Defaults to 16 fresh random bytes in base64url. */
  readonly nonce?: string;
}

/** The headers of a signed request (lowercase names). */
export interface SignedRequestHeaders {
  readonly 'content-digest': string;
  readonly 'signature-input': string;
  readonly signature: string;
}

/**
 * Sign a request; add the returned headers to it and send `body` unchanged.
 *
 * @example
 * ```ts
 * const headers = signRequest({ method: 'POST', path: '/v1/runs', body, key, keyId, now: new Date() });
 * await fetch(url, { method: 'POST', body, headers: { ...headers, 'content-type': 'application/json' } });
 * ```
 */
export function signRequest(input: SignRequestInput): SignedRequestHeaders {
  if (!isSignableRequest(input.method, input.path)) {
    throw new TypeError('method must be a token and path an origin-form request target');
  }
  if (input.key.secretKey.length !== nacl.sign.secretKeyLength) {
    throw new TypeError('an Ed25519 secret key is 64 bytes');
  }
  const params: SignatureParams = {
    created: Math.floor(input.now.getTime() / 1000),
    nonce: input.nonce ?? randomNonce(),
    keyid: input.keyId,
    alg: SIGNATURE_ALG,
  };
  const serializedParams = serializeSignatureParams(params);
  const digest = contentDigest(input.body);
  const base = signatureBase(
    { method: input.method, target: input.path, contentDigest: digest },
    serializedParams,
  );
  const signature = nacl.sign.detached(utf8(base), input.key.secretKey);
  return {
    'content-digest': digest,
    'signature-input': `${SIGNATURE_LABEL}=${serializedParams}`,
    signature: `${SIGNATURE_LABEL}=${serializeBareItem({ type: 'bytes', value: signature })}`,
  };
}

/** A received request, as the server saw it. */
export interface ReceivedRequest {
  readonly method: string;
  /** The raw request target (Node's `req.url`). */
  readonly path: string;
  readonly headers: RequestHeaders;
  /** The body, or for a streamed body its SHA-256 (the caller then checks the stream against it). */
  readonly body?: RequestBody | BodySha256;
}

/** How to verify: key lookup, replay store, clock and allowed skew. */
export interface VerifyRequestOptions {
  /** The Ed25519 public key of a key id, or undefined when there is none (or it is disabled). */
  readonly resolveKey: (keyId: string) => Promise<Uint8Array | undefined>;
  readonly nonces: NonceStore;
  readonly now: Date;
  /** Allowed clock difference either way, in seconds (default 60). */
  readonly skewSeconds?: number;
}

/** Who signed a verified request, and when. */
export interface VerifiedRequest {
  readonly keyId: string;
  readonly created: number;
  readonly nonce: string;
}

/**
 * Verify a signed request: parse the headers strictly, then check the body
 * digest, the timestamp, the signature, and last the nonce (so a forged
 * request cannot burn a legitimate nonce). Throws a RequestError whose code
 * names the first rule that failed.
 */
export async function verifyRequest(
  request: ReceivedRequest,
  options: VerifyRequestOptions,
): Promise<VerifiedRequest> {
  const skew = options.skewSeconds ?? 60;
  if (!Number.isInteger(skew) || skew < 0) throw new TypeError('skewSeconds must be a non-negative integer');
  const parsed = parseSignatureHeaders(request.headers);
  if (!isSignableRequest(request.method, request.path)) {
    throw new RequestError('REQUEST_MALFORMED', 'the request target is not in origin form');
  }
  checkContentDigest(parsed.contentDigest, request.body);
  const { created, nonce, keyid } = parsed.params;
  const now = Math.floor(options.now.getTime() / 1000);
  if (created < now - skew)
    throw new RequestError('REQUEST_STALE', `the request was signed more than ${skew}s ago`);
  if (created > now + skew)
    throw new RequestError('REQUEST_FUTURE', `the request is signed more than ${skew}s ahead`);
  const publicKey = await options.resolveKey(keyid);
  if (publicKey?.length !== nacl.sign.publicKeyLength) {
    throw new RequestError('REQUEST_UNKNOWN_KEY', 'the request is signed by an unknown key');
  }
  const base = signatureBase(
    { method: request.method, target: request.path, contentDigest: parsed.contentDigest },
    parsed.serializedParams,
  );
  if (!nacl.sign.detached.verify(utf8(base), parsed.signature, publicKey)) {
    throw new RequestError('REQUEST_BAD_SIGNATURE', 'the request signature does not verify');
  }
  if (!(await options.nonces.remember(keyid, nonce, created + skew))) {
    throw new RequestError('REQUEST_REPLAYED', 'the request nonce was already used');
  }
  return { keyId: keyid, created, nonce };
}
