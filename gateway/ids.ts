/**
 * Ids of gateway objects: a prefix, then 10 characters of the creation time in
 * milliseconds and 16 of randomness (like a ULID), all in `[a-z2-7]`. Ids sort by
 * creation time, so LevelDB's key order is listing order and a page cursor is
 * just the last id seen.
 */
import { randomBytes } from 'node:crypto';
import { bytesToBase32 } from '../attest/index.js';

export type IdPrefix = 'ds' | 'mdl' | 'qt' | 'run' | 'rt' | 'et' | 'job' | 'inf' | 'rel' | 'aud' | 'ver';

/**
 * RFC 4648 base32 (a-z = 0-25, then 2-7 = 26-31) does not sort in byte order:
 * '2' < 'a' in ASCII but 26 > 0, so two ids of nearby milliseconds could sort
 * backwards. The time part therefore uses the same 32 characters in ASCII
 * order, and an id's string order (LevelDB's key order) is its time order.
 */
const SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

/** 10 characters of `ms` in {@link SORTABLE}, most significant first (50 bits). */
function timePart(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = SORTABLE[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

/** A new id `prefix_…` made at `now`. */
export function newId(prefix: IdPrefix, now: Date): string {
  // 10 characters of time in byte order, then 16 of randomness (10 bytes, RFC 4648 base32)
  return `${prefix}_${timePart(now.getTime())}${bytesToBase32(randomBytes(10))}`;
}

/** The pattern of ids with `prefix`, for route schemas. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[a-z2-7]{26}$`;
}
