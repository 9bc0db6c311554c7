import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  binomialCdf,
  binomialPmf,
  logGamma,
  normalCdf,
  normalQuantile,
  poissonCdf,
  twoSidedZ,
} from './distributions.ts';

describe('normalCdf', () => {
  // Abramowitz & Stegun (1964) Table 26.1 and its tail table, to the digits published there.
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.96, 0.9750021048517795],
    [-1.96, 0.0249978951482205],
    [2.5758293035489, 0.995],
    [-5, 2.866515718791939e-7],
  ])('Φ(%d) = %d', (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-12);
  });

  it('keeps relative accuracy far into the lower tail, where p-values live', () => {
    // Q(8) = 6.22096057427178e-16 (A&S 26.2.12 tail table); 1 − Φ(8) computed naively would be 6.7e-16.
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 7);
  });
});

describe('normalQuantile', () => {
  // Published critical values: z(0.975) and z(0.999) are the 95% and 99.8% two-sided
  // multipliers in the PHE Technical Guide: Confidence Intervals (1.959964 and 3.090232).
  it.each([
    [0.975, 1.959963984540054],
    [0.025, -1.959963984540054],
    [0.999, 3.090232306167814],
    [0.001, -3.090232306167814],
    [0.5, 0],
    [0.995, 2.575829303548901],
    [1e-10, -6.361340902404056],
  ])('Φ⁻¹(%d) = %d to 1e-9', (p, expected) => {
    expect(Math.abs(normalQuantile(p) - expected)).toBeLessThan(1e-9);
  });

  it('inverts normalCdf across the range, including the Acklam tail branches', () => {
    // Not x = 6 in the upper tail: a double p = Φ(6) = 1 − 1e-9 carries only ~7 digits of its
    // tail, so no inverse can return 6 to 1e-9; the lower tail (x = −7) has no such limit.
    for (const x of [-7, -4.2, -2.1, -0.3, 0.01, 1.5, 2.2, 3.7]) {
      expect(Math.abs(normalQuantile(normalCdf(x)) - x)).toBeLessThan(1e-9);
    }
  });

  it('gives the PHE multipliers from confidence levels', () => {
    expect(twoSidedZ(0.95)).toBeCloseTo(1.959964, 6);
    expect(twoSidedZ(0.998)).toBeCloseTo(3.090232, 6);
    expect(() => twoSidedZ(95)).toThrow(RangeError);
  });
});

describe('logGamma', () => {
  it('matches factorials and Γ(½) = √π', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12); // Γ(10) = 9!
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(171)).toBeCloseTo(706.5730622457874, 9); // ln 170! (A&S 6.1 Stirling check)
  });
});

describe('binomial', () => {
  it('gives hand-worked probabilities for Binomial(10, 0.3)', () => {
    // P(X=0) = 0.7^10 = 0.0282475249; P(X=1) = 10·0.3·0.7^9 = 0.121060821;
    // P(X=2) = 45·0.09·0.7^8 = 0.2334744405; P(X=3) = 120·0.027·0.7^7 = 0.266827932.
    expect(binomialPmf(3, 10, 0.3)).toBeCloseTo(0.266827932, 12);
    const cdf3 = 0.0282475249 + 0.121060821 + 0.2334744405 + 0.266827932; // 0.6496107184
    expect(binomialCdf(3, 10, 0.3)).toBeCloseTo(cdf3, 12);
    expect(binomialCdf(10, 10, 0.3)).toBe(1);
    expect(binomialCdf(-1, 10, 0.3)).toBe(0);
  });

  it('is exact for a symmetric fair coin: P(X ≤ 2 | n = 4) = (1 + 4 + 6)/16', () => {
    expect(binomialCdf(2, 4, 0.5)).toBeCloseTo(11 / 16, 14);
  });

  it('stays exact in the far tail of a large n', () => {
    // P(X ≤ 0 | n = 1000, p = 0.01) = 0.99^1000 — a closed form the incomplete beta must reproduce.
    expect(binomialCdf(0, 1000, 0.01) / 0.99 ** 1000).toBeCloseTo(1, 10);
  });

  it('gives Beta quantiles that invert the incomplete beta: Beta(1, b) has CDF 1 − (1 − x)^b', () => {
    // Solve 1 − (1 − x)^5 = 0.025: x = 1 − 0.975^(1/5).
    expect(betaQuantile(0.025, 1, 5)).toBeCloseTo(1 - 0.975 ** (1 / 5), 12);
  });
});

describe('poissonCdf', () => {
  it('matches e^−m (1 + m + m²/2)', () => {
    const m = 2.5;
    expect(poissonCdf(2, m)).toBeCloseTo(Math.exp(-m) * (1 + m + (m * m) / 2), 14);
  });
});
