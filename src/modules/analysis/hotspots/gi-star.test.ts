import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, classifyGiStar, giStar, giStarZ, twoSidedP, type GiStarGrid } from './gi-star.ts';
import { gridNeighbours } from './grid.ts';

/** A full rectangle of cells, row by row. */
function rectangle(cols: number, rows: number): GiStarGrid {
  const cells: { col: number; row: number }[] = [];
  const cellIndex = new Int32Array(cols * rows);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      cellIndex[row * cols + col] = cells.length;
      cells.push({ col, row });
    }
  }
  return { cols, rows, cellIndex, cells };
}

describe('twoSidedP', () => {
  it('gives the familiar two-sided critical values', () => {
    expect(twoSidedP(1.959963984540054)).toBeCloseTo(0.05, 14);
    expect(twoSidedP(-2.5758293035489004)).toBeCloseTo(0.01, 14);
    expect(twoSidedP(0)).toBe(1);
  });
});

describe('benjaminiHochberg', () => {
  it('matches a hand-worked example', () => {
    // Sorted: 0.005·5/1 = 0.025, 0.01·5/2 = 0.025, 0.03·5/3 = 0.05, 0.04·5/4 = 0.05, 0.2·5/5 = 0.2.
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005, 0.2]);
    expect([...q].map((v) => +v.toFixed(12))).toEqual([0.025, 0.05, 0.05, 0.025, 0.2]);
  });

  it('takes the running minimum from the largest p down, and caps at 1', () => {
    // Raw 0.03, 0.0285, 0.02 in rank order; the minimum from the top makes all 0.02.
    expect([...benjaminiHochberg([0.01, 0.02, 0.019])].map((v) => +v.toFixed(12))).toEqual([0.02, 0.02, 0.02]);
    expect([...benjaminiHochberg([0.9, 0.8])]).toEqual([0.9, 0.9]);
    expect([...benjaminiHochberg([1, 0.7])]).toEqual([1, 1]);
    expect(benjaminiHochberg([])).toHaveLength(0);
  });
});

describe('giStarZ', () => {
  it('matches a hand-worked 4×1 strip', () => {
    // n = 4, x̄ = 1, S = √(16/4 − 1) = √3. Last cell: Σw = 2, Σwx = 4, z = (4 − 2)/(√3·√((8 − 4)/3)) = 1.
    const z = giStarZ(rectangle(4, 1), [0, 0, 0, 4]);
    expect(z[0]).toBeCloseTo(-1, 14);
    expect(z[1]).toBeCloseTo(-Math.sqrt(3), 14);
    expect(z[2]).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(z[3]).toBeCloseTo(1, 14);
  });

  it('uses the 3×3 block, skipping cells missing from the grid', () => {
    // A 3×3 grid without its centre: each corner sees itself and two edge cells.
    const cells = [0, 1, 2, 3, 5, 6, 7, 8].map((k) => ({ col: k % 3, row: Math.floor(k / 3) }));
    const cellIndex = Int32Array.from([0, 1, 2, 3, -1, 4, 5, 6, 7]);
    const values = [1, 2, 3, 4, 5, 6, 7, 8];
    const z = giStarZ({ cols: 3, rows: 3, cellIndex, cells }, values);
    const n = 8;
    const mean = 4.5;
    const s = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / n);
    // Corner (0,0): itself (1), (1,0) (2), (0,1) (4).
    const expected = (7 - mean * 3) / (s * Math.sqrt((n * 3 - 9) / (n - 1)));
    expect(z[0]).toBeCloseTo(expected, 14);
  });

  it('uses the six edge neighbours on hexagons (odd rows shifted east)', () => {
    // 3×3 hexagons, values 0…8 row by row. Cell (1, 1) is on an odd row, so above and below
    // it are columns 1 and 2: neighbours 1, 2, 3, 5, 7, 8 and itself, Σwx = 30, Σw = 7.
    // Corner (0, 0) on an even row: itself, (1, 0) and (0, 1) only.
    const grid: GiStarGrid = { ...rectangle(3, 3), shape: 'hex' };
    const values = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const n = 9;
    const s = Math.sqrt(60 / 9);
    const z = giStarZ(grid, values);
    expect(z[4]).toBeCloseTo((30 - 4 * 7) / (s * Math.sqrt((n * 7 - 49) / (n - 1))), 14);
    expect(z[0]).toBeCloseTo((0 + 1 + 3 - 4 * 3) / (s * Math.sqrt((n * 3 - 9) / (n - 1))), 14);
    // Cell (0, 1), odd row, west edge: (0, 0), (1, 0) above, (1, 1) beside, (0, 2), (1, 2) below.
    expect(z[3]).toBeCloseTo((3 + 0 + 1 + 4 + 6 + 7 - 4 * 6) / (s * Math.sqrt((n * 6 - 36) / (n - 1))), 14);
  });

  it('gives the same z from a neighbour list as from the grid', () => {
    let seed = 3;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    for (const shape of ['square', 'hex'] as const) {
      const grid: GiStarGrid = { ...rectangle(12, 9), shape };
      const values = Array.from({ length: 108 }, () => Math.floor(random() * 10));
      expect([...giStarZ(gridNeighbours(grid), values)]).toEqual([...giStarZ(grid, values)]);
      expect(giStar(gridNeighbours(grid), values)).toEqual(giStar(grid, values));
    }
    expect(() => giStarZ(gridNeighbours(rectangle(2, 2)), [1, 2, 3])).toThrow(RangeError);
  });

  it('reports no pattern where the statistic is undefined', () => {
    expect([...giStarZ(rectangle(5, 5), new Array(25).fill(3))]).toEqual(new Array(25).fill(0));
    // Every cell neighbours every other: variance (nΣw − (Σw)²) is zero.
    expect([...giStarZ(rectangle(2, 2), [0, 0, 0, 9])]).toEqual([0, 0, 0, 0]);
    expect([...giStarZ(rectangle(1, 1), [5])]).toEqual([0]);
  });

  it('refuses values that do not match the cells', () => {
    expect(() => giStarZ(rectangle(2, 2), [1, 2, 3])).toThrow(RangeError);
  });
});

describe('giStar', () => {
  it('finds a planted cluster as a hot spot and leaves flat noise alone', () => {
    const grid = rectangle(20, 20);
    let seed = 7;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const values = Array.from({ length: 400 }, () => Math.floor(random() * 4));
    for (let row = 9; row <= 11; row++) for (let col = 9; col <= 11; col++) values[row * 20 + col] = 30;
    const result = giStar(grid, values);
    expect(result[10 * 20 + 10]?.class).toBe('hot-99');
    expect(result[0]?.class).toBe('none');
    expect(result.filter((c) => c.class.startsWith('cold'))).toHaveLength(0);
    for (const c of result) {
      expect(c.pFdr).toBeGreaterThanOrEqual(c.p);
      expect(c.pFdr).toBeLessThanOrEqual(1);
    }
  });

  it('classes by adjusted p and the sign of z', () => {
    expect(classifyGiStar(3, 0.009)).toBe('hot-99');
    expect(classifyGiStar(3, 0.01)).toBe('hot-95');
    expect(classifyGiStar(-2, 0.049)).toBe('cold-95');
    expect(classifyGiStar(-2, 0.099)).toBe('cold-90');
    expect(classifyGiStar(-2, 0.1)).toBe('none');
    expect(classifyGiStar(0, 0)).toBe('none');
  });
});
