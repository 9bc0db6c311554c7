/**
 * Confidence intervals for indicators, following the Public Health England "Technical
 * Guide: Confidence Intervals" (the methods Fingertips publishes with), so a partnership's
 * figures can be set beside the published PHOF ones.
 */
import { poissonCdf, twoSidedZ } from './distributions.ts';

export type Interval = { lower: number; upper: number };

export type RateInterval = Interval & { rate: number };

export type ProportionInterval = Interval & { proportion: number };

/**
 * Below this count Byar's approximation is replaced by the exact Poisson limits, as the
 * PHE guide and its reference implementation (PHEindicatormethods::phe_rate) do.
 */
export const BYAR_MINIMUM_COUNT = 10;

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
}

/**
 * Exact Poisson limits: the means at which the observed count sits in the α/2 tail
 * (Garwood 1936; equivalently χ² quantiles). Bisection on the Poisson CDF is enough because
 * it is only used for counts below ten.
 */
export function exactPoissonInterval(count: number, level: number): Interval {
  assertCount(count, 'count');
  const alpha = 1 - level;
  twoSidedZ(level); // validates the level
  // Both limits solve poissonCdf(k, mean) = target, and the CDF falls as the mean rises.
  const solve = (k: number, target: number): number => {
    let lo = 0;
    let hi = count + 50;
    while (poissonCdf(k, hi) > target) hi *= 2;
    for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
      const mid = (lo + hi) / 2;
      if (poissonCdf(k, mid) > target) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  // Lower: P(X ≥ count) = α/2, i.e. P(X ≤ count − 1) = 1 − α/2. Upper: P(X ≤ count) = α/2.
  const lower = count === 0 ? 0 : solve(count - 1, 1 - alpha / 2);
  const upper = solve(count, alpha / 2);
  return { lower, upper };
}

/**
 * Interval for a Poisson count: Byar's approximation for counts of ten or more,
 * exact Poisson limits below that.
 */
export function byarInterval(count: number, level = 0.95): Interval {
  assertCount(count, 'count');
  if (count < BYAR_MINIMUM_COUNT) return exactPoissonInterval(count, level);
  const z = twoSidedZ(level);
  const o = count;
  const lower = o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3;
  const upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1))) ** 3;
  return { lower, upper };
}

/** Crude rate per `per` (e.g. 1,000 residents) with the count's interval scaled alike. */
export function rateInterval(count: number, denominator: number, per: number, level = 0.95): RateInterval {
  if (!(denominator > 0)) throw new RangeError(`Denominator must be positive, got ${denominator}`);
  const { lower, upper } = byarInterval(count, level);
  const scale = per / denominator;
  return { rate: count * scale, lower: lower * scale, upper: upper * scale };
}

/** Wilson score interval for a proportion, without continuity correction (as PHE uses). */
export function wilsonInterval(numerator: number, denominator: number, level = 0.95): ProportionInterval {
  assertCount(numerator, 'numerator');
  assertCount(denominator, 'denominator');
  if (denominator === 0) throw new RangeError('Denominator must be positive for a proportion');
  if (numerator > denominator) throw new RangeError(`Numerator ${numerator} exceeds denominator ${denominator}`);
  const z = twoSidedZ(level);
  const n = denominator;
  const o = numerator;
  const p = o / n;
  const centre = 2 * o + z * z;
  const half = z * Math.sqrt(z * z + 4 * o * (1 - p));
  const divisor = 2 * (n + z * z);
  // Clamp: at 0 and n the formula gives exactly 0 and 1 but rounding can land a hair outside.
  return {
    proportion: p,
    lower: o === 0 ? 0 : Math.max(0, (centre - half) / divisor),
    upper: o === n ? 1 : Math.min(1, (centre + half) / divisor),
  };
}
