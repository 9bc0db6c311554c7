/**
 * The arithmetic of an indicator, apart from where its counts come from: the value with
 * its 95% and 99.8% limits (both levels everywhere, as Fingertips publishes them), the
 * comparison with a benchmark at each level, the spread of areas for the spine chart and
 * the periods of a trend.
 */
import { compareWithBenchmark, type BenchmarkComparison, type Polarity } from '../analysis/stats/compare.ts';
import { directlyStandardisedRate, esp2013Weights, parseAgeBand } from '../analysis/stats/dsr.ts';
import { rateInterval } from '../analysis/stats/intervals.ts';
import { addMonths, monthsBetween } from '../analysis/filters.ts';
import { quantile } from '../analysis/stats/quantile.ts';

export type Limits = { value: number; lower95: number; upper95: number; lower998: number; upper998: number };

/** A crude rate per `multiplier` with Byar's limits (exact Poisson below ten) at both levels. */
export function crudeRate(count: number, population: number, multiplier: number): Limits {
  const a = rateInterval(count, population, multiplier, 0.95);
  const b = rateInterval(count, population, multiplier, 0.998);
  return { value: a.rate, lower95: a.lower, upper95: a.upper, lower998: b.lower, upper998: b.upper };
}

/**
 * A directly age-standardised rate (ESP2013, Dobson limits) from counts and residents by
 * the same age bands; null below ten events, where PHE publishes none.
 */
export function standardisedRate(countsByBand: Record<string, number>, populationByBand: Record<string, number>, multiplier: number): Limits | null {
  const labels = Object.keys(populationByBand);
  const missing = Object.keys(countsByBand).filter((band) => !(band in populationByBand));
  if (missing.length) throw new RangeError(`No residents are known for the age band${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  const weights = esp2013Weights(labels.map(parseAgeBand));
  const strata = labels.map((band, i) => ({ count: countsByBand[band] ?? 0, population: populationByBand[band]!, weight: weights[i]! }));
  const a = directlyStandardisedRate(strata, multiplier, 0.95);
  const b = directlyStandardisedRate(strata, multiplier, 0.998);
  if (!a || !b) return null;
  return { value: a.rate, lower95: a.lower, upper95: a.upper, lower998: b.lower, upper998: b.upper };
}

/** The comparison at each level; null without an interval or a benchmark. */
export function classify(limits: Limits | null, benchmark: number | null, polarity: Polarity): { comparison95: BenchmarkComparison | null; comparison998: BenchmarkComparison | null } {
  if (!limits || benchmark === null) return { comparison95: null, comparison998: null };
  return {
    comparison95: compareWithBenchmark(limits.lower95, limits.upper95, benchmark, polarity),
    comparison998: compareWithBenchmark(limits.lower998, limits.upper998, benchmark, polarity),
  };
}

export type Spread = { areas: number; min: number; q1: number; median: number; q3: number; max: number };

/** The spread of the areas' values drawn as the spine; null with fewer than two values. */
export function spreadOf(values: ReadonlyArray<number | null>): Spread | null {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (sorted.length < 2) return null;
  return { areas: sorted.length, min: sorted[0]!, q1: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q3: quantile(sorted, 0.75), max: sorted[sorted.length - 1]! };
}

export type TrendMode = 'rolling' | 'year';

export type TrendWindow = { from: string; to: string };

/**
 * The periods of a trend, each twelve months long so that every point is a rate for a
 * year and none is seasonal: 'rolling' ends one at every month, 'year' steps back a whole
 * year at a time from the period's last month (so the last point is the period itself).
 * Only windows that start on or after `first` (the first month with data) are kept.
 */
export function trendWindows(first: string, to: string, mode: TrendMode, maxPoints = mode === 'rolling' ? 36 : 6): TrendWindow[] {
  const windows: TrendWindow[] = [];
  const step = mode === 'rolling' ? 1 : 12;
  for (let end = to; windows.length < maxPoints; end = addMonths(end, -step)) {
    const start = addMonths(end, -11);
    if (start < first) break;
    windows.unshift({ from: start, to: end });
  }
  return windows;
}

/** Sum of a monthly series over a window. */
export function windowSum(byMonth: ReadonlyMap<string, number>, window: TrendWindow): number {
  return monthsBetween(window.from, window.to).reduce((sum, m) => sum + (byMonth.get(m) ?? 0), 0);
}
