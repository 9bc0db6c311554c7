import { describe, expect, it } from 'vitest';
import { nearestCodes, NO_CHARACTERISTICS, rankBySimilarity, withDensity, type Characteristics } from './similarity.ts';

const place = (density: number | null, deprivedShare: number | null): Characteristics => ({ ...NO_CHARACTERISTICS, density, deprivedShare });

/**
 * Worked by hand. Density over the four places (own 10, A 12, B 10, C 4): mean 9, squared
 * deviations 1 + 9 + 1 + 25 = 36, sample variance 36 / 3 = 12. Deprived share (0.2, 0.2,
 * 0.4, 0.1): mean 0.225, squared deviations 0.000625 + 0.000625 + 0.030625 + 0.015625 =
 * 0.0475, variance 0.0475 / 3. Squared distances from own:
 *   A: (2² / 12) + 0                       = 1/3
 *   B: 0 + (0.2² / (0.0475 / 3))           = 0.12 / 0.0475 = 2.526315…
 *   C: (6² / 12) + (0.1² / (0.0475 / 3))   = 3 + 0.03 / 0.0475 = 3.631578…
 */
describe('most similar comparators: standardised Euclidean distance', () => {
  const own = place(10, 0.2);
  const candidates = [
    { code: 'C', values: place(4, 0.1) },
    { code: 'B', values: place(10, 0.4) },
    { code: 'A', values: place(12, 0.2) },
  ];

  it('ranks comparators by their distance on z-scores over the comparators and the partnership', () => {
    const result = rankBySimilarity(own, candidates, ['density', 'deprivedShare']);
    expect(result.ranked.map((r) => r.code)).toEqual(['A', 'B', 'C']);
    expect(result.ranked[0]!.distance).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(result.ranked[1]!.distance).toBeCloseTo(Math.sqrt(0.12 / 0.0475), 12);
    expect(result.ranked[2]!.distance).toBeCloseTo(Math.sqrt(3 + 0.03 / 0.0475), 12);
    expect(result.standardisation.density).toEqual({ mean: 9, sd: Math.sqrt(12) });
    expect(result.standardisation.deprivedShare!.mean).toBeCloseTo(0.225, 12);
    expect(result.standardisation.deprivedShare!.sd).toBeCloseTo(Math.sqrt(0.0475 / 3), 12);
    expect(result.ownZ.density).toBeCloseTo(1 / Math.sqrt(12), 12);
    expect(result.ranked.find((r) => r.code === 'C')!.z.density).toBeCloseTo(-5 / Math.sqrt(12), 12);
  });

  it('takes the k nearest', () => {
    const result = rankBySimilarity(own, candidates, ['density', 'deprivedShare']);
    expect(nearestCodes(result, 2)).toEqual(['A', 'B']);
    expect(nearestCodes(result, 10)).toEqual(['A', 'B', 'C']);
  });

  it('on one characteristic, is the plain distance in standard deviations', () => {
    const result = rankBySimilarity(own, candidates, ['density']);
    // B has the same density as the partnership; then A (2 away), then C (6 away).
    expect(result.ranked.map((r) => r.code)).toEqual(['B', 'A', 'C']);
    expect(result.ranked.map((r) => r.distance)).toEqual([0, expect.closeTo(2 / Math.sqrt(12), 12), expect.closeTo(6 / Math.sqrt(12), 12)]);
  });

  it('breaks ties by code, whatever order the comparators came in', () => {
    const twins = [{ code: 'Z', values: place(11, 0.2) }, { code: 'Y', values: place(9, 0.2) }];
    expect(rankBySimilarity(own, twins, ['density', 'deprivedShare']).ranked.map((r) => r.code)).toEqual(['Y', 'Z']);
  });

  it('leaves out comparators lacking a chosen characteristic, and names them', () => {
    const result = rankBySimilarity(own, [...candidates, { code: 'D', values: place(null, 0.3) }], ['density', 'deprivedShare']);
    expect(result.missing).toEqual(['D']);
    expect(result.ranked.map((r) => r.code)).toEqual(['A', 'B', 'C']);
    expect(result.ranked[0]!.distance).toBeCloseTo(Math.sqrt(1 / 3), 12);
  });

  it('lets a characteristic that does not vary count for nothing instead of dividing by zero', () => {
    const flat = [{ code: 'A', values: place(12, 0.2) }, { code: 'B', values: place(7, 0.2) }];
    const result = rankBySimilarity(own, flat, ['density', 'deprivedShare']);
    expect(result.ranked.every((r) => Number.isFinite(r.distance))).toBe(true);
    expect(result.standardisation.deprivedShare!.sd).toBe(0);
  });

  it('refuses when the partnership itself lacks a chosen characteristic', () => {
    expect(() => rankBySimilarity(place(null, 0.2), candidates, ['density'])).toThrow(/lacks/);
  });

  it('derives density from residents and area', () => {
    expect(withDensity({ ...NO_CHARACTERISTICS, population: 250_000, areaKm2: 50 }).density).toBe(5000);
    expect(withDensity({ ...NO_CHARACTERISTICS, population: 250_000, areaKm2: null }).density).toBeNull();
  });
});
