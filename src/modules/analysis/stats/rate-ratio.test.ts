import { describe, expect, it } from 'vitest';
import { binomialPmf } from './distributions.ts';
import { binomialTestTwoSided, poissonRateRatioTest, yearOnYear } from './rate-ratio.ts';

// Method: Armitage P, Berry G, Matthews JNS, Statistical Methods in Medical Research (4th ed.),
// §5.2 comparison of two Poisson counts conditional on their total; exact limits for the
// ratio from the Clopper–Pearson limits of the binomial share.

/** R's binom.test definition, summed over every outcome: the reference the tail search must equal. */
function exhaustiveTwoSided(x: number, n: number, p: number): number {
  const observed = binomialPmf(x, n, p) * (1 + 1e-7);
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    const d = binomialPmf(i, n, p);
    if (d <= observed) sum += d;
  }
  return Math.min(1, sum);
}

describe('binomialTestTwoSided', () => {
  it('equals the sum over every outcome, at small and large n and skewed p', () => {
    const cases: Array<[number, number, number]> = [
      [0, 10, 0.5], [10, 10, 0.5], [3, 17, 0.3], [9, 17, 0.3], [50, 120, 0.5], [61, 120, 0.5], [12, 400, 0.02], [2, 400, 0.02],
      [4_900, 10_000, 0.5], [5_050, 10_000, 0.5], [9_720, 19_285, 0.5], [480_000, 1_000_000, 0.5], [250_400, 1_000_000, 0.25],
    ];
    for (const [x, n, p] of cases) expect(binomialTestTwoSided(x, n, p), `${x} of ${n} at ${p}`).toBeCloseTo(exhaustiveTwoSided(x, n, p), 9);
  });

  it('sums the outcomes no more likely than the observed one, worked by hand', () => {
    // Binomial(5, ½): probabilities 1, 5, 10, 10, 5, 1 over 32. Observed 4 (5/32):
    // outcomes 0, 1, 4, 5 are no more likely → (1 + 5 + 5 + 1)/32 = 0.375.
    expect(binomialTestTwoSided(4, 5, 0.5)).toBeCloseTo(0.375, 12);
    // Observed 2 or 3 (the modes): every outcome counts → 1.
    expect(binomialTestTwoSided(2, 5, 0.5)).toBeCloseTo(1, 12);
  });

  it('handles an asymmetric null, worked by hand', () => {
    // Binomial(3, 0.2): P = 0.512, 0.384, 0.096, 0.008. Observed 2 (0.096): outcomes 2, 3 → 0.104.
    expect(binomialTestTwoSided(2, 3, 0.2)).toBeCloseTo(0.104, 12);
  });
});

describe('poissonRateRatioTest', () => {
  it('is exact for 3 against 0 with equal exposure, worked by hand', () => {
    // n = 3, p0 = ½: P(3) = P(0) = 1/8, the least likely outcomes → p = 0.25.
    // Clopper–Pearson lower for 3/3 solves π³ = 0.025 → π = 0.025^(1/3) = 0.292402;
    // ratio = π/(1 − π) = 0.292402/0.707598 = 0.413231. Upper is unbounded (no events in B).
    const r = poissonRateRatioTest(3, 1, 0, 1);
    expect(r.pValue).toBeCloseTo(0.25, 12);
    expect(r.lower).toBeCloseTo(0.025 ** (1 / 3) / (1 - 0.025 ** (1 / 3)), 8);
    expect(r.upper).toBe(Number.POSITIVE_INFINITY);
    expect(r.ratio).toBe(Number.POSITIVE_INFINITY);
  });

  it('reproduces the published eba1977 example (Fredericia against three other cities, ages 55–59)', () => {
    // R Core Team, documentation of stats::poisson.test, example "eba1977":
    // poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) →
    // rate ratio 1.971488, p-value = 0.07967, 95 percent CI 0.8584264 4.2772659.
    const r = poissonRateRatioTest(11, 800, 21, 3011);
    expect(r.ratio).toBeCloseTo(1.971488, 6);
    expect(r.pValue).toBeCloseTo(0.07967, 5);
    expect(r.lower).toBeCloseTo(0.8584264, 6);
    expect(r.upper).toBeCloseTo(4.2772659, 6);
  });

  it('returns an uninformative result when there are no events at all', () => {
    const r = poissonRateRatioTest(0, 1, 0, 1);
    expect(r.pValue).toBe(1);
    expect(r.lower).toBe(0);
    expect(r.upper).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isNaN(r.ratio)).toBe(true);
  });

  it('rejects non-counts and empty exposures', () => {
    expect(() => poissonRateRatioTest(1.5, 1, 2, 1)).toThrow(RangeError);
    expect(() => poissonRateRatioTest(1, 0, 2, 1)).toThrow(RangeError);
  });
});

describe('yearOnYear', () => {
  it('says 112 against 100 (up 12%) is noise', () => {
    // Conditional test: 112 of 212 under Binomial(212, ½). The normal approximation worked by
    // hand, z = (112 − 106)/√53 = 0.824, two-sided p ≈ 0.41; the exact value is a little
    // larger (0.4500, as R's binom.test(112, 212) also gives). Clearly not significant.
    const r = yearOnYear(112, 100);
    expect(r.change).toBeCloseTo(0.12, 12);
    expect(r.pValue).toBeCloseTo(0.450037, 5);
    expect(r.lower).toBeLessThan(1);
    expect(r.upper).toBeGreaterThan(1);
  });

  it('says the same 12% rise on 5,000 against 4,464 is not noise', () => {
    // z ≈ (5000 − 4732)/√(9464/4) = 268/48.64 = 5.51 → p ≈ 4e-8.
    const r = yearOnYear(5000, 4464);
    expect(r.pValue).toBeLessThan(1e-6);
    expect(r.lower).toBeGreaterThan(1);
  });
});
