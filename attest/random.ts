/**
 * Random values for the protocols: nonces for signed requests and for
 * evidence challenges. tweetnacl draws from the platform's CSPRNG
 * (crypto.getRandomValues in browsers, crypto.randomBytes in Node).
 */
import nacl from 'tweetnacl';
import { bytesToBase64Url } from './base-encoding.js';

/** A fresh random nonce: `byteLength` random bytes (16 to 64, default 16) as unpadded base64url. */
export function randomNonce(byteLength = 16): string {
  if (!Number.isInteger(byteLength) || byteLength < 16 || byteLength > 64) {
    throw new TypeError('a nonce is 16 to 64 random bytes');
  }
  return bytesToBase64Url(nacl.randomBytes(byteLength));
}
