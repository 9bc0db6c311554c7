import { describe, expect, it } from 'vitest';
import type { Trend } from '../stats/mann-kendall.ts';
import {
  classifyEmergingSeries,
  emergingCell,
  emergingHotSpots,
  emergingLabel,
  emergingTrend,
  type EmergingClassification,
} from './emerging.ts';
import type { GiStarClass } from './gi-star.ts';
import { buildGrid, cellAt, type Grid } from './grid.ts';
import { bngRectangle } from './test-shapes.ts';

/**
 * A series of slice classes written one character per slice, oldest first: H hot (95%),
 * h hot (90%), C cold (95%), c cold (90%), . not significant.
 */
function series(pattern: string): GiStarClass[] {
  const map: Record<string, GiStarClass> = { H: 'hot-95', h: 'hot-90', C: 'cold-95', c: 'cold-90', '.': 'none' };
  return [...pattern].map((ch) => map[ch] as GiStarClass);
}

function classify(pattern: string, trend: Trend = 'no trend'): EmergingClassification {
  return classifyEmergingSeries(series(pattern), trend);
}

describe('classifyEmergingSeries: every pattern, worked from the definitions', () => {
  // Ten slices, so "at least 90%" means 9 or 10 slices.
  const cases: [name: string, slices: string, trend: Trend, expected: EmergingClassification][] = [
    // Hot in the final slice only, never before.
    ['new hot', '.........H', 'no trend', { pattern: 'new', side: 'hot' }],
    ['new cold', '.........C', 'no trend', { pattern: 'new', side: 'cold' }],
    // One run of 3 at the end, nothing significant before it, 30% < 90%.
    ['consecutive hot', '.......HHH', 'increasing', { pattern: 'consecutive', side: 'hot' }],
    ['consecutive cold', '........Cc', 'no trend', { pattern: 'consecutive', side: 'cold' }],
    // 9 of 10 hot (90%), final hot, z rising significantly.
    ['intensifying hot', '.HHHHHHHHH', 'increasing', { pattern: 'intensifying', side: 'hot' }],
    // For a cold spot, intensifying is z falling.
    ['intensifying cold', 'CCCCCCCCCC', 'decreasing', { pattern: 'intensifying', side: 'cold' }],
    // 10 of 10 hot, no trend.
    ['persistent hot', 'HHHHHHHHHH', 'no trend', { pattern: 'persistent', side: 'hot' }],
    // 9 of 10 cold with a gap in the middle, no trend.
    ['persistent cold', 'CCCC.CCCCC', 'no trend', { pattern: 'persistent', side: 'cold' }],
    // 9 of 10 hot, final hot, z falling significantly.
    ['diminishing hot', 'HHHHH.HHHH', 'decreasing', { pattern: 'diminishing', side: 'hot' }],
    ['diminishing cold', 'CCCCCCCCCC', 'increasing', { pattern: 'diminishing', side: 'cold' }],
    // Final hot, an earlier hot slice with quiet slices between, 3 of 10 hot, never cold.
    ['sporadic hot', '..H..H...H', 'no trend', { pattern: 'sporadic', side: 'hot' }],
    ['sporadic cold', 'C.......CC', 'no trend', { pattern: 'sporadic', side: 'cold' }],
    // Final hot, cold in an earlier slice, 2 of 10 hot.
    ['oscillating hot', 'C....H...H', 'no trend', { pattern: 'oscillating', side: 'hot' }],
    ['oscillating cold', '..HH.....C', 'no trend', { pattern: 'oscillating', side: 'cold' }],
    // Final slice not significant, 9 of 10 hot.
    ['historical hot', 'HHHHHHHHH.', 'no trend', { pattern: 'historical', side: 'hot' }],
    ['historical cold', 'CCCCCcCCC.', 'no trend', { pattern: 'historical', side: 'cold' }],
    // Nothing significant; hot once but not at the end and under 90%.
    ['no pattern (quiet)', '..........', 'no trend', { pattern: 'no-pattern', side: null }],
    ['no pattern (old hot spot)', 'HHHHHHHH..', 'decreasing', { pattern: 'no-pattern', side: null }],
  ];
  it.each(cases)('%s: %s with %s', (_name, slices, trend, expected) => {
    expect(classify(slices, trend)).toEqual(expected);
  });

  it('counts 90% confidence slices as significant, like the single map does', () => {
    expect(classify('hhhhhhhhhh')).toEqual({ pattern: 'persistent', side: 'hot' });
    expect(classify('.........h')).toEqual({ pattern: 'new', side: 'hot' });
  });

  it('puts exactly 90% on the "at least 90%" side, and 80% below it', () => {
    expect(classify('HHHHHHHH.H')).toEqual({ pattern: 'persistent', side: 'hot' }); // 9 of 10
    expect(classify('HHHH.HHH.H')).toEqual({ pattern: 'sporadic', side: 'hot' }); // 8 of 10
    // 27 of 30 is 90%; 26 of 30 is not.
    expect(classify(`${'H'.repeat(12)}...${'H'.repeat(15)}`)).toEqual({ pattern: 'persistent', side: 'hot' });
    expect(classify(`${'H'.repeat(11)}....${'H'.repeat(15)}`)).toEqual({ pattern: 'sporadic', side: 'hot' });
  });

  it('reads a final run covering 90% or more as persistent, not consecutive', () => {
    // 9 of 10 in one run at the end: the 90% patterns come first, and consecutive needs < 90%.
    expect(classify('.HHHHHHHHH')).toEqual({ pattern: 'persistent', side: 'hot' });
    // 8 of 10 in one run at the end is consecutive.
    expect(classify('..HHHHHHHH')).toEqual({ pattern: 'consecutive', side: 'hot' });
  });

  it('lets the trend matter only for the 90% patterns', () => {
    expect(classify('.........H', 'increasing')).toEqual({ pattern: 'new', side: 'hot' });
    expect(classify('..H..H...H', 'decreasing')).toEqual({ pattern: 'sporadic', side: 'hot' });
    expect(classify('HHHHHHHHH.', 'increasing')).toEqual({ pattern: 'historical', side: 'hot' });
  });

  it('applies the documented decisions where two definitions fit', () => {
    // Never hot before the final slice, but cold earlier: oscillating, not new.
    expect(classify('C........H')).toEqual({ pattern: 'oscillating', side: 'hot' });
    // A final run with a cold slice before it: oscillating, not consecutive.
    expect(classify('C.......HH')).toEqual({ pattern: 'oscillating', side: 'hot' });
    // Cold now after 9 of 10 hot slices: the final slice decides, so oscillating cold.
    expect(classify('HHHHHHHHHC')).toEqual({ pattern: 'oscillating', side: 'cold' });
    // Not significant now after 9 of 10 hot: historical even with a significant trend.
    expect(classify('HHHHHHHHH.', 'decreasing')).toEqual({ pattern: 'historical', side: 'hot' });
    // 9 of 10 hot and one cold slice, final hot: the 90% patterns do not exclude cold.
    expect(classify('CHHHHHHHHH')).toEqual({ pattern: 'persistent', side: 'hot' });
  });

  it('works on short series, where 90% means every slice', () => {
    expect(classify('HHH')).toEqual({ pattern: 'persistent', side: 'hot' });
    expect(classify('.HH')).toEqual({ pattern: 'consecutive', side: 'hot' });
    expect(classify('H.H')).toEqual({ pattern: 'sporadic', side: 'hot' });
    // Historical needs the final slice not hot yet 90% hot, so at least 10 slices (9 of 10).
    expect(classify('HH.')).toEqual({ pattern: 'no-pattern', side: null });
    expect(classify('HHHHHHHH.')).toEqual({ pattern: 'no-pattern', side: null });
    expect(classify('..C')).toEqual({ pattern: 'new', side: 'cold' });
  });

  it('refuses fewer than three slices', () => {
    expect(() => classify('HH')).toThrow(RangeError);
    expect(() => classify('')).toThrow(RangeError);
  });

  it('names patterns for display', () => {
    expect(emergingLabel({ pattern: 'intensifying', side: 'hot' })).toBe('Intensifying hot spot');
    expect(emergingLabel({ pattern: 'new', side: 'cold' })).toBe('New cold spot');
    expect(emergingLabel({ pattern: 'no-pattern', side: null })).toBe('No pattern detected');
  });
});

