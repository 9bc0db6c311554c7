/**
 * Fingertips-style comparison with a benchmark: significance is read off the indicator's
 * own confidence interval, and an interval that touches or straddles the benchmark is
 * "similar" (PHE, Fingertips "Comparing with a benchmark" / Technical Guide: Confidence
 * Intervals — the interval must lie wholly above or wholly below).
 */
export type Polarity = 'low-is-good' | 'high-is-good' | 'none';

export type PolarComparison = 'better' | 'similar' | 'worse';

export type NeutralComparison = 'lower' | 'similar' | 'higher';

export type BenchmarkComparison = PolarComparison | NeutralComparison;

export function compareWithBenchmark(lower: number, upper: number, benchmark: number, polarity: 'none'): NeutralComparison;
export function compareWithBenchmark(
  lower: number,
  upper: number,
  benchmark: number,
  polarity: 'low-is-good' | 'high-is-good',
): PolarComparison;
export function compareWithBenchmark(lower: number, upper: number, benchmark: number, polarity: Polarity): BenchmarkComparison;
export function compareWithBenchmark(lower: number, upper: number, benchmark: number, polarity: Polarity): BenchmarkComparison {
  if ([lower, upper, benchmark].some(Number.isNaN)) throw new RangeError('Interval and benchmark must be numbers');
  if (lower > upper) throw new RangeError(`Lower limit ${lower} is above upper limit ${upper}`);
  const side: NeutralComparison = lower > benchmark ? 'higher' : upper < benchmark ? 'lower' : 'similar';
  if (polarity === 'none' || side === 'similar') return side;
  const good = polarity === 'high-is-good' ? 'higher' : 'lower';
  return side === good ? 'better' : 'worse';
}
