/**
 * The decoders the scanner runs on a text piece before normalising
 * (docs/egress-protocol.md section 1): base64 (standard and URL-safe, RFC
 * 4648 sections 4 and 5) and hex runs are decoded as UTF-8, `%xx` escapes
 * (RFC 3986 section 2.1) undone. Each returns the decoded texts, or none.
 */

const B64_RUN = /[A-Za-z0-9+/_-]{12,}={0,2}/g;
const HEX_RUN = /(?:[0-9a-fA-F]{2}){6,}/g;
const PCT = /(?:%[0-9a-fA-F]{2})+/g;
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

const texts = (chunks: Uint8Array[]): string[] => chunks.filter(looksLikeText).map((b) => utf8.decode(b));

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

const ALL_DIGITS = /^[0-9]+=*$/;

/**
 * Texts decoded from the base64 runs of `text`. A run of digits alone is
 * skipped undecoded: every third byte it decodes to starts with a sextet of
 * 52-61 (a digit), so is at least 0xd0, and looksLikeText refuses it anyway
 * (a float's digits are the common case).
 */
export function base64Texts(text: string): string[] {
  const runs = text.match(B64_RUN);
  if (runs === null) return [];
  return texts(runs.filter((r) => !ALL_DIGITS.test(r)).map(decodeBase64Run));
}

/** Texts decoded from the hex runs of `text`. */
export function hexTexts(text: string): string[] {
  return texts(
    (text.match(HEX_RUN) ?? []).map((run) => {
      const out = new Uint8Array(run.length / 2);
      for (let i = 0; i < out.length; i++) out[i] = parseInt(run.slice(2 * i, 2 * i + 2), 16);
      return out;
    }),
  );
}

/** `text` with its percent-escapes undone, or none when it has none. */
export function urlTexts(text: string): string[] {
  if (!text.includes('%')) return [];
  let changed = false;
  const decoded = text.replace(PCT, (run) => {
    changed = true;
    const out = new Uint8Array(run.length / 3);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(run.slice(3 * i + 1, 3 * i + 3), 16);
    return utf8.decode(out);
  });
  return changed ? [decoded] : [];
}
