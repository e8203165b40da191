/**
 * Parse, strictly, the signature headers of a request into a typed value
 * before anything is verified (RFC 9421 §3.2 steps 1-4, with sealgate's fixed
 * profile). Any deviation is REQUEST_MALFORMED; no headers at all is REQUEST_UNSIGNED.
 */
import type { Member } from './structured-fields.js';
import { parseDictionary, StructuredFieldSyntaxError } from './structured-fields.js';
import { RequestError } from './errors.js';
import type { SignatureParams } from './signature-base.js';
import {
  COVERED_COMPONENTS,
  SIGNATURE_ALG,
  SIGNATURE_LABEL,
  serializeSignatureParams,
} from './signature-base.js';

/** Request headers as Node gives them (names in any case, repeated fields as arrays). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The signature headers of a request, parsed. */
export interface ParsedSignature {
  readonly params: SignatureParams;
  /** The `@signature-params` value, re-serialized from the parsed form. */
  readonly serializedParams: string;
  readonly signature: Uint8Array;
  /** The Content-Digest field value as received (combined, trimmed). */
  readonly contentDigest: string;
}

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const KEYID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_FIELD = 4096;

/** The combined value of a field (RFC 9110 §5.3), or undefined when absent. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    values.push(...(typeof value === 'string' ? [value] : value));
  }
  return values.length === 0 ? undefined : values.map((v) => v.trim()).join(', ');
}

function malformed(message: string, cause?: unknown): never {
  throw new RequestError('REQUEST_MALFORMED', message, cause === undefined ? undefined : { cause });
}

function onlyMember(field: string, value: string): Member {
  if (value.length > MAX_FIELD) malformed(`${field} is too long`);
  let dict;
  try {
    dict = parseDictionary(value);
  } catch (err) {
    if (!(err instanceof StructuredFieldSyntaxError)) throw err;
    return malformed(`${field} does not parse: ${err.message}`, err);
  }
  const member = dict.get(SIGNATURE_LABEL);
  if (dict.size !== 1 || member === undefined)
    malformed(`${field} must hold exactly the '${SIGNATURE_LABEL}' label`);
  return member;
}

function params(member: Member): SignatureParams {
  if (member.kind !== 'list') return malformed('Signature-Input must be an inner list');
  const components = member.items.map((i) =>
    i.value.type === 'string' && i.params.size === 0 ? i.value.value : '',
  );
  if (components.join(' ') !== COVERED_COMPONENTS.join(' ')) {
    malformed(`Signature-Input must cover exactly ${COVERED_COMPONENTS.join(' ')}`);
  }
  const names = [...member.params.keys()].sort().join(',');
  if (names !== 'alg,created,keyid,nonce')
    malformed('Signature-Input must have exactly created, nonce, keyid, alg');
  const created = member.params.get('created');
  const nonce = member.params.get('nonce');
  const keyid = member.params.get('keyid');
  const alg = member.params.get('alg');
  if (created?.type !== 'integer' || created.value < 0) malformed('created must be a non-negative integer');
  if (nonce?.type !== 'string' || !NONCE.test(nonce.value))
    malformed('nonce must be 16-128 base64url characters');
  if (keyid?.type !== 'string' || !KEYID.test(keyid.value)) malformed('keyid is not a key id');
  if (alg?.type !== 'string' || alg.value !== SIGNATURE_ALG) malformed(`alg must be "${SIGNATURE_ALG}"`);
  return { created: created.value, nonce: nonce.value, keyid: keyid.value, alg: SIGNATURE_ALG };
}

/** Parse the Signature-Input, Signature and Content-Digest fields of a request. */
export function parseSignatureHeaders(headers: RequestHeaders): ParsedSignature {
  const input = headerValue(headers, 'signature-input');
  const sig = headerValue(headers, 'signature');
  if (input === undefined && sig === undefined) {
    throw new RequestError('REQUEST_UNSIGNED', 'the request is not signed');
  }
  if (input === undefined || sig === undefined) malformed('Signature-Input and Signature come together');
  const parsed = params(onlyMember('Signature-Input', input));
  const signature = onlyMember('Signature', sig);
  if (signature.kind !== 'item' || signature.value.type !== 'bytes' || signature.value.value.length !== 64) {
    malformed('Signature must be a 64-byte byte sequence');
  }
  if (signature.params.size !== 0) malformed('Signature takes no parameters');
  const contentDigest = headerValue(headers, 'content-digest');
  if (contentDigest === undefined) malformed('Content-Digest is missing');
  if (contentDigest.length > MAX_FIELD) malformed('Content-Digest is too long');
  return {
    params: parsed,
    serializedParams: serializeSignatureParams(parsed),
    signature: signature.value.value,
    contentDigest,
  };
}
