/**
 * Key wrapping: an anonymous sealed box to an X25519 public key, built from
 * tweetnacl's `box` (X25519 + XSalsa20-Poly1305, NaCl crypto_box).
 *
 * Format: `epk (32) ‖ box(plaintext)` where epk is a fresh ephemeral public key
 * and the 24-byte nonce is the first 24 bytes of SHA-512(epk ‖ recipient public
 * key) (tweetnacl's `nacl.hash`). This is the construction of libsodium's
 * crypto_box_seal, but NOT its byte format: libsodium derives the nonce with
 * BLAKE2b, so the two do not interoperate.
 */
import nacl from 'tweetnacl';
import { SealgateError } from './errors.js';

/** Codes of key-wrapping errors. */
export type KeywrapErrorCode = 'KEYWRAP_MALFORMED' | 'KEYWRAP_WEAK_KEY' | 'KEYWRAP_FAILED';

/** A sealed box that cannot be made or opened. */
export class KeywrapError extends SealgateError<KeywrapErrorCode> {}

/** An X25519 key pair: 32-byte public and secret keys. */
export interface BoxKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

const KEY_BYTES = nacl.box.publicKeyLength;
const NONCE_BYTES = nacl.box.nonceLength;
/** Bytes a sealed box adds to its plaintext: the ephemeral key and the Poly1305 tag. */
export const SEALED_BOX_OVERHEAD = KEY_BYTES + nacl.box.overheadLength;

/** A fresh random X25519 key pair (e.g. the container's ephemeral key, the broker's key). */
export function generateBoxKeyPair(): BoxKeyPair {
  return nacl.box.keyPair();
}

// The nonce of the sealed box: SHA-512(epk ‖ rpk) truncated to 24 bytes.
function sealNonce(ephemeralPublicKey: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const input = new Uint8Array(2 * KEY_BYTES);
  input.set(ephemeralPublicKey);
  input.set(recipientPublicKey, KEY_BYTES);
  return nacl.hash(input).subarray(0, NONCE_BYTES);
}

// RFC 7748 §6.1: a peer key of small order makes the X25519 output all zeros,
// a shared secret anyone knows; refuse it as libsodium's crypto_scalarmult does.
function sharedKey(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const point = nacl.scalarMult(secretKey, publicKey);
  if (point.every((b) => b === 0)) {
    throw new KeywrapError('KEYWRAP_WEAK_KEY', 'the X25519 public key is of small order');
  }
  return nacl.box.before(publicKey, secretKey);
}

/**
 * Seal `plaintext` (e.g. a dataset key) to `recipientPublicKey`; only the
 * holder of its secret key can open it, and the sender stays anonymous.
 *
 * @example
 * ```ts
 * const container = generateBoxKeyPair();
 * const sealed = wrapKey(dek, container.publicKey);
 * unwrapKey(sealed, container.secretKey); // equals dek
 * ```
 */
export function wrapKey(plaintext: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  if (recipientPublicKey.length !== KEY_BYTES) {
    throw new KeywrapError('KEYWRAP_MALFORMED', 'an X25519 public key is 32 bytes');
  }
  const ephemeral = nacl.box.keyPair();
  try {
    const key = sharedKey(recipientPublicKey, ephemeral.secretKey);
    const box = nacl.box.after(plaintext, sealNonce(ephemeral.publicKey, recipientPublicKey), key);
    key.fill(0);
    const sealed = new Uint8Array(KEY_BYTES + box.length);
    sealed.set(ephemeral.publicKey);
    sealed.set(box, KEY_BYTES);
    return sealed;
  } finally {
    ephemeral.secretKey.fill(0);
  }
}

/** Open a box made by {@link wrapKey} with the recipient's X25519 secret key. */
export function unwrapKey(sealed: Uint8Array, recipientSecretKey: Uint8Array): Uint8Array {
  if (recipientSecretKey.length !== nacl.box.secretKeyLength) {
    throw new TypeError('an X25519 secret key is 32 bytes');
  }
  if (sealed.length < SEALED_BOX_OVERHEAD) {
    throw new KeywrapError('KEYWRAP_MALFORMED', 'sealed box is shorter than its overhead');
  }
  const ephemeralPublicKey = sealed.subarray(0, KEY_BYTES);
  const recipientPublicKey = nacl.scalarMult.base(recipientSecretKey);
  let key: Uint8Array;
  try {
    key = sharedKey(ephemeralPublicKey, recipientSecretKey);
  } catch (err) {
    throw new KeywrapError('KEYWRAP_FAILED', 'sealed box does not open with this key', { cause: err });
  }
  const opened = nacl.box.open.after(
    sealed.subarray(KEY_BYTES),
    sealNonce(ephemeralPublicKey, recipientPublicKey),
    key,
  );
  key.fill(0);
  if (opened === null) throw new KeywrapError('KEYWRAP_FAILED', 'sealed box does not open with this key');
  return opened;
}
