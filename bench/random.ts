// A seeded random source, so that a seed always gives the same capture: sfc32 (Chris Doty-Humphrey's
// Small Fast Chaotic generator, as in PractRand), seeded through splitmix32.

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d = 1;

  constructor(seed: number) {
    let s = seed >>> 0;
    const split = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = split();
    this.#b = split();
    this.#c = split();
    for (let i = 0; i < 12; i++) this.u32(); // mix the seed in before the first draw
  }

  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number { return this.u32() / 4294967296; }

  /** True with probability `p`. */
  chance(p: number): boolean { return this.next() < p; }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number { return lo + this.next() * (hi - lo); }

  /** Exponentially distributed with this mean. */
  exp(mean: number): number { return -mean * Math.log(1 - this.next()); }

  /** Log-normal with this median, and `sigma` the standard deviation of its logarithm. */
  logNormal(median: number, sigma: number): number {
    // Box-Muller; one of the pair is enough here
    const u = 1 - this.next(), v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }

  /** One of `items`, drawn by `weights`. */
  pick<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }
}
