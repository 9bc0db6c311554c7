import { describe, expect, it } from 'vitest';
import { directlyStandardisedRate, esp2013Weights, ESP2013, parseAgeBand } from './dsr.ts';

// Method: PHE "Technical Guide: Confidence Intervals" and PHEindicatormethods::phe_dsr —
// DSR = Σ wᵢOᵢ/nᵢ ÷ Σwᵢ; var = Σ wᵢ²Oᵢ/nᵢ² ÷ (Σwᵢ)²; limit = DSR + √(var/O)·(O_limit − O), with
// O_limit from Byar's method on the total count O, and no DSR below ten events.

/** Byar's limits for a count, written out here from the formula (not Lantern's code). */
function byar(o: number, z: number): [number, number] {
  return [
    o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3,
    (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1))) ** 3,
  ];
}
// Two-sided z from published normal tables: 1.959964 (95%) and 3.090232 (99.8%).
const Z95 = 1.959963985;
const Z998 = 3.090232306;

const ONS_BANDS = ['0-15', '16-29', '30-44', '45-64', '65+'].map(parseAgeBand);

describe('ESP2013 weights for the ONS broad age bands', () => {
  it('has the published five-year weights, summing to 100,000', () => {
    expect(ESP2013.map((b) => b.weight)).toEqual([5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000]);
    expect(ESP2013.reduce((s, b) => s + b.weight, 0)).toBe(100_000);
  });

  it('splits 15-19 pro rata: age 15 (one fifth) to 0-15, ages 16-19 to 16-29', () => {
    // 0-15  = 0-4 + 5-9 + 10-14 + 1/5 of 15-19 = 5000 + 5500 + 5500 + 1100 = 17,100
    // 16-29 = 4/5 of 15-19 + 20-24 + 25-29   = 4400 + 6000 + 6000        = 16,400
    // 30-44 = 6500 + 7000 + 7000                                          = 20,500
    // 45-64 = 7000 + 7000 + 6500 + 6000                                   = 26,500
    // 65+   = 5500 + 5000 + 4000 + 2500 + 1500 + 1000                     = 19,500
    expect(esp2013Weights(ONS_BANDS)).toEqual([17_100, 16_400, 20_500, 26_500, 19_500]);
  });

  it('gives back the five-year weights for five-year bands, and 90+ whole', () => {
    const fives = ESP2013.map((b) => parseAgeBand(b.to === null ? `${b.from}+` : `${b.from}-${b.to}`));
    expect(esp2013Weights(fives)).toEqual(ESP2013.map((b) => b.weight));
    expect(esp2013Weights(['0-89', '90+'].map(parseAgeBand))).toEqual([99_000, 1_000]);
  });

  it('refuses bands that leave a gap, overlap or have no open end', () => {
    expect(() => esp2013Weights(['0-15', '17-29', '30+'].map(parseAgeBand))).toThrow(RangeError);
    expect(() => esp2013Weights(['0-15', '16-64'].map(parseAgeBand))).toThrow(RangeError);
    expect(() => parseAgeBand('adults')).toThrow(RangeError);
  });
});

describe('directlyStandardisedRate (Dobson)', () => {
  // A worked example over the ONS bands, by hand:
  //   band   O    n     w       w·O/n     w²·O/n²
  //   0-15   2  2000  17100     17.1      146.205
  //   16-29 10  4000  16400     41.0      168.1
  //   30-44  8  4000  20500     41.0      210.125
  //   45-64  4  4000  26500     26.5      175.5625
  //   65+    1  1000  19500     19.5      380.25
  //   total 25                 145.1     1080.2425
  // DSR = 145.1 / 100,000 = 0.001451 → 145.1 per 100,000; var = 1080.2425 / 10¹⁰.
  // √(var/25) = 6.57341e-5. Byar (95%): O_l = 16.17427, O_u = 36.90645, so
  // lower = 0.001451 − 6.57341e-5 × 8.82573 = 87.085 per 100,000; upper = 223.366.
  // At 99.8% Byar gives 12.30446 and 44.67478: 61.647 and 274.430 per 100,000.
  const O = [2, 10, 8, 4, 1];
  const n = [2000, 4000, 4000, 4000, 1000];
  const w = [17_100, 16_400, 20_500, 26_500, 19_500];
  const strata = O.map((count, i) => ({ count, population: n[i]!, weight: w[i]! }));

  it('matches the worked example at 95% and 99.8%', () => {
    const r95 = directlyStandardisedRate(strata, 100_000, 0.95)!;
    expect(r95.rate).toBeCloseTo(145.1, 9);
    expect(r95.lower).toBeCloseTo(87.085, 2);
    expect(r95.upper).toBeCloseTo(223.366, 2);
    const r998 = directlyStandardisedRate(strata, 100_000, 0.998)!;
    expect(r998.rate).toBeCloseTo(145.1, 9);
    expect(r998.lower).toBeCloseTo(61.647, 2);
    expect(r998.upper).toBeCloseTo(274.430, 2);
    expect(r95.count).toBe(25);
    expect(r95.population).toBe(15_000);
  });

  it('agrees with the Dobson formula written out here, to 1e-9, at both levels', () => {
    const W = w.reduce((a, b) => a + b, 0);
    const total = O.reduce((a, b) => a + b, 0);
    const dsr = O.reduce((s, o, i) => s + (w[i]! * o) / n[i]!, 0) / W;
    const variance = O.reduce((s, o, i) => s + (w[i]! ** 2 * o) / n[i]! ** 2, 0) / W ** 2;
    for (const [level, z] of [[0.95, Z95], [0.998, Z998]] as const) {
      const [lo, up] = byar(total, z);
      const r = directlyStandardisedRate(strata, 100_000, level)!;
      expect(r.lower).toBeCloseTo((dsr + Math.sqrt(variance / total) * (lo - total)) * 100_000, 6);
      expect(r.upper).toBeCloseTo((dsr + Math.sqrt(variance / total) * (up - total)) * 100_000, 6);
    }
  });

  it('equals the crude rate when the population has the standard’s age structure and one rate', () => {
    // Populations proportional to the weights, 3 per 1,000 in every band: the DSR is 3 per 1,000.
    const strataSame = w.map((weight) => ({ weight, population: weight * 10, count: (weight * 10 * 3) / 1000 }));
    const r = directlyStandardisedRate(strataSame, 1000)!;
    expect(r.rate).toBeCloseTo(3, 12);
  });

  it('reduces to Byar’s interval for the crude rate with a single stratum', () => {
    // One band: DSR = O/n, √(var/O) = 1/n, so the limits are O_limit/n.
    const r = directlyStandardisedRate([{ count: 40, population: 20_000, weight: 1 }], 1000, 0.998)!;
    const [lo, up] = byar(40, Z998);
    expect(r.rate).toBeCloseTo(2, 12);
    expect(r.lower).toBeCloseTo((lo / 20_000) * 1000, 9);
    expect(r.upper).toBeCloseTo((up / 20_000) * 1000, 9);
  });

  it('publishes nothing below ten events, as PHE', () => {
    expect(directlyStandardisedRate(strata.map((s) => ({ ...s, count: s.count > 2 ? 1 : s.count })), 100_000)).toBeNull();
    expect(() => directlyStandardisedRate([{ count: 12, population: 0, weight: 1 }], 1000)).toThrow(RangeError);
  });
});