describe('emergingTrend', () => {
  it('matches hand-worked Mann–Kendall and tau-b with a tie', () => {
    // Pairs of [1, 2, 3, 3]: five rising, one tied, so S = 5. n₀ = 6 pairs, n₁ = 1 tied pair:
    // tau = 5/√(6·5). Var S = (4·3·13 − 2·1·9)/18 = 138/18.
    const t = emergingTrend([1, 2, 3, 3]);
    expect(t.s).toBe(5);
    expect(t.tau).toBeCloseTo(5 / Math.sqrt(30), 14);
    expect(t.varS).toBeCloseTo(138 / 18, 12);
    expect(t.z).toBeCloseTo(4 / Math.sqrt(138 / 18), 12);
    expect(t.trend).toBe('no trend');
  });

  it('finds a steady rise over ten slices and nothing in a flat series', () => {
    // S = 45 = all pairs, tau = 1; Var S = 10·9·25/18 = 125; z = 44/√125 ≈ 3.94.
    const rise = emergingTrend([1.7, 1.8, 2.0, 2.1, 2.4, 2.6, 2.9, 3.1, 3.4, 3.8]);
    expect(rise.s).toBe(45);
    expect(rise.tau).toBe(1);
    expect(rise.z).toBeCloseTo(44 / Math.sqrt(125), 12);
    expect(rise.pValue).toBeLessThan(0.001);
    expect(rise.trend).toBe('increasing');
    const flat = emergingTrend([0, 0, 0, 0, 0]);
    expect(flat).toMatchObject({ s: 0, tau: 0, z: 0, pValue: 1, trend: 'no trend' });
  });

  it('cannot reach p < 0.05 with four slices, and can with five', () => {
    // Four rising values: S = 6, Var S = 4·3·13/18, z = 5/√8.67 ≈ 1.70, p ≈ 0.089.
    expect(emergingTrend([1, 2, 3, 4]).trend).toBe('no trend');
    // Five: S = 10, Var S = 5·4·15/18, z = 9/√16.7 ≈ 2.20, p ≈ 0.028.
    expect(emergingTrend([1, 2, 3, 4, 5]).trend).toBe('increasing');
  });
});

