/**
 * Ids of gateway objects: a prefix, then 10 base32 characters of the creation
 * time in milliseconds and 16 of randomness (like a ULID). Ids sort by
 * creation time, so LevelDB's key order is listing order and a page cursor is
 * just the last id seen.
 */
import { randomBytes } from 'node:crypto';
import { bytesToBase32 } from '../attest/index.js';

export type IdPrefix = 'ds' | 'mdl' | 'qt' | 'run' | 'rt';

/** A new id `prefix_…` made at `now`. */
export function newId(prefix: IdPrefix, now: Date): string {
  const time = new Uint8Array(6);
  let ms = now.getTime();
  for (let i = 5; i >= 0; i--) {
    time[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  // 6 bytes of time give 10 base32 characters (the last holds 2 spare zero bits); 10 random bytes give 16
  return `${prefix}_${bytesToBase32(time).slice(0, 10)}${bytesToBase32(randomBytes(10))}`;
}

/** The pattern of ids with `prefix`, for route schemas. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[a-z2-7]{26}$`;
}
