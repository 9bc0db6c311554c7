import { describe, expect, it } from 'vitest';
import { mannKendall, mannKendallExactUpperTail } from './mann-kendall.ts';

// Formulas: Kendall MG (1975) Rank Correlation Methods, 4th ed. (variance of S with the tie
// correction Σ t(t−1)(2t+5)); the test itself from Mann HB (1945) Econometrica 13:245–259.

describe('mannKendall', () => {
  it('scores a strictly rising series, worked by hand', () => {
    // n = 5: every one of the 10 pairs rises → S = 10. Var S = 5·4·15/18 = 16.6667.
    // z = (10 − 1)/√16.6667 = 9/4.082483 = 2.204541; p = 2(1 − Φ(2.204541)) = 0.027486.
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.varS).toBeCloseTo(300 / 18, 12);
    expect(r.z).toBeCloseTo(2.204541, 6);
    expect(r.pValue).toBeCloseTo(0.027486, 6);
    expect(r.trend).toBe('increasing');
  });

  it('reduces the variance for ties, worked by hand', () => {
    // [1, 2, 2, 3]: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5.
    // One tie group of t = 2: Var S = [4·3·13 − 2·1·9]/18 = (156 − 18)/18 = 7.666667.
    // z = (5 − 1)/√7.666667 = 4/2.768875 = 1.444630; p = 0.148562 → no trend at 5%.
    const r = mannKendall([1, 2, 2, 3]);
    expect(r.s).toBe(5);
    expect(r.varS).toBeCloseTo(138 / 18, 12);
    expect(r.z).toBeCloseTo(1.44463, 5);
    expect(r.pValue).toBeCloseTo(0.148562, 5);
    expect(r.trend).toBe('no trend');
  });

  it('finds a noisy rise over eight periods, worked by hand', () => {
    // [10, 12, 11, 15, 14, 18, 17, 20]; S by first element of each pair:
    // 10: +7; 12: +5 −1 = 4; 11: +5; 15: +3 −1 = 2; 14: +3; 18: +1 −1 = 0; 17: +1 → S = 22.
    // Var S = 8·7·21/18 = 65.3333; z = 21/8.082904 = 2.598076; p = 0.009375.
    const r = mannKendall([10, 12, 11, 15, 14, 18, 17, 20]);
    expect(r.s).toBe(22);
    expect(r.z).toBeCloseTo(2.598076, 6);
    expect(r.pValue).toBeCloseTo(0.009375, 6);
    expect(r.trend).toBe('increasing');
    expect(mannKendall([10, 12, 11, 15, 14, 18, 17, 20], 0.005).trend).toBe('no trend');
  });

  it('is symmetric for a falling series', () => {
    const r = mannKendall([5, 4, 3, 2, 1]);
    expect(r.s).toBe(-10);
    expect(r.z).toBeCloseTo(-2.204541, 6);
    expect(r.trend).toBe('decreasing');
  });

  it('reports no trend for a flat or too-short series', () => {
    expect(mannKendall([3, 3, 3])).toMatchObject({ s: 0, varS: 0, z: 0, pValue: 1, trend: 'no trend' });
    expect(mannKendall([7])).toMatchObject({ s: 0, pValue: 1, trend: 'no trend' });
    expect(() => mannKendall([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('mannKendallExactUpperTail', () => {
  // Kendall (1975), Appendix Table 1: probability that S attains or exceeds the value, n = 4–6.
  it.each([
    [4, 6, 0.042],
    [4, 4, 0.167],
    [5, 10, 0.0083],
    [5, 8, 0.042],
    [5, 6, 0.117],
    [6, 15, 0.0014],
    [6, 13, 0.0083],
    [6, 11, 0.028],
    [6, 9, 0.068],
  ])('n = %d, P(S ≥ %d) = %d', (n, s, p) => {
    const digits = p < 0.01 ? 4 : 3;
    expect(mannKendallExactUpperTail(n, s)).toBeCloseTo(p, digits);
  });

  it('is exactly 1/n! at the maximum S', () => {
    expect(mannKendallExactUpperTail(6, 15)).toBeCloseTo(1 / 720, 14);
    expect(mannKendallExactUpperTail(6, -15)).toBe(1);
  });
});
