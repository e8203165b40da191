/**
 * The signature base of a sealgate request, HTTP Message Signatures (RFC 9421)
 * with a fixed profile: covered components `"@method" "@path" "@query"
 * "content-digest"` (§2.2.2, §2.2.6, §2.2.7; RFC 9530), parameters
 * `created`, `nonce`, `keyid` and `alg="ed25519"` (§2.3), label `sealgate`.
 */
import type { BareItem, BareItemWithParams } from './structured-fields.js';
import { serializeInnerList } from './structured-fields.js';

/** The signature label in Signature-Input and Signature. */
export const SIGNATURE_LABEL = 'sealgate';

/** The covered components, in order. */
export const COVERED_COMPONENTS = ['@method', '@path', '@query', 'content-digest'] as const;

/** The only signature algorithm (RFC 9421 §3.3.6). */
export const SIGNATURE_ALG = 'ed25519';

/** The signature parameters of a sealgate request. */
export interface SignatureParams {
  /** Unix seconds when the request was signed. */
  readonly created: number;
  /** Single-use value, unpadded base64url of 16 to 64 bytes recommended. */
  readonly nonce: string;
  /** The signer's account or node id. */
  readonly keyid: string;
  readonly alg: typeof SIGNATURE_ALG;
}

/** What the signature covers: the request's method, target and Content-Digest field value. */
export interface CoveredRequest {
  readonly method: string;
  /** The request target in origin form: path and optional `?query`. */
  readonly target: string;
  readonly contentDigest: string;
}

/** The serialized `@signature-params` value: the inner list and its parameters (§2.3). */
export function serializeSignatureParams(params: SignatureParams): string {
  const items: BareItemWithParams[] = COVERED_COMPONENTS.map((c) => ({
    value: { type: 'string', value: c },
    params: new Map(),
  }));
  const p = new Map<string, BareItem>([
    ['created', { type: 'integer', value: params.created }],
    ['nonce', { type: 'string', value: params.nonce }],
    ['keyid', { type: 'string', value: params.keyid }],
    ['alg', { type: 'string', value: params.alg }],
  ]);
  return serializeInnerList(items, p);
}

const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Origin-form request target (RFC 9112 §3.2.1): visible ASCII, starting with '/'.
const TARGET = /^\/[\x21-\x7e]*$/;

/** True when `method` is an RFC 9110 token and `target` is an origin-form request target. */
export function isSignableRequest(method: string, target: string): boolean {
  return METHOD.test(method) && TARGET.test(target);
}

/**
 * The signature base (RFC 9421 §2.5): one line per covered component, then
 * the `@signature-params` line, joined by LF with no trailing newline.
 * `@path` is the target up to `?`; `@query` is `?` and what follows it, or a
 * lone `?` when there is no query (§2.2.7).
 */
export function signatureBase(request: CoveredRequest, serializedParams: string): string {
  if (!isSignableRequest(request.method, request.target)) {
    throw new TypeError('method must be a token and target an origin-form request target');
  }
  if (/[\r\n]/.test(request.contentDigest)) throw new TypeError('a field value has no line breaks');
  const q = request.target.indexOf('?');
  const path = q < 0 ? request.target : request.target.slice(0, q);
  const query = q < 0 ? '?' : request.target.slice(q);
  return [
    `"@method": ${request.method}`,
    `"@path": ${path}`,
    `"@query": ${query}`,
    `"content-digest": ${request.contentDigest}`,
    `"@signature-params": ${serializedParams}`,
  ].join('\n');
}
