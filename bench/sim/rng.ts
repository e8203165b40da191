/**
 * The simulator's randomness: one seeded generator (mulberry32, Tommy
 * Ettinger's 32-bit generator), so a seed replays the same market.
 */

/** A seeded uniform generator on [0, 1) with the draws the market needs. */
export class Rng {
  #a: number;

  constructor(seed: number) {
    this.#a = seed >>> 0;
  }

  /** Uniform on [0, 1) (mulberry32). */
  next(): number {
    this.#a = (this.#a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(this.#a ^ (this.#a >>> 15), 1 | this.#a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform on [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Log-uniform on [lo, hi): factors spread evenly over orders of magnitude. */
  logBetween(lo: number, hi: number): number {
    return lo * (hi / lo) ** this.next();
  }

  /** An integer in [0, n). */
  index(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An exponential waiting time with `mean` (inverse transform). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** 32 bytes for a key seed. */
  bytes32(): Uint8Array {
    return Uint8Array.from({ length: 32 }, () => this.index(256));
  }
}
