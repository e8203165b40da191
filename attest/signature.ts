/**
 * Domain-separated Ed25519 signatures (RFC 8032 via tweetnacl): the signed
 * bytes are UTF-8(label) ‖ 0x00 ‖ message, so a signature made for one
 * purpose (evidence, a usage receipt, a report) never verifies as another.
 */
import nacl from 'tweetnacl';
import { utf8 } from './base-encoding.js';

/** UTF-8(label) ‖ 0x00 ‖ message. The label names the purpose and version, e.g. `sealgate/v1/evidence/software`. */
export function domainSeparated(label: string, message: Uint8Array): Uint8Array {
  if (label === '' || label.includes('\0')) throw new TypeError('a domain label is non-empty and has no NUL');
  const prefix = utf8(label);
  const out = new Uint8Array(prefix.length + 1 + message.length);
  out.set(prefix);
  out.set(message, prefix.length + 1);
  return out;
}

/** A detached Ed25519 signature over `domainSeparated(label, message)`, with a 64-byte tweetnacl secret key. */
export function signDetached(label: string, message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (secretKey.length !== nacl.sign.secretKeyLength)
    throw new TypeError('an Ed25519 secret key is 64 bytes');
  return nacl.sign.detached(domainSeparated(label, message), secretKey);
}

/** True when `signature` is a valid Ed25519 signature by `publicKey` over `domainSeparated(label, message)`. */
export function verifyDetached(
  label: string,
  message: Uint8Array,
  signature: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  if (signature.length !== nacl.sign.signatureLength || publicKey.length !== nacl.sign.publicKeyLength) {
    return false;
  }
  return nacl.sign.detached.verify(domainSeparated(label, message), signature, publicKey);
}
