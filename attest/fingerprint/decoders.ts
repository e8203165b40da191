/**
 * The decoders the scanner runs on a text piece before normalising
 * (docs/egress-protocol.md section 1): base64 (standard and URL-safe, RFC
 * 4648 sections 4 and 5) and hex runs are decoded as UTF-8, `%xx` escapes
 * (RFC 3986 section 2.1) undone. Each returns the decoded texts, or none.
 */

const PCT = /(?:%[0-9a-fA-F]{2})+/g;
/** What a decoder returns when it finds nothing (shared: most pieces have nothing to decode). */
const NONE: readonly string[] = Object.freeze([]);
const utf8 = new TextDecoder('utf-8');

/**
 * Whether decoded bytes read as text: at most one byte in eight a control
 * character and at most one in four above 0x7f (UTF-8 text outside ASCII).
 * Base64 and hex runs are common in honest output (a float's digits are
 * both); what they decode to is noise, about half high bytes, not worth
 * scanning.
 */
export function looksLikeText(bytes: Uint8Array): boolean {
  let control = 0;
  let high = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b >= 0x80) high++;
    else if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control * 8 <= bytes.length && high * 4 <= bytes.length;
}

const B64: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (let i = 0; i < 64; i++) t[abc.charCodeAt(i)] = i;
  t[43] = t[45] = 62; // + -
  t[47] = t[95] = 63; // / _
  return t;
})();

/** Decode one base64 run (padding optional; a trailing partial quantum is dropped). */
export function decodeBase64Run(run: string): Uint8Array {
  const s = run.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    acc = (acc << 6) | B64[s.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >>> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

/**
 * Texts decoded from the base64 runs of `text`: maximal runs of at least 12
 * characters of the base64 alphabets (what `[A-Za-z0-9+/_-]{12,}={0,2}`
 * matches, found in one pass without a regular expression; padding is
 * dropped by the decoder anyway). A run of digits alone is skipped undecoded:
 * every third byte it decodes to starts with a sextet of 52-61 (a digit), so
 * is at least 0xd0, and looksLikeText refuses it anyway (a float's digits are
 * the common case).
 */
export function base64Texts(text: string): readonly string[] {
  let out: string[] | undefined;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c >= 128 || B64[c] < 0) {
      i++;
      continue;
    }
    const start = i;
    let letters = false;
    for (; i < n; i++) {
      const d = text.charCodeAt(i);
      if (d >= 128 || B64[d] < 0) break;
      if (d < 48 || d > 57) letters = true;
    }
    if (i - start < 12 || !letters) continue;
    const bytes = decodeBase64Run(text.slice(start, i));
    if (looksLikeText(bytes)) (out ??= []).push(utf8.decode(bytes));
  }
  return out ?? NONE;
}

const HEX: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < 16; i++) t['0123456789abcdef'.charCodeAt(i)] = t['0123456789ABCDEF'.charCodeAt(i)] = i;
  return t;
})();

let hexScratch = new Uint8Array(256);

/**
 * Texts decoded from the hex runs of `text`: each maximal run of hex digits
 * of at least 12, cut to an even length (what `(?:[0-9a-fA-F]{2}){6,}`
 * matches), in one pass without a regular expression.
 */
export function hexTexts(text: string): readonly string[] {
  let out: string[] | undefined;
  const n = text.length;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c >= 128 || HEX[c] < 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && text.charCodeAt(i) < 128 && HEX[text.charCodeAt(i)] >= 0) i++;
    const pairs = (i - start) >>> 1;
    if (pairs < 6) continue;
    // Decoded into a reused buffer: most runs (a float's digits) are refused by looksLikeText.
    if (hexScratch.length < pairs) hexScratch = new Uint8Array(2 * pairs);
    const bytes = hexScratch.subarray(0, pairs);
    for (let j = 0; j < pairs; j++)
      bytes[j] = (HEX[text.charCodeAt(start + 2 * j)] << 4) | HEX[text.charCodeAt(start + 2 * j + 1)];
    if (looksLikeText(bytes)) (out ??= []).push(utf8.decode(bytes));
  }
  return out ?? NONE;
}

/** `text` with its percent-escapes undone, or none when it has none. */
export function urlTexts(text: string): readonly string[] {
  if (!text.includes('%')) return NONE;
  let changed = false;
  const decoded = text.replace(PCT, (run) => {
    changed = true;
    const out = new Uint8Array(run.length / 3);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(run.slice(3 * i + 1, 3 * i + 3), 16);
    return utf8.decode(out);
  });
  return changed ? [decoded] : NONE;
}
