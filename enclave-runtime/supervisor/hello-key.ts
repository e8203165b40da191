/**
 * The supervisor's ephemeral X25519 key pair for `hello` (DESIGN.md 5 step 5),
 * made with Node's own X25519 (RFC 7748 section 5; OpenSSL) instead of
 * tweetnacl: loading tweetnacl took 90-200 ms of the supervisor's start, and
 * the key is needed before anything else (docs/sealing-figures.md). The pair
 * is the same tweetnacl's `box.keyPair.fromSecretKey` gives for the same
 * 32 random bytes (both clamp the scalar), so attest/keywrap.ts's unwrapKey,
 * loaded after hello while the key is fetched, opens boxes sealed to it.
 */
import { createPrivateKey, createPublicKey, randomFillSync } from 'node:crypto';
import type { BoxKeyPair } from '../../attest/keywrap.js';

// RFC 8410 section 7: a PKCS #8 PrivateKeyInfo of an X25519 key is this prefix and the 32 key bytes.
const PKCS8_X25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);

/** The X25519 public key of `secretKey` (32 bytes), by Node's crypto. */
export function x25519PublicKey(secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== 32) throw new TypeError('an X25519 secret key has 32 bytes');
  const der = new Uint8Array(PKCS8_X25519.length + 32);
  der.set(PKCS8_X25519);
  der.set(secretKey, PKCS8_X25519.length);
  try {
    const key = createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' });
    // RFC 8410 section 4: the SubjectPublicKeyInfo of X25519 ends with the 32 key bytes.
    const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
    return new Uint8Array(spki.subarray(spki.length - 32));
  } finally {
    der.fill(0);
  }
}

/** A fresh X25519 key pair: 32 random bytes and their public key. */
export function helloKeyPair(): BoxKeyPair {
  const secretKey = randomFillSync(new Uint8Array(32));
  return { publicKey: x25519PublicKey(secretKey), secretKey };
}
