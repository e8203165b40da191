/**
 * The fingerprint key and its sub-keys (docs/egress-protocol.md section 1):
 * HKDF-SHA256 (RFC 5869) with info `sealgate/fingerprint/v1/<purpose>`.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import nacl from 'tweetnacl';
import { utf8 } from '../base-encoding.js';
import { sipKey } from './siphash.js';
import type { SipKey } from './siphash.js';

/** The length of a fingerprint key in bytes. */
export const FINGERPRINT_KEY_LENGTH = 32;

/** A fresh random fingerprint key: 32 bytes from the platform's CSPRNG. */
export function generateFingerprintKey(): Uint8Array {
  return nacl.randomBytes(FINGERPRINT_KEY_LENGTH);
}

/** The sub-keys one fingerprint key gives. */
export interface SubKeys {
  /** SipHash key of pattern tokens (whole normal-form strings). */
  readonly token: SipKey;
  /** SipHash key of anchor tags (the first or last characters of a pattern). */
  readonly anchor: SipKey;
  /** 32 bytes seeding the MinHash permutations. */
  readonly minhash: Uint8Array;
  /** HMAC-SHA256 key over the serialised index (tamper evidence). */
  readonly mac: Uint8Array;
  /** The key check value written in the header: tells a wrong key from tampering. */
  readonly check: Uint8Array;
}

const derive = (key: Uint8Array, purpose: string, length: number): Uint8Array =>
  hkdf(sha256, key, undefined, utf8(`sealgate/fingerprint/v1/${purpose}`), length);

/** Derive the sub-keys of `key` (32 bytes; TypeError otherwise). */
export function deriveSubKeys(key: Uint8Array): SubKeys {
  if (!(key instanceof Uint8Array) || key.length !== FINGERPRINT_KEY_LENGTH) {
    throw new TypeError('a fingerprint key is 32 bytes');
  }
  return {
    token: sipKey(derive(key, 'token', 16)),
    anchor: sipKey(derive(key, 'anchor', 16)),
    minhash: derive(key, 'minhash', 32),
    mac: derive(key, 'mac', 32),
    check: derive(key, 'check', 16),
  };
}
