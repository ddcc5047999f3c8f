import { describe, expect, it } from 'vitest';
import { seconds } from '../../src/core/layout.js';

// The definition: the decimal written out, then parsed, which rounds once to the nearest double.
const exact = (ns: bigint) => {
  const a = ns < 0n ? -ns : ns;
  const v = Number(`${a / 1_000_000_000n}.${(a % 1_000_000_000n).toString().padStart(9, '0')}`);
  return ns < 0n ? -v : v;
};

describe('seconds(ns)', () => {
  it('gives the double nearest the exact decimal, at the edges of its two ways', () => {
    const edges = [0n, 1n, 999_999_999n, 1_000_000_000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n,
      2n ** 63n - 1n, 1_700_000_000_123_456_789n, 1_000_000_000_000_000_001n];
    for (const ns of edges) for (const x of [ns, -ns]) expect(seconds(x)).toBe(exact(x));
  });

  it('agrees with it on random capture times and durations', () => {
    let state = 0x2545f491n;
    const next = () => (state = (state * 6364136223846793005n + 1442695040888963407n) & (2n ** 64n - 1n));
    for (let i = 0; i < 200_000; i++) {
      const r = next();
      const ns = i % 3 === 0 ? 1_500_000_000_000_000_000n + (r % 10n ** 17n) // epoch times around 2017-2020
        : i % 3 === 1 ? r % (2n ** 53n) // durations
          : (r >> 1n); // anything up to 2^63
      expect(seconds(ns)).toBe(exact(ns));
    }
    // fractions with short binary expansions, which the division represents exactly
    for (let s = 2n ** 23n; s < 2n ** 33n; s = s * 3n + 1n) {
      for (const f of [500_000_000n, 250_000_000n, 125_000_000n, 62_500_000n, 1_953_125n * 256n]) {
        expect(seconds(s * 1_000_000_000n + f)).toBe(exact(s * 1_000_000_000n + f));
      }
    }
  });
});
