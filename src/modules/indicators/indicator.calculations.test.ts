import { describe, expect, it } from 'vitest';
import { classify, crudeRate, spreadOf, standardisedRate, trendWindows } from './indicator.calculations.ts';
import { quantile } from '../analysis/stats/quantile.ts';
import { byarLimits, exactLimits } from '../../../test/support/poisson-reference.ts';

describe('crudeRate', () => {
  it('gives Byar limits at 95% and 99.8% for 10 or more events', () => {
    // 250 violence offences among 48,000 residents: 5.2083 per 1,000.
    const r = crudeRate(250, 48_000, 1000);
    expect(r.value).toBeCloseTo((250 / 48_000) * 1000, 12);
    for (const level of [0.95, 0.998] as const) {
      const [lo, up] = byarLimits(250, level);
      expect(level === 0.95 ? r.lower95 : r.lower998).toBeCloseTo((lo / 48_000) * 1000, 9);
      expect(level === 0.95 ? r.upper95 : r.upper998).toBeCloseTo((up / 48_000) * 1000, 9);
    }
  });

  it('gives exact Poisson limits below 10, at both levels', () => {
    // Published exact 95% limits for 3 events: 0.6187 and 8.7673 (e.g. Documenta Geigy tables).
    expect(exactLimits(3, 0.95)[0]).toBeCloseTo(0.6187, 4);
    expect(exactLimits(3, 0.95)[1]).toBeCloseTo(8.7673, 4);
    for (const o of [0, 1, 3, 9]) {
      const r = crudeRate(o, 5_000, 100_000);
      for (const level of [0.95, 0.998] as const) {
        const [lo, up] = exactLimits(o, level);
        expect(level === 0.95 ? r.lower95 : r.lower998).toBeCloseTo((lo / 5_000) * 100_000, 6);
        expect(level === 0.95 ? r.upper95 : r.upper998).toBeCloseTo((up / 5_000) * 100_000, 6);
      }
    }
  });
});

describe('classify', () => {
  it('compares at each level on its own: significant at 95% but not at 99.8%', () => {
    // 60 events in 10,000 (6.0 per 1,000) against 4.5: 95% Byar lower 4.58 > 4.5 (worse), 99.8% lower 4.07 < 4.5 (similar).
    const r = crudeRate(60, 10_000, 1000);
    expect(byarLimits(60, 0.95)[0] / 10).toBeGreaterThan(4.5);
    expect(byarLimits(60, 0.998)[0] / 10).toBeLessThan(4.5);
    expect(classify(r, 4.5, 'low-is-good')).toEqual({ comparison95: 'worse', comparison998: 'similar' });
    expect(classify(r, 4.5, 'none')).toEqual({ comparison95: 'higher', comparison998: 'similar' });
    expect(classify(r, null, 'none')).toEqual({ comparison95: null, comparison998: null });
    expect(classify(null, 4.5, 'none')).toEqual({ comparison95: null, comparison998: null });
  });
});

describe('quantile and spreadOf', () => {
  it('interpolates between order statistics (type 7, as R and Excel)', () => {
    // Sorted 2, 4, 7, 10, 20: the 25th percentile sits at position (5 − 1) × 0.25 = 1 → 4;
    // the 75th at 3 → 10; for 2, 4, 7, 10 the 25th is at 0.75: 2 + 0.75 × (4 − 2) = 3.5.
    expect(quantile([2, 4, 7, 10, 20], 0.25)).toBe(4);
    expect(quantile([2, 4, 7, 10, 20], 0.75)).toBe(10);
    expect(quantile([2, 4, 7, 10], 0.25)).toBe(3.5);
    expect(spreadOf([10, null, 2, 7, 4])).toEqual({ areas: 4, min: 2, q1: 3.5, median: 5.5, q3: 7.75, max: 10 });
    expect(spreadOf([3, null])).toBeNull();
  });
});

describe('trendWindows', () => {
  it('ends a twelve-month window at every month (rolling) or every twelfth (year), from the first month held', () => {
    expect(trendWindows('2023-05', '2024-06', 'rolling')).toEqual([
      { from: '2023-05', to: '2024-04' }, { from: '2023-06', to: '2024-05' }, { from: '2023-07', to: '2024-06' },
    ]);
    expect(trendWindows('2023-05', '2025-05', 'year')).toEqual([{ from: '2023-06', to: '2024-05' }, { from: '2024-06', to: '2025-05' }]);
    expect(trendWindows('2024-01', '2024-06', 'rolling')).toEqual([]);
  });
});

describe('standardisedRate', () => {
  it('standardises over the ONS bands with the ESP2013 weights they aggregate to', () => {
    // The worked example of dsr.test.ts: 145.1 per 100,000, 95% 87.085 to 223.366.
    const r = standardisedRate({ '0-15': 2, '16-29': 10, '30-44': 8, '45-64': 4, '65+': 1 }, { '0-15': 2000, '16-29': 4000, '30-44': 4000, '45-64': 4000, '65+': 1000 }, 100_000)!;
    expect(r.value).toBeCloseTo(145.1, 9);
    expect(r.lower95).toBeCloseTo(87.085, 2);
    expect(r.upper998).toBeCloseTo(274.430, 2);
    expect(standardisedRate({ '0-15': 2 }, { '0-15': 2000, '16-29': 4000, '30-44': 4000, '45-64': 4000, '65+': 1000 }, 100_000)).toBeNull();
    expect(() => standardisedRate({ '0-17': 12 }, { '0-15': 2000, '16+': 4000 }, 1000)).toThrow(RangeError);
  });
});
