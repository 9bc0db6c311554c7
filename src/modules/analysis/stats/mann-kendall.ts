/**
 * Mann–Kendall test for a monotonic trend (Mann 1945; Kendall 1975, Rank Correlation
 * Methods). Distribution-free, so a single spike month does not manufacture a trend the way
 * a least-squares slope can.
 */
import { normalCdf } from './distributions.ts';

export type Trend = 'increasing' | 'decreasing' | 'no trend';

export type MannKendallResult = {
  s: number;
  /** Variance of S under no trend, reduced for tied values. */
  varS: number;
  /** Normal score with continuity correction. */
  z: number;
  /** Two-sided p-value from the normal approximation. */
  pValue: number;
  trend: Trend;
};

export function mannKendall(values: readonly number[], alpha = 0.05): MannKendallResult {
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError('Mann–Kendall needs finite values');
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${alpha}`);
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const vi = values[i] as number;
    for (let j = i + 1; j < n; j++) s += Math.sign((values[j] as number) - vi);
  }
  const tieGroups = new Map<number, number>();
  for (const v of values) tieGroups.set(v, (tieGroups.get(v) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieGroups.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  // S moves in steps of 2 (1 with ties); the correction moves it half-way to zero so the
  // normal tail approximates the discrete one.
  const z = varS <= 0 || s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS);
  const pValue = Math.min(1, 2 * normalCdf(-Math.abs(z)));
  const trend: Trend = pValue < alpha ? (s > 0 ? 'increasing' : 'decreasing') : 'no trend';
  return { s, varS, z, pValue, trend };
}

/**
 * Exact P(S ≥ s) under no trend for n distinct values: S = n(n−1)/2 − 2·(inversions), and
 * the count of permutations by inversions is the Mahonian number. The normal approximation
 * is poor for short series (a CSP often has five or six years), so this is offered for them.
 */
export function mannKendallExactUpperTail(n: number, s: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 40) throw new RangeError(`n must be a whole number from 1 to 40, got ${n}`);
  const maxInv = (n * (n - 1)) / 2;
  let counts = [1];
  for (let k = 2; k <= n; k++) {
    // Inserting the k-th element adds 0..k−1 inversions.
    const next = new Array<number>(counts.length + k - 1).fill(0);
    for (let i = 0; i < counts.length; i++) {
      for (let j = 0; j < k; j++) next[i + j] = (next[i + j] as number) + (counts[i] as number);
    }
    counts = next;
  }
  let total = 0;
  let tail = 0;
  for (let inv = 0; inv <= maxInv; inv++) {
    const c = counts[inv] as number;
    total += c;
    if (maxInv - 2 * inv >= s) tail += c;
  }
  return tail / total;
}
