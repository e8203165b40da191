/**
 * One-time enrollment tokens (docs/node-protocol.md section 1):
 * `sgn1.<id>.<secret>.<ca>`, where `secret` is 32 random bytes (base64url)
 * of which the gateway keeps only the SHA-256, and `ca` is the hex SHA-256 of
 * the node CA certificate's DER, which the node pins. The token names the
 * miner paid for the node's work; the node never learns it.
 */
import { createHash, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { base64UrlToBytes, bytesToBase64Url, constantTimeEqualText } from '../../attest/index.js';
import { newId } from '../ids.js';
import type { Store } from '../store/index.js';
import { put } from '../store/index.js';
import { NodeError } from './errors.js';
import type { EnrollTokenRecord } from './records.js';
import { ENROLL_TOKENS_SUBLEVEL } from './records.js';

const TOKEN = /^sgn1\.(et_[a-z2-7]{26})\.([A-Za-z0-9_-]{43})\.([0-9a-f]{64})$/;
/** The default and the bounds of a token's lifetime, seconds. */
export const TOKEN_TTL = { default: 3600, min: 60, max: 86_400 } as const;

/** A token's parts, parsed. */
export interface ParsedToken {
  readonly id: string;
  readonly secret: Uint8Array;
  readonly caPin: string;
}

function sha256Hex(bytes: Uint8Array | Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The pin of a CA certificate: the hex SHA-256 of its DER. */
export function caPin(caCertPem: string): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(caCertPem)));
  return sha256Hex(Buffer.from(der.getBytes(), 'binary'));
}

/** Parse a token's text; anything else is ENROLL_TOKEN_UNKNOWN (a bad token names no token). */
export function parseToken(token: string): ParsedToken {
  const m = TOKEN.exec(token);
  const secret = m ? base64UrlToBytes(m[2]) : undefined;
  if (!m || secret?.length !== 32) throw new NodeError('ENROLL_TOKEN_UNKNOWN', 'not an enrollment token');
  return { id: m[1], secret, caPin: m[3] };
}

/** Make a token for `miner`, valid `ttlSeconds` from `now`; returns its text and stored record. */
export function makeToken(
  miner: string,
  ttlSeconds: number,
  pin: string,
  now: Date,
): { token: string; record: EnrollTokenRecord } {
  const secret = randomBytes(32);
  const record: EnrollTokenRecord = {
    id: newId('et', now),
    secretSha256: sha256Hex(secret),
    miner,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlSeconds * 1000).toISOString(),
  };
  return { token: `sgn1.${record.id}.${bytesToBase64Url(secret)}.${pin}`, record };
}

/** Store a new token record. */
export async function storeToken(store: Store, record: EnrollTokenRecord): Promise<void> {
  await store.exclusive(() => store.write([put(store.sublevel(ENROLL_TOKENS_SUBLEVEL), record.id, record)]));
}

/**
 * The token record `parsed` names, if it may enroll a node at `now`; read
 * with the store's lock held. Unknown id or wrong secret (compared in
 * constant time): ENROLL_TOKEN_UNKNOWN; used: ENROLL_TOKEN_USED; expired:
 * ENROLL_TOKEN_EXPIRED.
 */
export async function usableToken(store: Store, parsed: ParsedToken, now: Date): Promise<EnrollTokenRecord> {
  const record = await store.get<EnrollTokenRecord>(store.sublevel(ENROLL_TOKENS_SUBLEVEL), parsed.id);
  if (!record || !constantTimeEqualText(sha256Hex(parsed.secret), record.secretSha256)) {
    throw new NodeError('ENROLL_TOKEN_UNKNOWN', 'no such enrollment token');
  }
  if (record.usedBy !== undefined) throw new NodeError('ENROLL_TOKEN_USED', 'the token has enrolled a node');
  if (now.getTime() >= Date.parse(record.expiresAt)) {
    throw new NodeError('ENROLL_TOKEN_EXPIRED', `the token expired at ${record.expiresAt}`);
  }
  return record;
}
