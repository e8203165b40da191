/**
 * The synthetic dataset's seeded random numbers: xoshiro128** seeded through
 * SplitMix64, plus the normal variates and picks the generator needs. Not for
 * anything secret; only for data that must come out the same from the same seed.
 */

const MASK64 = (1n << 64n) - 1n;

/**
 * SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014): expands a seed into well-mixed 64-bit words,
 * the seeding Blackman and Vigna recommend for xoshiro.
 */
function splitMix64(seed: bigint): () => bigint {
  let state = seed & MASK64;
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  };
}

/** A source of uniform numbers in [0, 1) and the few distributions the dataset draws from. */
export interface Random {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [min, max], inclusive. */
  int(min: number, max: number): number;
  /** Normal with this mean and standard deviation. */
  normal(mean: number, sd: number): number;
  /** One element of `list`, uniformly. */
  pick<T>(list: readonly T[]): T;
}

/**
 * xoshiro128** 1.1 (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021; reference code at prng.di.unimi.it),
 * seeded with SplitMix64 from `seed`. Deterministic across platforms.
 */
export function seededRandom(seed: bigint): Random {
  const mix = splitMix64(seed);
  const words = [mix(), mix()];
  const s = new Uint32Array([
    Number(words[0] & 0xffffffffn),
    Number(words[0] >> 32n),
    Number(words[1] & 0xffffffffn),
    Number(words[1] >> 32n),
  ]);
  if (s.every((w) => w === 0)) s[0] = 1; // the all-zero state is a fixed point
  const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
  const next = (): number => nextU32() / 0x1_0000_0000;
  let spare: number | undefined;
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    // Box-Muller transform (Box and Muller, Ann. Math. Statist. 29(2), 1958), using both variates.
    normal(mean, sd) {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + sd * z;
      }
      const u = 1 - next(); // (0, 1]: log(u) is finite
      const r = Math.sqrt(-2 * Math.log(u));
      const theta = 2 * Math.PI * next();
      spare = r * Math.sin(theta);
      return mean + sd * r * Math.cos(theta);
    },
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}
