/**
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * INDOCRYPT 2012) on 32-bit halves, so that it runs on JavaScript numbers
 * without BigInt. It is the per-position keyed PRF of the scanner: HMAC-SHA256
 * costs about a microsecond a call in pure JavaScript, SipHash a few tens of
 * nanoseconds, and SipHash is a PRF under a 128-bit key, which is what the
 * index needs (its tokens reveal nothing without the key).
 */

/** A SipHash key as four 32-bit little-endian words (k0 lo, k0 hi, k1 lo, k1 hi). */
export type SipKey = Uint32Array;

/** A 16-byte key as a SipKey. */
export function sipKey(bytes: Uint8Array): SipKey {
  if (bytes.length !== 16) throw new TypeError('a SipHash key is 16 bytes');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return Uint32Array.of(
    dv.getUint32(0, true),
    dv.getUint32(4, true),
    dv.getUint32(8, true),
    dv.getUint32(12, true),
  );
}

/** The two 32-bit halves of the last SipHash output: [lo, hi]. */
export const sipOut = new Uint32Array(2);

let byteWords = new Uint32Array(16);

/**
 * SipHash-2-4 of `data[0..length)` under `key`; the 64-bit result is left in
 * `sipOut` ([lo, hi]) and its low half returned.
 */
export function sipHash(key: SipKey, data: Uint8Array, length: number): number {
  const words = (length >>> 2) + 2;
  if (byteWords.length < words) byteWords = new Uint32Array(2 * words);
  byteWords.fill(0, 0, words);
  for (let i = 0; i < length; i++) byteWords[i >>> 2] |= data[i] << (8 * (i & 3));
  return sipHashWords(key, byteWords, length);
}

/**
 * The carry out of the 32-bit addition a + b = s (as int32s): the top bit of
 * (a AND b) OR ((a OR b) AND NOT s) (Warren, Hacker's Delight, 2-13).
 */
const carry = (a: number, b: number, s: number): number => ((a & b) | ((a | b) & ~s)) >>> 31;

/**
 * SipHash-2-4 of a message given as little-endian 32-bit words (`length`
 * bytes; the bytes of `words` past `length`, up to the next 8-byte block,
 * must be zero). The scanner packs two UTF-16 code units a word, so nothing
 * is split into bytes on the hot path. Result in `sipOut`, low half returned.
 * The state stays in int32 halves (`| 0`, carries by bit logic): values above
 * 2^31 as unsigned numbers would leave V8's small-integer path (about 1.7x slower).
 */
export function sipHashWords(key: SipKey, words: Uint32Array, length: number): number {
  const k0l = key[0] | 0,
    k0h = key[1] | 0,
    k1l = key[2] | 0,
    k1h = key[3] | 0;
  // v0..v3 = k ^ "somepseudorandomlygeneratedbytes" (section 2.1)
  let v0l = k0l ^ 0x70736575,
    v0h = k0h ^ 0x736f6d65,
    v1l = k1l ^ 0x6e646f6d,
    v1h = k1h ^ 0x646f7261,
    v2l = k0l ^ 0x6e657261,
    v2h = k0h ^ 0x6c796765,
    v3l = k1l ^ 0x79746573,
    v3h = k1h ^ 0x74656462;
  // The SipRound (section 2.1) is written out in each loop: a closure over the state would keep it off registers.
  let t: number, s: number, ml: number, mh: number;
  const end = length - (length % 8);
  // The full blocks, then the last block: the remaining bytes (zero past the end) and the length
  // mod 256 in the top byte.
  for (let i = 0; i <= end; i += 8) {
    if (i < end) {
      ml = words[i >>> 2] | 0;
      mh = words[(i >>> 2) + 1] | 0;
    } else {
      ml = end === length ? 0 : words[end >>> 2] | 0;
      mh = (length - end > 4 ? words[(end >>> 2) + 1] | 0 : 0) | ((length & 0xff) << 24);
    }
    v3l ^= ml;
    v3h ^= mh;
    for (let r = 0; r < 2; r++) {
      // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
      s = (v0l + v1l) | 0;
      v0h = (v0h + v1h + carry(v0l, v1l, s)) | 0;
      v0l = s;
      t = (v1l << 13) | (v1h >>> 19);
      v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h;
      v1l = t ^ v0l;
      t = v0l;
      v0l = v0h;
      v0h = t;
      // v2 += v3; v3 <<<= 16; v3 ^= v2
      s = (v2l + v3l) | 0;
      v2h = (v2h + v3h + carry(v2l, v3l, s)) | 0;
      v2l = s;
      t = (v3l << 16) | (v3h >>> 16);
      v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h;
      v3l = t ^ v2l;
      // v0 += v3; v3 <<<= 21; v3 ^= v0
      s = (v0l + v3l) | 0;
      v0h = (v0h + v3h + carry(v0l, v3l, s)) | 0;
      v0l = s;
      t = (v3l << 21) | (v3h >>> 11);
      v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h;
      v3l = t ^ v0l;
      // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
      s = (v2l + v1l) | 0;
      v2h = (v2h + v1h + carry(v2l, v1l, s)) | 0;
      v2l = s;
      t = (v1l << 17) | (v1h >>> 15);
      v1h = ((v1h << 17) | (v1l >>> 15)) ^ v2h;
      v1l = t ^ v2l;
      t = v2l;
      v2l = v2h;
      v2h = t;
    }
    v0l ^= ml;
    v0h ^= mh;
  }
  v2l ^= 0xff;
  for (let r = 0; r < 4; r++) {
    // v0 += v1; v1 <<<= 13; v1 ^= v0; v0 <<<= 32
    s = (v0l + v1l) | 0;
    v0h = (v0h + v1h + carry(v0l, v1l, s)) | 0;
    v0l = s;
    t = (v1l << 13) | (v1h >>> 19);
    v1h = ((v1h << 13) | (v1l >>> 19)) ^ v0h;
    v1l = t ^ v0l;
    t = v0l;
    v0l = v0h;
    v0h = t;
    // v2 += v3; v3 <<<= 16; v3 ^= v2
    s = (v2l + v3l) | 0;
    v2h = (v2h + v3h + carry(v2l, v3l, s)) | 0;
    v2l = s;
    t = (v3l << 16) | (v3h >>> 16);
    v3h = ((v3h << 16) | (v3l >>> 16)) ^ v2h;
    v3l = t ^ v2l;
    // v0 += v3; v3 <<<= 21; v3 ^= v0
    s = (v0l + v3l) | 0;
    v0h = (v0h + v3h + carry(v0l, v3l, s)) | 0;
    v0l = s;
    t = (v3l << 21) | (v3h >>> 11);
    v3h = ((v3h << 21) | (v3l >>> 11)) ^ v0h;
    v3l = t ^ v0l;
    // v2 += v1; v1 <<<= 17; v1 ^= v2; v2 <<<= 32
    s = (v2l + v1l) | 0;
    v2h = (v2h + v1h + carry(v2l, v1l, s)) | 0;
    v2l = s;
    t = (v1l << 17) | (v1h >>> 15);
    v1h = ((v1h << 17) | (v1l >>> 15)) ^ v2h;
    v1l = t ^ v2l;
    t = v2l;
    v2l = v2h;
    v2h = t;
  }
  const lo = v0l ^ v1l ^ v2l ^ v3l;
  sipOut[0] = lo;
  sipOut[1] = v0h ^ v1h ^ v2h ^ v3h;
  return lo >>> 0;
}
