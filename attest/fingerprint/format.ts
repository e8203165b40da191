/**
 * The serialised fingerprint index: one versioned binary blob
 * (docs/fingerprint.md, "Format"). Little-endian throughout:
 *
 *   0  "SGFP" magic | 4 u16 version | 6 u16 0 | 8 u32 total length
 *   12 u32 header JSON length | 16 key check value (16 bytes)
 *   32 header JSON (UTF-8), zero-padded to 8
 *   sections, each: u32 byte length, u32 0, bytes zero-padded to 8
 *   last 32 bytes: HMAC-SHA256 under the mac sub-key of everything before
 *
 * Loading checks, in order: length, magic, version, declared length, the key
 * check value (a wrong key), the MAC (tampering), then the header and sections.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { constantTimeEqual } from '../constant-time.js';
import { FingerprintError } from './errors.js';
import type { SubKeys } from './keys.js';

export const MAGIC = Uint8Array.of(0x53, 0x47, 0x46, 0x50); // "SGFP"
export const FORMAT_VERSION = 2;
const FIXED = 32;
const MAC_LENGTH = 32;
const pad8 = (n: number): number => (n + 7) & ~7;

/**
 * HMAC-SHA256 (RFC 2104) of `data` under `key`, 32 bytes. The default is
 * noble's, in JavaScript (30-40 MB/s here: seconds over a large index); a
 * caller with a native one (Node's `createHmac`) passes it in, since this
 * module does no I/O and imports no platform crypto.
 */
export type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

const nobleHmacSha256: HmacSha256 = (key, data) => hmac(sha256, key, data);

/** `mac(key, data)`, refusing a function that does not return 32 bytes (a caller's mistake). */
function macOf(mac: HmacSha256, key: Uint8Array, data: Uint8Array): Uint8Array {
  const out = mac(key, data);
  if (!(out instanceof Uint8Array) || out.length !== MAC_LENGTH)
    throw new TypeError('an HMAC-SHA256 function returns 32 bytes');
  return out;
}

/** Serialise a header and its sections. */
export function encodeIndex(
  keys: SubKeys,
  header: unknown,
  sections: readonly ArrayBufferView[],
  mac: HmacSha256 = nobleHmacSha256,
): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  let total = FIXED + pad8(json.length);
  for (const s of sections) total += 8 + pad8(s.byteLength);
  total += MAC_LENGTH;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  dv.setUint16(4, FORMAT_VERSION, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, json.length, true);
  out.set(keys.check, 16);
  out.set(json, FIXED);
  let at = FIXED + pad8(json.length);
  for (const s of sections) {
    dv.setUint32(at, s.byteLength, true);
    out.set(new Uint8Array(s.buffer, s.byteOffset, s.byteLength), at + 8);
    at += 8 + pad8(s.byteLength);
  }
  out.set(macOf(mac, keys.mac, out.subarray(0, at)), at);
  return out;
}

/** A verified blob: its header (unparsed JSON value) and its sections as byte views (8-aligned). */
export interface DecodedIndex {
  readonly header: unknown;
  readonly sections: Uint8Array[];
}

/** Check and split a serialised index; FingerprintError with the failed rule's code. */
export function decodeIndex(
  input: Uint8Array,
  keys: SubKeys,
  mac: HmacSha256 = nobleHmacSha256,
): DecodedIndex {
  if (input.length < FIXED + MAC_LENGTH)
    throw new FingerprintError('FINGERPRINT_TRUNCATED', 'index too short');
  // Sections are viewed as typed arrays, which need aligned offsets: copy once if the input is not aligned.
  const bytes = input.byteOffset % 8 === 0 ? input : input.slice();
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!constantTimeEqual(bytes.subarray(0, 4), MAGIC)) {
    throw new FingerprintError('FINGERPRINT_BAD_MAGIC', 'not a sealgate fingerprint index');
  }
  const version = dv.getUint16(4, true);
  if (version !== FORMAT_VERSION) {
    throw new FingerprintError('FINGERPRINT_BAD_VERSION', `index format version ${version} is not supported`);
  }
  const total = dv.getUint32(8, true);
  if (total > bytes.length)
    throw new FingerprintError('FINGERPRINT_TRUNCATED', 'index ends before its length');
  if (total < bytes.length || total < FIXED + MAC_LENGTH) {
    throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'index length does not match its header');
  }
  if (!constantTimeEqual(bytes.subarray(16, 32), keys.check)) {
    throw new FingerprintError('FINGERPRINT_WRONG_KEY', 'index was built under another fingerprint key');
  }
  const end = total - MAC_LENGTH;
  if (!constantTimeEqual(macOf(mac, keys.mac, bytes.subarray(0, end)), bytes.subarray(end))) {
    throw new FingerprintError('FINGERPRINT_TAMPERED', 'index MAC does not verify');
  }
  // Past the MAC the bytes are the builder's own; the checks below guard against builder bugs.
  const jsonLength = dv.getUint32(12, true);
  let at = FIXED + pad8(jsonLength);
  if (at > end) throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'header overruns the index');
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(FIXED, FIXED + jsonLength)),
    );
  } catch (cause) {
    throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'header is not JSON', { cause });
  }
  const sections: Uint8Array[] = [];
  while (at < end) {
    const length = dv.getUint32(at, true);
    if (at + 8 + pad8(length) > end)
      throw new FingerprintError('FINGERPRINT_BAD_HEADER', 'section overruns the index');
    sections.push(bytes.subarray(at + 8, at + 8 + length));
    at += 8 + pad8(length);
  }
  return { header, sections };
}
