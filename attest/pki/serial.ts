import nacl from 'tweetnacl';

// Certificate serial numbers (RFC 5280 §4.1.2.2): positive integers of at most
// 20 octets, unique per CA, and unpredictable (CA/Browser Forum BR §7.1 asks
// for at least 64 random bits; sealgate uses 126). Serials travel as canonical
// lowercase hex (below), the key of the revocation list.

const SERIAL_BYTES = 16;

/** A fresh random serial: 16 bytes, first byte in 0x01..0x7f (positive, minimal DER). */
export function randomSerial(): string {
  const bytes = nacl.randomBytes(SERIAL_BYTES);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The canonical form of a serial: lowercase hex of the number, byte-aligned,
 * without leading zero bytes. A DER INTEGER's sign byte (X.690 §8.3.2: a
 * leading 00 before a byte whose top bit is set) is dropped too, so
 * `00C0FFEE`, `c0ffee` and the serial of a parsed certificate with content
 * octets 00 c0 ff ee are all `c0ffee`. Serials are positive (RFC 5280
 * §4.1.2.2), so the sign byte carries nothing. Undefined when the text is not
 * hex of 1 to 21 octets (20 for the number, plus a sign byte).
 */
export function canonicalSerial(hex: string): string | undefined {
  if (typeof hex !== 'string' || !/^(?:[0-9a-fA-F]{2}){1,21}$/.test(hex)) return undefined;
  return hex.toLowerCase().replace(/^(?:00)+(?=..)/, '');
}

/** The content octets (hex) of the DER INTEGER for a canonical positive serial. */
export function serialToDerHex(canonical: string): string {
  return parseInt(canonical[0], 16) >= 8 ? `00${canonical}` : canonical;
}