describe('emergingCell', () => {
  it('combines classes and the trend of the z-scores', () => {
    const z = [2.0, 2.2, 2.3, 2.5, 2.6, 2.9, 3.0, 3.3, 3.5, 3.9];
    const cell = emergingCell(z, series('hHHHHHHHHH'));
    expect(cell).toMatchObject({ pattern: 'intensifying', side: 'hot', hotSlices: 10, coldSlices: 0, significantSlices: 10 });
    expect(cell.trend.trend).toBe('increasing');
    expect(cell.finalZ).toBe(3.9);
    expect(cell.finalClass).toBe('hot-95');
    expect([...cell.zSeries]).toEqual(z);

    // The same classes with z drifting down: diminishing.
    const down = emergingCell([...z].reverse(), series('HHHHHHHHHh'));
    expect(down).toMatchObject({ pattern: 'diminishing', side: 'hot' });
    // The trend's level can be chosen: the rise has p ≈ 8·10⁻⁵ (z = 44/√125), so at 10⁻⁵ it
    // is no longer significant.
    expect(emergingCell(z, series('hHHHHHHHHH'), 1e-5).pattern).toBe('persistent');
  });

  it('counts hot and cold slices separately', () => {
    const cell = emergingCell([-2, -2.1, 0, 0.5, 2.2], series('Cc..H'));
    expect(cell).toMatchObject({ pattern: 'oscillating', side: 'hot', hotSlices: 1, coldSlices: 2, significantSlices: 3 });
  });

  it('refuses a z series and classes of different lengths', () => {
    expect(() => emergingCell([1, 2, 3], series('HH'))).toThrow(RangeError);
  });
});


