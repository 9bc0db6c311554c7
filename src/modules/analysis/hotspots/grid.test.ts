import { describe, expect, it } from 'vitest';
import { fromBng } from '../../../shared/bng.ts';
import type { PolygonGeometry, Position } from '../../geography/area.types.ts';
import { buildGrid, cellAt, countIntoGrid, gridOrigin } from './grid.ts';

/** A BNG rectangle as a WGS84 polygon, its edges densified so they stay straight in BNG. */
function bngRectangle(e0: number, n0: number, e1: number, n1: number, steps = 20): PolygonGeometry {
  const ring: Position[] = [];
  const corners: [number, number][] = [
    [e0, n0],
    [e1, n0],
    [e1, n1],
    [e0, n1],
  ];
  for (let k = 0; k < 4; k++) {
    const [ax, ay] = corners[k] as [number, number];
    const [bx, by] = corners[(k + 1) % 4] as [number, number];
    for (let s = 0; s < steps; s++) ring.push(fromBng(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps));
  }
  ring.push(ring[0] as Position);
  return { type: 'Polygon', coordinates: [ring] };
}

describe('gridOrigin', () => {
  it('rounds the minimum easting and northing down to a multiple of the cell size', () => {
    expect(gridOrigin(530123.4, 180999.9, 250)).toEqual([530000, 180750]);
    expect(gridOrigin(530000, 181000, 250)).toEqual([530000, 181000]);
    expect(gridOrigin(530999, 180001, 1000)).toEqual([530000, 180000]);
  });
});

describe('buildGrid', () => {
  const grid = buildGrid({ boundary: [bngRectangle(530010, 180010, 531010, 181010)], cellSize: 250 });

  it('keeps exactly the cells whose centre is inside the boundary', () => {
    expect(grid.originEasting).toBe(530000);
    expect(grid.originNorthing).toBe(180000);
    // Centres at …125, …375, …625, …875 are inside; …1125 is not.
    expect(grid.cells).toHaveLength(16);
    expect(new Set(grid.cells.map((c) => c.col))).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(grid.cells.map((c) => c.row))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('gives each cell its BNG and WGS84 centre and a consistent lookup entry', () => {
    grid.cells.forEach((cell, i) => {
      expect(cell.easting).toBe(530000 + (cell.col + 0.5) * 250);
      expect(cell.northing).toBe(180000 + (cell.row + 0.5) * 250);
      const [lon, lat] = fromBng(cell.easting, cell.northing);
      expect(cell.lon).toBeCloseTo(lon, 12);
      expect(cell.lat).toBeCloseTo(lat, 12);
      expect(grid.cellIndex[cell.row * grid.cols + cell.col]).toBe(i);
    });
    expect([...grid.cellIndex].filter((v) => v >= 0)).toHaveLength(16);
  });

  it('leaves out cells whose centre falls in a hole or outside a multi-part boundary', () => {
    const outer = bngRectangle(530000, 180000, 531000, 181000);
    const hole = bngRectangle(530250, 180250, 530750, 180750).coordinates[0] as Position[];
    const withHole: PolygonGeometry = { type: 'Polygon', coordinates: [outer.coordinates[0] as Position[], hole.slice().reverse()] };
    const g = buildGrid({ boundary: [withHole, bngRectangle(532000, 180000, 532500, 180500)], cellSize: 250 });
    // 16 cells minus the 4 in the hole, plus 4 in the second part.
    expect(g.cells).toHaveLength(16);
    expect(cellAt(g, 530500, 180500)).toBe(-1);
    expect(cellAt(g, 532100, 180100)).toBeGreaterThanOrEqual(0);
    expect(cellAt(g, 531500, 180100)).toBe(-1);
  });

  it('refuses a cell size that is not a positive number', () => {
    expect(() => buildGrid({ boundary: [bngRectangle(0, 0, 1000, 1000)], cellSize: 0 })).toThrow(RangeError);
    expect(() => buildGrid({ boundary: [], cellSize: 250 })).toThrow(RangeError);
  });
});

describe('countIntoGrid', () => {
  const grid = buildGrid({ boundary: [bngRectangle(530010, 180010, 531010, 181010)], cellSize: 250 });

  it('counts points per cell and points outside every cell separately', () => {
    const points = Float64Array.from([
      530125, 180125, // cell (0,0)
      530200, 180100, // cell (0,0)
      530250, 180125, // on the line: the cell to the east, (1,0)
      530999, 180999, // cell (3,3)
      531100, 180125, // outside the boundary's cells
      529000, 180000, // outside the lookup table
      NaN, 180000, // no location
    ]);
    const { counts, outside } = countIntoGrid(grid, points);
    expect(outside).toBe(3);
    expect(counts[cellAt(grid, 530125, 180125)]).toBe(2);
    expect(counts[cellAt(grid, 530375, 180125)]).toBe(1);
    expect(counts[cellAt(grid, 530875, 180875)]).toBe(1);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('refuses an odd number of coordinates', () => {
    expect(() => countIntoGrid(grid, new Float64Array(3))).toThrow(RangeError);
  });
});
