import { describe, expect, it } from 'vitest';
import { kernelDensity, kernelDensityAt, quarticKernel } from './kernel-density.ts';

// Kernel: the quartic (biweight) kernel as used for crime hotspot mapping — Chainey S,
// Ratcliffe J (2005) GIS and Crime Mapping; Silverman BW (1986) Density Estimation, eq. 4.5
// (K₂(x) = 3π⁻¹(1 − xᵀx)² for xᵀx < 1), scaled by 1/h² for bandwidth h.

describe('quarticKernel', () => {
  it('matches the kernel worked by hand', () => {
    // h = 100 m, d = 50 m: (3/π)(1 − 0.25)²/100² = 3 · 0.5625/(π · 10⁴) = 5.371479e-5 per m².
    expect(quarticKernel(50, 100)).toBeCloseTo(1.6875 / (Math.PI * 1e4), 15);
    expect(quarticKernel(0, 100)).toBeCloseTo(3 / (Math.PI * 1e4), 15);
    expect(quarticKernel(100, 100)).toBe(0);
    expect(quarticKernel(150, 100)).toBe(0);
  });
});

describe('kernelDensity', () => {
  it('gives hand-worked densities for a tiny grid', () => {
    // Two 100 m cells in a row, centres (450 050, 300 050) and (450 150, 300 050); h = 200 m.
    // Point A at (450 050, 300 050): distances 0 and 100 m.
    // Point B at (450 250, 300 050): distances 200 m (outside) and 100 m.
    // Cell 0 = K(0) = (3/π)/200² = 2.387324e-5 per m² = 23.87324 per km².
    // Cell 1 = 2·K(100) = 2·(3/π)(0.75)²/200² = 2 · 13.42870 = 26.85740 per km².
    const surface = kernelDensity(
      [
        { x: 450_050, y: 300_050 },
        { x: 450_250, y: 300_050 },
      ],
      { minX: 450_000, minY: 300_000, cellSize: 100, cols: 2, rows: 1 },
      200,
    );
    expect(surface.values[0]).toBeCloseTo(3e6 / (Math.PI * 40_000), 8);
    expect(surface.values[0]).toBeCloseTo(23.87324, 4);
    expect(surface.values[1]).toBeCloseTo(26.8574, 4);
  });

  it('integrates to the number of points on a fine grid away from the edges', () => {
    // 50 points scattered (deterministically) in the middle of a 4 km square, h = 400 m, 20 m cells:
    // Σ density × cell area (km²) should return the 50 points, the kernel integrating to one.
    const points = Array.from({ length: 50 }, (_, i) => ({
      x: 531_000 + ((i * 37) % 50) * 40,
      y: 181_000 + ((i * 53) % 50) * 40,
    }));
    const grid = { minX: 530_000, minY: 180_000, cellSize: 20, cols: 200, rows: 200 };
    const surface = kernelDensity(points, grid, 400);
    const cellKm2 = (20 * 20) / 1e6;
    const total = surface.values.reduce((sum, v) => sum + v * cellKm2, 0);
    expect(Math.abs(total - 50) / 50).toBeLessThan(0.01);
  });

  it('lays out values row-major from the south-west and ignores far points', () => {
    // A point on the centre of cell (col 2, row 1) of a 3 × 2 grid, h smaller than a cell:
    // only index 1·3 + 2 = 5 is non-zero. A point 10 km away contributes nothing.
    const surface = kernelDensity(
      [
        { x: 250, y: 150 },
        { x: 10_000, y: 10_000 },
      ],
      { minX: 0, minY: 0, cellSize: 100, cols: 3, rows: 2 },
      50,
    );
    expect(Array.from(surface.values).map((v) => v > 0)).toEqual([false, false, false, false, false, true]);
    expect(surface.values[5]).toBeCloseTo((3e6 / Math.PI) / 2500, 6);
  });

  it('rejects a non-positive bandwidth', () => {
    expect(() => kernelDensity([], { minX: 0, minY: 0, cellSize: 10, cols: 1, rows: 1 }, 0)).toThrow(RangeError);
  });
});

describe('kernelDensityAt', () => {
  it('gives the hand-worked densities of the tiny grid at the same places, and counts weights as repeated points', () => {
    // As above: at (450 050, 300 050) 23.87324 per km²; at (450 150, 300 050) 26.85740 per km².
    const places = [{ x: 450_050, y: 300_050 }, { x: 450_150, y: 300_050 }];
    const values = kernelDensityAt([{ x: 450_050, y: 300_050 }, { x: 450_250, y: 300_050 }], places, 200);
    expect(values[0]).toBeCloseTo(23.87324, 4);
    expect(values[1]).toBeCloseTo(26.8574, 4);
    const weighted = kernelDensityAt([{ x: 450_050, y: 300_050, weight: 3 }], places, 200);
    const repeated = kernelDensityAt(Array.from({ length: 3 }, () => ({ x: 450_050, y: 300_050 })), places, 200);
    expect(Array.from(weighted)).toEqual(Array.from(repeated));
  });

  it('agrees with the grid estimator at cell centres, across bucket edges', () => {
    const points = Array.from({ length: 200 }, (_, i) => ({ x: 450_000 + ((i * 7919) % 1000), y: 300_000 + ((i * 104_729) % 1000), weight: 1 + (i % 3) }));
    const grid = { minX: 449_800, minY: 299_800, cellSize: 100, cols: 14, rows: 14 };
    const surface = kernelDensity(points, grid, 250);
    const places = [];
    for (let r = 0; r < grid.rows; r++) for (let c = 0; c < grid.cols; c++) places.push({ x: grid.minX + (c + 0.5) * 100, y: grid.minY + (r + 0.5) * 100 });
    const values = kernelDensityAt(points, places, 250);
    values.forEach((v, i) => expect(v).toBeCloseTo(surface.values[i]!, 9));
  });
});