describe('emergingHotSpots end to end', () => {
  const E0 = 530000;
  const N0 = 180000;
  const square = buildGrid({ boundary: [bngRectangle(E0 + 10, N0 + 10, E0 + 2490, N0 + 2490)], cellSize: 250 });
  const at = (grid: Grid, col: number, row: number) => grid.cellIndex[row * grid.cols + col] as number;

  /**
   * Twelve monthly slices over a 10×10 grid: every cell has 1 incident a month, except a
   * 3×3 block around (2, 2) with 16 every month, and, in the final month only, a second 3×3
   * block around (7, 7) with 16.
   */
  function squareSlices(): Float64Array[] {
    return Array.from({ length: 12 }, (_, month) => {
      const values = new Float64Array(square.cells.length).fill(1);
      square.cells.forEach((c, i) => {
        if (Math.abs(c.col - 2) <= 1 && Math.abs(c.row - 2) <= 1) values[i] = 16;
        if (month === 11 && Math.abs(c.col - 7) <= 1 && Math.abs(c.row - 7) <= 1) values[i] = 16;
      });
      return values;
    });
  }

  it('finds a persistent hot spot and a new one, worked by hand', () => {
    expect(square.cells).toHaveLength(100);
    const result = emergingHotSpots(square, squareSlices());
    const persistent = result.cells[at(square, 2, 2)]!;
    const fresh = result.cells[at(square, 7, 7)]!;

    // Months 1–11: n = 100, 91 cells of 1 and 9 of 16, mean 2.35, S² = Σx²/n − mean² =
    // 23.95 − 5.5225. Centre (2, 2): Σw = 9, Σwx = 144, z = (144 − 9·2.35)/(S·√((900 − 81)/99)).
    const s1 = Math.sqrt(23.95 - 2.35 ** 2);
    const spread = Math.sqrt((100 * 9 - 81) / 99);
    const z1 = (144 - 9 * 2.35) / (s1 * spread); // ≈ 9.95
    // (7, 7) those months: Σwx = 9, z ≈ −0.98, p ≈ 0.33: not significant even before FDR.
    const zQuiet = (9 - 9 * 2.35) / (s1 * spread);
    // Month 12: 82 cells of 1 and 18 of 16, mean 3.7, Σ(x − x̄)² = 82·2.7² + 18·12.3² = 3321.
    const s12 = Math.sqrt(3321 / 100);
    const z12 = (144 - 9 * 3.7) / (s12 * spread); // ≈ 6.68, both centres
    for (let m = 0; m < 11; m++) {
      expect(persistent.zSeries[m]).toBeCloseTo(z1, 10);
      expect(fresh.zSeries[m]).toBeCloseTo(zQuiet, 10);
      expect(result.slices[m]![at(square, 7, 7)]!.class).toBe('none');
    }
    expect(persistent.finalZ).toBeCloseTo(z12, 10);
    expect(fresh.finalZ).toBeCloseTo(z12, 10);

    // Persistent: hot in 12 of 12 months. Its z is 11 equal values then a lower one: S = −11,
    // tied pairs n₁ = 55 of n₀ = 66, tau = −11/√(66·11); Var S = (12·11·29 − 11·10·27)/18 =
    // 858/18, Mann–Kendall z = −10/√47.7 ≈ −1.45, p ≈ 0.15: no trend.
    expect(persistent).toMatchObject({ pattern: 'persistent', side: 'hot', hotSlices: 12, coldSlices: 0, finalClass: 'hot-99' });
    expect(persistent.trend.s).toBe(-11);
    expect(persistent.trend.tau).toBeCloseTo(-11 / Math.sqrt(66 * 11), 12);
    expect(persistent.trend.varS).toBeCloseTo(858 / 18, 10);
    expect(persistent.trend.trend).toBe('no trend');

    // New: hot in month 12 only, never significant before.
    expect(fresh).toMatchObject({ pattern: 'new', side: 'hot', hotSlices: 1, coldSlices: 0, significantSlices: 1, finalClass: 'hot-99' });

    // A corner far from both blocks: 1s all round, never significant.
    expect(result.cells[at(square, 9, 0)]).toMatchObject({ pattern: 'no-pattern', side: null, significantSlices: 0 });
  });

  it('turns the persistent block sporadic when two quiet months break it', () => {
    // All-zero months have no Gi* pattern (every z is 0), so they count as not hot: 10 of 12
    // hot (83%) with the last month hot and earlier hot months before a gap is sporadic.
    const slices = squareSlices();
    slices[3] = new Float64Array(square.cells.length);
    slices[7] = new Float64Array(square.cells.length);
    const result = emergingHotSpots(square, slices);
    expect([...result.slices[3]!.map((c) => c.z)]).toEqual(new Array(100).fill(0));
    expect(result.cells[at(square, 2, 2)]).toMatchObject({ pattern: 'sporadic', side: 'hot', hotSlices: 10 });
    // One quiet month leaves 11 of 12 (92%): still persistent.
    const one = squareSlices();
    one[5] = new Float64Array(square.cells.length);
    expect(emergingHotSpots(square, one).cells[at(square, 2, 2)]).toMatchObject({ pattern: 'persistent', hotSlices: 11 });
  });

  it('reports no pattern anywhere when every slice is empty', () => {
    const result = emergingHotSpots(square, Array.from({ length: 6 }, () => new Float64Array(100)));
    for (const cell of result.cells) {
      expect(cell).toMatchObject({ pattern: 'no-pattern', side: null, significantSlices: 0, finalZ: 0 });
      expect(cell.trend).toMatchObject({ s: 0, tau: 0, trend: 'no trend' });
    }
  });

  it('works the same way on hexagons, with their six neighbours', () => {
    const hex = buildGrid({ boundary: [bngRectangle(E0 + 10, N0 + 10, E0 + 2490, N0 + 2490)], cellSize: 250, shape: 'hex' });
    const a = cellAt(hex, E0 + 700, N0 + 700);
    const b = cellAt(hex, E0 + 1800, N0 + 1800);
    const blockOf = (centre: number) => {
      const c = hex.cells[centre]!;
      // The centre and its six neighbours: every cell within one width (next ring: √3 widths).
      return new Set(hex.cells.flatMap((d, i) => (Math.hypot(d.easting - c.easting, d.northing - c.northing) < 1.01 * hex.cellSize ? [i] : [])));
    };
    const blockA = blockOf(a);
    const blockB = blockOf(b);
    expect(blockA.size).toBe(7);
    expect(blockB.size).toBe(7);
    const slices = Array.from({ length: 12 }, (_, month) =>
      Float64Array.from(hex.cells, (_c, i) => (blockA.has(i) || (month === 11 && blockB.has(i)) ? 16 : 1)),
    );
    const result = emergingHotSpots(hex, slices);
    expect(result.cells[a]).toMatchObject({ pattern: 'persistent', side: 'hot', hotSlices: 12 });
    expect(result.cells[b]).toMatchObject({ pattern: 'new', side: 'hot', hotSlices: 1, coldSlices: 0 });
  });

  it('refuses fewer than three slices, slices of the wrong length, and values that are not numbers', () => {
    const ok = new Float64Array(100);
    expect(() => emergingHotSpots(square, [ok, ok])).toThrow(/at least 3 time slices/);
    expect(() => emergingHotSpots(square, [ok, ok, new Float64Array(99)])).toThrow(/Time slice 3 has 99 values/);
    const bad = new Float64Array(100);
    bad[4] = NaN;
    expect(() => emergingHotSpots(square, [ok, bad, ok])).toThrow(/Time slice 2 .* at cell 4/);
  });
});
