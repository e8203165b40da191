/**
 * Ed25519 account and node keys (tweetnacl), the ids derived from them, and
 * the pure encoding of a key file document. File I/O lives in client/keystore.ts.
 *
 * An id is `acct_` or `node_` followed by the lowercase, unpadded RFC 4648
 * base32 of the first 20 bytes of SHA-256(domain label ‖ public key), where
 * the label is `sealgate/v1/account-id` or `sealgate/v1/node-id` (UTF-8).
 */
import nacl from 'tweetnacl';
import { sha256 } from '@noble/hashes/sha2.js';
import { SealgateError } from './errors.js';
import { base64ToBytes, bytesToBase32, bytesToBase64, utf8 } from './base-encoding.js';
import { constantTimeEqual } from './constant-time.js';

/** Codes of key errors. */
export type KeyErrorCode = 'KEY_INVALID' | 'KEY_FILE_MALFORMED' | 'KEY_FILE_UNSUPPORTED' | 'KEY_MISMATCH';

/** A malformed key or key file. */
export class KeyError extends SealgateError<KeyErrorCode> {}

/** Whose key: an account (seller, buyer, publisher, operator) or a miner's node. */
export type KeyKind = 'account' | 'node';

/** An Ed25519 key pair in tweetnacl's layout: 32-byte public key, 64-byte secret key (seed ‖ public key). */
export interface SigningKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

const ID_PREFIX: Record<KeyKind, string> = { account: 'acct_', node: 'node_' };
const ID_LABEL: Record<KeyKind, string> = { account: 'sealgate/v1/account-id', node: 'sealgate/v1/node-id' };
const ID_PATTERN: Record<KeyKind, RegExp> = { account: /^acct_[a-z2-7]{32}$/, node: /^node_[a-z2-7]{32}$/ };
const KEY_FILE_TYPE: Record<KeyKind, string> = { account: 'sealgate/account-key', node: 'sealgate/node-key' };
const KEY_FILE_VERSION = 1;

/** A fresh random Ed25519 key pair. */
export function generateSigningKeyPair(): SigningKeyPair {
  return nacl.sign.keyPair();
}

/** The key pair of a 32-byte Ed25519 seed (RFC 8032 §5.1.5 private key). */
export function signingKeyPairFromSeed(seed: Uint8Array): SigningKeyPair {
  if (seed.length !== nacl.sign.seedLength) throw new KeyError('KEY_INVALID', 'an Ed25519 seed is 32 bytes');
  return nacl.sign.keyPair.fromSeed(seed);
}

/**
 * The id of a public key: `acct_…` or `node_…` (37 characters).
 *
 * @example
 * ```ts
 * const { publicKey } = generateSigningKeyPair();
 * deriveKeyId('account', publicKey); // 'acct_' + 32 base32 characters
 * ```
 */
export function deriveKeyId(kind: KeyKind, publicKey: Uint8Array): string {
  if (publicKey.length !== nacl.sign.publicKeyLength) {
    throw new KeyError('KEY_INVALID', 'an Ed25519 public key is 32 bytes');
  }
  const label = utf8(ID_LABEL[kind]);
  const input = new Uint8Array(label.length + publicKey.length);
  input.set(label);
  input.set(publicKey, label.length);
  return ID_PREFIX[kind] + bytesToBase32(sha256(input).subarray(0, 20));
}

/** `deriveKeyId('account', publicKey)`. */
export function accountId(publicKey: Uint8Array): string {
  return deriveKeyId('account', publicKey);
}

/** `deriveKeyId('node', publicKey)`. */
export function nodeId(publicKey: Uint8Array): string {
  return deriveKeyId('node', publicKey);
}

/** True when `value` is spelled like an id of this kind (it does not say whose). */
export function isKeyId(kind: KeyKind, value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN[kind].test(value);
}

/** A decoded key file: the kind, the id and the key pair. */
export interface KeyFile {
  readonly kind: KeyKind;
  readonly id: string;
  readonly keyPair: SigningKeyPair;
}

/**
 * The JSON text of a key file: `{type, version, id, publicKey, secretKey}`, keys in
 * base64, `secretKey` being the 32-byte seed. Holds a secret: store it 0600.
 */
export function encodeKeyFile(kind: KeyKind, keyPair: SigningKeyPair): string {
  const seed = keyPair.secretKey.subarray(0, 32);
  const derived = signingKeyPairFromSeed(seed);
  if (!constantTimeEqual(derived.publicKey, keyPair.publicKey)) {
    throw new KeyError('KEY_MISMATCH', 'the public key does not belong to the secret key');
  }
  const doc = {
    type: KEY_FILE_TYPE[kind],
    version: KEY_FILE_VERSION,
    id: deriveKeyId(kind, keyPair.publicKey),
    publicKey: bytesToBase64(keyPair.publicKey),
    secretKey: bytesToBase64(seed),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

function field(doc: Record<string, unknown>, name: string): string {
  const value = doc[name];
  if (typeof value !== 'string')
    throw new KeyError('KEY_FILE_MALFORMED', `key file: ${name} must be a string`);
  return value;
}

function key(doc: Record<string, unknown>, name: string, length: number): Uint8Array {
  const bytes = base64ToBytes(field(doc, name));
  if (bytes?.length !== length) {
    throw new KeyError('KEY_FILE_MALFORMED', `key file: ${name} must be ${length} bytes of base64`);
  }
  return bytes;
}

/**
 * Parse and check a key file's JSON text: its shape, type and version, that
 * the public key is the one of the secret key, and that the id matches.
 * `expected` restricts the kind.
 */
export function decodeKeyFile(text: string, expected?: KeyKind): KeyFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new KeyError('KEY_FILE_MALFORMED', 'key file is not JSON', { cause: err });
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new KeyError('KEY_FILE_MALFORMED', 'key file must be a JSON object');
  }
  const record = doc as Record<string, unknown>;
  const allowed = new Set(['type', 'version', 'id', 'publicKey', 'secretKey']);
  const extra = Object.keys(record).find((k) => !allowed.has(k));
  if (extra !== undefined) throw new KeyError('KEY_FILE_MALFORMED', `key file: unexpected field ${extra}`);
  const type = field(record, 'type');
  const kind = (Object.keys(KEY_FILE_TYPE) as KeyKind[]).find((k) => KEY_FILE_TYPE[k] === type);
  if (kind === undefined || record.version !== KEY_FILE_VERSION) {
    throw new KeyError('KEY_FILE_UNSUPPORTED', `key file: unsupported type or version (${type})`);
  }
  if (expected !== undefined && kind !== expected) {
    throw new KeyError('KEY_FILE_UNSUPPORTED', `key file holds a ${kind} key, not a ${expected} key`);
  }
  const publicKey = key(record, 'publicKey', 32);
  const keyPair = signingKeyPairFromSeed(key(record, 'secretKey', 32));
  if (!constantTimeEqual(keyPair.publicKey, publicKey)) {
    throw new KeyError('KEY_MISMATCH', 'key file: the public key does not belong to the secret key');
  }
  const id = deriveKeyId(kind, publicKey);
  if (field(record, 'id') !== id)
    throw new KeyError('KEY_MISMATCH', 'key file: the id does not match the key');
  return { kind, id, keyPair };
}
