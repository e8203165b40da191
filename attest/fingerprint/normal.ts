/**
 * The normal form (docs/egress-protocol.md section 1): NFKC, lower case, only
 * letters and digits (`\p{L}\p{N}`) kept. Alongside it the token boundaries:
 * a boundary lies before a kept character when something was removed just
 * before it, when it starts the piece, or when it changes between letter and
 * digit. Patterns match only from a boundary to a boundary, which keeps chance
 * matches inside long digit runs (a float's digits) out (docs/fingerprint.md).
 */

const ALNUM = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;
// eslint-disable-next-line no-control-regex -- the ASCII fast path tests the whole 7-bit range
const ASCII = /^[\x00-\x7f]*$/;

/** A normal-form string and its boundary flags (1 before a character that starts a token). */
export interface Normalised {
  readonly text: string;
  readonly bounds: Uint8Array;
}

/** The normal form of `input` with its token boundaries; the first character is always a boundary. */
export function normalise(input: string): Normalised {
  const s = ASCII.test(input) ? input.toLowerCase() : input.normalize('NFKC').toLowerCase();
  const bounds = new Uint8Array(s.length);
  let out = '';
  let gap = true;
  let prevClass = 0; // 1 letter, 2 digit
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let cls = 0;
    let unit = s[i];
    if (c < 128) {
      if (c >= 48 && c <= 57) cls = 2;
      else if (c >= 97 && c <= 122) cls = 1;
    } else {
      const cp = s.codePointAt(i)!;
      unit = String.fromCodePoint(cp);
      if (ALNUM.test(unit)) cls = DIGIT.test(unit) ? 2 : 1;
      if (cp > 0xffff) i++;
    }
    if (cls === 0) {
      gap = true;
      continue;
    }
    if (gap || cls !== prevClass) bounds[n] = 1;
    if (unit.length === 2) n++;
    out += unit;
    n++;
    gap = false;
    prevClass = cls;
  }
  return { text: out, bounds: bounds.subarray(0, n) };
}

/** A reusable normal-form buffer: code units and boundary flags, grown as needed. */
export class NormalBuffer {
  units = new Uint16Array(1024);
  bounds = new Uint8Array(1024);
  length = 0;

  /** Normalise `input` into the buffer (replacing what it held); the same result as normalise(). */
  set(input: string): this {
    const n = input.length;
    if (this.units.length < n) {
      this.units = new Uint16Array(2 * n);
      this.bounds = new Uint8Array(2 * n);
    }
    // The ASCII path without intermediate strings: lower-case A-Z, keep [a-z0-9] (and drop U+FFFD).
    const { units, bounds } = this;
    let m = 0;
    let gap = true;
    let prevClass = 0;
    for (let i = 0; i < n; i++) {
      let c = input.charCodeAt(i);
      if (c === 0xfffd) {
        // U+FFFD (what a decoder gives for invalid UTF-8) is its own NFKC form, neither a letter
        // nor a digit, and composes with nothing: removed, as normalise() would.
        gap = true;
        continue;
      }
      if (c >= 128) return this.setSlow(input);
      if (c >= 65 && c <= 90) c += 32;
      const cls = c >= 48 && c <= 57 ? 2 : c >= 97 && c <= 122 ? 1 : 0;
      if (cls === 0) {
        gap = true;
        continue;
      }
      bounds[m] = gap || cls !== prevClass ? 1 : 0;
      units[m++] = c;
      gap = false;
      prevClass = cls;
    }
    this.length = m;
    return this;
  }

  private setSlow(input: string): this {
    const { text, bounds } = normalise(input);
    if (this.units.length < text.length) {
      this.units = new Uint16Array(2 * text.length);
      this.bounds = new Uint8Array(2 * text.length);
    }
    for (let i = 0; i < text.length; i++) this.units[i] = text.charCodeAt(i);
    this.bounds.set(bounds);
    this.length = text.length;
    return this;
  }
}

/** The normal form alone. */
export const normalForm = (input: string): string => normalise(input).text;

/** Whether a normal-form string is all ASCII digits. */
export const isDigits = (nf: string): boolean => /^[0-9]+$/.test(nf);
