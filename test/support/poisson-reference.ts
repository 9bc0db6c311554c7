/**
 * Confidence limits for a count, written out here rather than taken from Lantern's
 * statistics code, so that tests check that code against an independent reference:
 * Byar's formula, exact (Garwood) Poisson limits by bisection on a Poisson sum coded below,
 * and z from normal tables.
 */

export type Level = 0.95 | 0.998;

export const Z: Readonly<Record<Level, number>> = { 0.95: 1.959963985, 0.998: 3.090232306 };

export function poissonCdf(k: number, mean: number): number {
  let term = Math.exp(-mean);
  let sum = term;
  for (let i = 1; i <= k; i++) { term *= mean / i; sum += term; }
  return sum;
}

/** Exact limits: P(X ≥ o | lower) = α/2 and P(X ≤ o | upper) = α/2, by bisection (counts below 30). */
export function exactLimits(o: number, level: Level): [number, number] {
  const half = (1 - level) / 2;
  const solve = (above: (m: number) => boolean) => {
    let lo = 0;
    let hi = 100;
    for (let i = 0; i < 200; i++) { const mid = (lo + hi) / 2; if (above(mid)) lo = mid; else hi = mid; }
    return (lo + hi) / 2;
  };
  return [o === 0 ? 0 : solve((m) => 1 - poissonCdf(o - 1, m) < half), solve((m) => poissonCdf(o, m) > half)];
}

export function byarLimits(o: number, level: Level): [number, number] {
  const z = Z[level];
  return [o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3, (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1))) ** 3];
}

/** The rule Public Health England's tools follow: Byar's limits for 10 or more events, exact limits below. */
export function countLimits(o: number, level: Level): [number, number] {
  return o >= 10 ? byarLimits(o, level) : exactLimits(o, level);
}
