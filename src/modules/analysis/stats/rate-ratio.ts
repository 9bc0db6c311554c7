/**
 * "Up 12% year on year: is it noise?" Two Poisson counts are compared conditionally on
 * their total (Armitage & Berry, Statistical Methods in Medical Research, exact comparison
 * of two Poisson counts): given n = a + b, a ~ Binomial(n, exposureA / (exposureA + exposureB))
 * when the rates are equal. The exposures cancel from the nuisance rate, so the test is exact.
 */
import { betaQuantile, binomialCdf, binomialPmf } from './distributions.ts';

export type RateRatioResult = {
  /** (countA / exposureA) ÷ (countB / exposureB). */
  ratio: number;
  /** Two-sided exact conditional p-value. */
  pValue: number;
  lower: number;
  upper: number;
  level: number;
};

export type YearOnYearResult = RateRatioResult & {
  /** Proportional change, e.g. 0.12 for "up 12%". */
  change: number;
};

// R's binom.test uses the same tolerance so that outcomes equal in probability to the
// observed one, but for rounding, count as "at least as extreme".
const RELATIVE_TOLERANCE = 1 + 1e-7;

/**
 * Two-sided p-value of the exact binomial test by the "minimum likelihood" rule: the total
 * probability of every outcome no more likely than the one observed. Doubling the smaller
 * tail is the other convention; this one never exceeds 1 and is what R's binom.test and
 * poisson.test report, which lets the figures be checked there.
 */
export function binomialTestTwoSided(x: number, n: number, p: number): number {
  if (n === 0) return 1;
  const d = binomialPmf(x, n, p) * RELATIVE_TOLERANCE;
  if (p <= 0 || p >= 1) {
    let sum = 0;
    for (const i of [0, n]) if (binomialPmf(i, n, p) <= d) sum += binomialPmf(i, n, p);
    return Math.min(1, sum);
  }
  // The pmf rises to the mode and falls after it, so the outcomes no more likely than x are
  // two tails: [0, left] and [right, n], each found by bisection, summed from the CDF.
  const lo = Math.floor(n * p);
  let a = -1;
  let b = lo;
  if (binomialPmf(lo, n, p) <= d) a = lo;
  else while (b - a > 1) { const mid = Math.floor((a + b) / 2); if (binomialPmf(mid, n, p) <= d) a = mid; else b = mid; }
  let c = lo;
  let e = n + 1;
  if (lo + 1 <= n && binomialPmf(lo + 1, n, p) <= d) e = lo + 1;
  else while (e - c > 1) { const mid = Math.floor((c + e) / 2); if (binomialPmf(mid, n, p) <= d) e = mid; else c = mid; }
  const lower = a >= 0 ? binomialCdf(a, n, p) : 0;
  const upper = e <= n ? binomialCdf(n - e, n, 1 - p) : 0;
  return Math.min(1, lower + upper);
}

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
}

export function poissonRateRatioTest(
  countA: number,
  exposureA: number,
  countB: number,
  exposureB: number,
  level = 0.95,
): RateRatioResult {
  assertCount(countA, 'countA');
  assertCount(countB, 'countB');
  if (!(exposureA > 0) || !(exposureB > 0)) throw new RangeError('Exposures must be positive');
  if (!(level > 0 && level < 1)) throw new RangeError(`Confidence level must be between 0 and 1, got ${level}`);
  const n = countA + countB;
  const p0 = exposureA / (exposureA + exposureB);
  const ratio = n === 0 ? Number.NaN : countA / exposureA / (countB / exposureB);
  const alpha = 1 - level;
  // Clopper–Pearson limits for the share of events in A, mapped to the rate ratio through
  // ratio = [π / (1 − π)] · (exposureB / exposureA), which is monotone in π.
  const piLower = countA === 0 ? 0 : betaQuantile(alpha / 2, countA, countB + 1);
  const piUpper = countB === 0 ? 1 : betaQuantile(1 - alpha / 2, countA + 1, countB);
  const toRatio = (pi: number): number => (pi >= 1 ? Number.POSITIVE_INFINITY : (pi / (1 - pi)) * (exposureB / exposureA));
  return {
    ratio,
    pValue: binomialTestTwoSided(countA, n, p0),
    lower: toRatio(piLower),
    upper: toRatio(piUpper),
    level,
  };
}

/** Current against previous period with equal exposure (same area, same length of period). */
export function yearOnYear(current: number, previous: number, level = 0.95): YearOnYearResult {
  const result = poissonRateRatioTest(current, 1, previous, 1, level);
  return { ...result, change: result.ratio - 1 };
}
