import { describe, expect, it } from 'vitest';
import { byarInterval, exactPoissonInterval, rateInterval, wilsonInterval } from './intervals.ts';

// Reference: Public Health England, "Technical Guide: Confidence Intervals" (Fingertips
// methods), which gives Byar's method for counts and the Wilson score method for proportions,
// and exact Poisson limits where the count is small.

describe('byarInterval', () => {
  it('matches Byar’s formula worked by hand for O = 10 at 95%', () => {
    // z = 1.959964.
    // Lower = O(1 − 1/(9O) − z/(3√O))³ = 10(1 − 0.0111111 − 1.959964/9.486833)³
    //       = 10(1 − 0.0111111 − 0.2065989)³ = 10 · 0.7822900³ = 10 · 0.4787450 = 4.787450.
    // Upper = (O+1)(1 − 1/(9(O+1)) + z/(3√(O+1)))³ = 11(1 − 0.0101010 + 1.959964/9.949874)³
    //       = 11(1 − 0.0101010 + 0.1969838)³ = 11 · 1.1868828³ = 11 · 1.6719508 = 18.391459.
    const { lower, upper } = byarInterval(10, 0.95);
    expect(lower).toBeCloseTo(4.78745, 4);
    expect(upper).toBeCloseTo(18.39146, 4);
  });

  it('matches Byar’s formula worked by hand for O = 100 at 99.8%', () => {
    // z = 3.090232. Lower = 100(1 − 1/900 − 3.090232/30)³ = 100(0.8958812)³ = 71.9037.
    // Upper = 101(1 − 1/909 + 3.090232/(3·√101))³ = 101(1 − 0.0011001 + 0.1024955)³
    //       = 101 · 1.1013954³ = 101 · 1.3360755 = 134.9436.
    const { lower, upper } = byarInterval(100, 0.998);
    expect(lower).toBeCloseTo(71.9037, 3);
    expect(upper).toBeCloseTo(134.9436, 3);
  });

  it('is close to the exact Poisson limits at O = 10, where the guide switches methods', () => {
    // Exact 95% limits for 10 from published Poisson tables (e.g. Documenta Geigy): 4.7954, 18.3904.
    const { lower, upper } = byarInterval(10);
    expect(Math.abs(lower - 4.7954)).toBeLessThan(0.01);
    expect(Math.abs(upper - 18.3904)).toBeLessThan(0.01);
  });

  it('uses exact Poisson limits below ten', () => {
    expect(byarInterval(5)).toEqual(exactPoissonInterval(5, 0.95));
  });
});

describe('exactPoissonInterval', () => {
  it('solves the Poisson tail equations worked by hand for 0 and 1', () => {
    // O = 0: upper solves e^−m = 0.025 → m = −ln 0.025 = 3.688879; at 99.8%, −ln 0.001 = 6.907755.
    expect(exactPoissonInterval(0, 0.95)).toEqual({ lower: 0, upper: expect.closeTo(3.688879, 5) });
    expect(exactPoissonInterval(0, 0.998).upper).toBeCloseTo(6.907755, 5);
    // O = 1: lower solves 1 − e^−m = 0.025 → m = −ln 0.975 = 0.0253178;
    // upper solves e^−m(1 + m) = 0.025 → m = 5.571643 (published table value 5.5716).
    const one = exactPoissonInterval(1, 0.95);
    expect(one.lower).toBeCloseTo(-Math.log(0.975), 8);
    expect(Math.exp(-one.upper) * (1 + one.upper)).toBeCloseTo(0.025, 10);
    expect(one.upper).toBeCloseTo(5.5716, 4);
  });

  it('matches published exact 95% Poisson limits for 5 (1.6235, 11.6683)', () => {
    const { lower, upper } = exactPoissonInterval(5, 0.95);
    expect(lower).toBeCloseTo(1.6235, 4);
    expect(upper).toBeCloseTo(11.6683, 4);
  });
});

describe('rateInterval', () => {
  it('scales the count interval to the rate', () => {
    // 100 offences in 25,000 residents: 4.0 per 1,000; limits are Byar's 81.3621 and 121.6279 ÷ 25.
    const r = rateInterval(100, 25_000, 1_000);
    expect(r.rate).toBeCloseTo(4, 12);
    expect(r.lower).toBeCloseTo(81.3621 / 25, 4);
    expect(r.upper).toBeCloseTo(121.6279 / 25, 4);
    expect(() => rateInterval(1, 0, 1_000)).toThrow(RangeError);
  });
});

describe('wilsonInterval', () => {
  // Newcombe RG (1998) "Two-sided confidence intervals for the single proportion: comparison
  // of seven methods", Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score,
  // no continuity correction) — the method the PHE guide specifies.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])('%d/%d → %d to %d', (o, n, lower, upper) => {
    const w = wilsonInterval(o, n, 0.95);
    expect(w.lower).toBeCloseTo(lower, 4);
    expect(w.upper).toBeCloseTo(upper, 4);
  });

  it('widens at 99.8%, worked by hand for 1/2', () => {
    // z = 3.090232, z² = 9.549534. (2 + 9.549534 ± 3.090232·√(9.549534 + 2)) / (2·11.549534)
    // √11.549534 = 3.398460; 3.090232·3.398460 = 10.502029.
    // lower = 1.047505/23.099068 = 0.045348; upper = 22.051563/23.099068 = 0.954652.
    const w = wilsonInterval(1, 2, 0.998);
    expect(w.lower).toBeCloseTo(0.045348, 5);
    expect(w.upper).toBeCloseTo(0.954652, 5);
  });

  it('rejects impossible proportions', () => {
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0, 0)).toThrow(RangeError);
  });
});
