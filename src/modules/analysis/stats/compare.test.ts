import { describe, expect, it } from 'vitest';
import { compareWithBenchmark } from './compare.ts';
import { rateInterval } from './intervals.ts';

// Rule: Public Health England, Fingertips "Technical Guide: Confidence Intervals", comparison
// with a benchmark — significantly different only when the whole interval lies on one side.

describe('compareWithBenchmark', () => {
  it('applies polarity for violence indicators, where low is good', () => {
    expect(compareWithBenchmark(21.2, 24.9, 20.0, 'low-is-good')).toBe('worse');
    expect(compareWithBenchmark(15.1, 18.3, 20.0, 'low-is-good')).toBe('better');
    expect(compareWithBenchmark(18.4, 21.7, 20.0, 'low-is-good')).toBe('similar');
  });

  it('reverses for indicators where high is good', () => {
    expect(compareWithBenchmark(21.2, 24.9, 20.0, 'high-is-good')).toBe('better');
    expect(compareWithBenchmark(15.1, 18.3, 20.0, 'high-is-good')).toBe('worse');
  });

  it('says lower or higher when there is no polarity', () => {
    expect(compareWithBenchmark(21.2, 24.9, 20.0, 'none')).toBe('higher');
    expect(compareWithBenchmark(15.1, 18.3, 20.0, 'none')).toBe('lower');
    expect(compareWithBenchmark(18.4, 21.7, 20.0, 'none')).toBe('similar');
  });

  it('counts an interval that touches the benchmark as similar', () => {
    expect(compareWithBenchmark(20.0, 24.9, 20.0, 'low-is-good')).toBe('similar');
    expect(compareWithBenchmark(15.1, 20.0, 20.0, 'none')).toBe('similar');
  });

  it('works end to end from a count: B12b-style rate against England', () => {
    // 300 violence offences in 10,000 residents = 30 per 1,000; Byar 95% limits
    // 300(1 − 1/2700 − 1.959964/51.961524)³ = 300(1 − 0.0003704 − 0.0377195)³
    // = 300 · 0.9619101³ = 300 · 0.8900278 = 267.008 → 26.70 per 1,000, so the
    // interval lies wholly above a benchmark of 25 per 1,000 and the area is worse.
    const r = rateInterval(300, 10_000, 1_000);
    expect(r.lower).toBeCloseTo(26.7008, 3);
    expect(compareWithBenchmark(r.lower, r.upper, 25, 'low-is-good')).toBe('worse');
    expect(compareWithBenchmark(r.lower, r.upper, 28, 'low-is-good')).toBe('similar');
  });

  it('rejects an inverted interval', () => {
    expect(() => compareWithBenchmark(5, 4, 4.5, 'none')).toThrow(RangeError);
  });
});
