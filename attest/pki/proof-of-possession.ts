import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';

// The proof that whoever asked for a TLS certificate also holds the node's
// Ed25519 key: an Ed25519 signature (RFC 8032) by the node key over
//   "sealgate/pki/node-key-pop/v1" ‖ 0x00 ‖ SHA-256(TLS SubjectPublicKeyInfo DER).
// The domain label keeps the signature from meaning anything anywhere else the
// node key signs (evidence, requests); hashing the whole SubjectPublicKeyInfo
// binds the algorithm as well as the key.

const DOMAIN = new TextEncoder().encode('sealgate/pki/node-key-pop/v1\0');

/** The exact bytes the node key signs to bind itself to a TLS key. */
export function popMessage(tlsSpkiDer: Uint8Array): Uint8Array {
  const digest = sha256(tlsSpkiDer);
  const message = new Uint8Array(DOMAIN.length + digest.length);
  message.set(DOMAIN);
  message.set(digest, DOMAIN.length);
  return message;
}

/** Signs the proof of possession with the node's Ed25519 secret key (64 bytes, tweetnacl form). */
export function signPop(nodeSecretKey: Uint8Array, tlsSpkiDer: Uint8Array): Uint8Array {
  return nacl.sign.detached(popMessage(tlsSpkiDer), nodeSecretKey);
}

/** True when `signature` is the node key's proof of possession for this TLS key. */
export function verifyPop(nodePublicKey: Uint8Array, tlsSpkiDer: Uint8Array, signature: Uint8Array): boolean {
  return nacl.sign.detached.verify(popMessage(tlsSpkiDer), signature, nodePublicKey);
}
