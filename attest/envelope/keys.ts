/**
 * Data keys and the per-file keys derived from them. A data key (DEK) is 32
 * random bytes; each envelope draws a fresh 32-byte salt and derives its own
 * AES-256-GCM key and header MAC key with HKDF-SHA256 (RFC 5869), under
 * distinct info labels, as Tink's AES-GCM-HKDF streaming AEAD does.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { expand, extract, hkdf } from '@noble/hashes/hkdf.js';
import { KEY_ID_LENGTH } from './format.js';

export const DATA_KEY_LENGTH = 32;

const encoder = new TextEncoder();
const LABEL_KEY_ID = encoder.encode('sealgate/envelope/v1 key-id');
const LABEL_AEAD = encoder.encode('sealgate/envelope/v1 aes-256-gcm');
const LABEL_HEADER_MAC = encoder.encode('sealgate/envelope/v1 header-mac');

/** The keys of one envelope, derived from the data key and the header's salt. */
export interface FileKeys {
  /** The AES-256 key of the chunks, for the envelope's `ChunkCipher`. */
  readonly aeadKey: Uint8Array;
  /** The same key for WebCrypto AES-GCM, imported only on the failure path (diagnose.ts). */
  gcm(): Promise<CryptoKey>;
  /** The same key for WebCrypto AES-CTR, imported only on the failure path. */
  ctr(): Promise<CryptoKey>;
  /** HMAC-SHA256 key of the header MAC. */
  readonly macKey: Uint8Array;
}

/** The platform's WebCrypto; a TypeError where there is none. */
export function subtle(): SubtleCrypto {
  const s = globalThis.crypto?.subtle;
  if (s === undefined) throw new TypeError('WebCrypto (globalThis.crypto.subtle) is not available');
  return s;
}

/** Throws a TypeError unless `key` is a 32-byte data key. */
export function assertDataKey(key: unknown): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== DATA_KEY_LENGTH) {
    throw new TypeError(`a data key is a Uint8Array of ${DATA_KEY_LENGTH} bytes`);
  }
}

/** Fill a new array with `length` bytes from the platform's CSPRNG. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

/**
 * A fresh random 32-byte data key (DEK).
 *
 * @example
 * ```ts
 * const dek = generateDataKey();
 * const sealed = await encryptBytes(data, { key: dek });
 * ```
 */
export function generateDataKey(): Uint8Array {
  return randomBytes(DATA_KEY_LENGTH);
}

/**
 * The 16-byte key id of a data key: HKDF-SHA256 of the key under its own
 * label. It commits to the key (a reader with a different key sees a different
 * id) and reveals nothing about it.
 */
export function keyId(dek: Uint8Array): Uint8Array {
  assertDataKey(dek);
  return hkdf(sha256, dek, undefined, LABEL_KEY_ID, KEY_ID_LENGTH);
}

/** The header MAC: HMAC-SHA256 under the file's MAC key over the header body. */
export function headerMac(macKey: Uint8Array, body: Uint8Array): Uint8Array {
  return hmac(sha256, macKey, body);
}

/** Derive the keys of one envelope (RFC 5869: extract with the salt, expand per label). */
export function deriveFileKeys(dek: Uint8Array, salt: Uint8Array): FileKeys {
  assertDataKey(dek);
  const prk = extract(sha256, dek, salt);
  const aeadKey = new Uint8Array(expand(sha256, prk, LABEL_AEAD, 32));
  const macKey = expand(sha256, prk, LABEL_HEADER_MAC, 32);
  prk.fill(0);
  const imported: Partial<Record<'AES-GCM' | 'AES-CTR', Promise<CryptoKey>>> = {};
  const importAs = (name: 'AES-GCM' | 'AES-CTR'): Promise<CryptoKey> =>
    (imported[name] ??= subtle().importKey('raw', aeadKey, name, false, ['encrypt', 'decrypt']));
  return { aeadKey, macKey, gcm: () => importAs('AES-GCM'), ctr: () => importAs('AES-CTR') };
}
