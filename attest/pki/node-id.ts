import { sha256 } from '@noble/hashes/sha2.js';

// Node ids and the names certificates give them.
//
// TEMPORARY, for the lead to merge: attest/keys.ts (written in parallel) owns
// id derivation, so nodeIdFromPublicKey and base32 should become re-uses of
// it. They follow the agreed rule, `node_` + lowercase RFC 4648 base32 without
// padding of the first 20 bytes of SHA-256(domain label ‖ public key); the
// label below is a guess to be replaced by keys.ts's.

const NODE_ID_DOMAIN = new TextEncoder().encode('sealgate/node-id/v1\0');
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The node id of an Ed25519 node public key: `node_` + 32 base32 characters. */
export function nodeIdFromPublicKey(publicKey: Uint8Array): string {
  const input = new Uint8Array(NODE_ID_DOMAIN.length + publicKey.length);
  input.set(NODE_ID_DOMAIN);
  input.set(publicKey, NODE_ID_DOMAIN.length);
  return `node_${base32(sha256(input).subarray(0, 20))}`;
}

/** RFC 4648 §6 base32 with the lowercase alphabet and no padding. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The URI subject alternative name of a node (RFC 5280 §4.2.1.6, uniformResourceIdentifier). */
export function nodeUri(nodeId: string): string {
  return `sealgate:node:${nodeId}`;
}
