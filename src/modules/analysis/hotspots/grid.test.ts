import { describe, expect, it } from 'vitest';
import { fromBng } from '../../../shared/bng.ts';
import type { PolygonGeometry, Position } from '../../geography/area.types.ts';
import { buildGrid, cellArea, cellAt, cellCornersBng, cellRing, cellRings, countIntoGrid, gridNeighbours, gridOrigin, hexOrigin, type Grid } from './grid.ts';
import { bngRectangle } from './test-shapes.ts';


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

/** Neighbours of each cell by brute-force distance between centres (self included), sorted. */
function neighboursByDistance(grid: Grid, within: number): number[][] {
  return grid.cells.map((a) =>
    grid.cells.flatMap((b, j) => (Math.hypot(a.easting - b.easting, a.northing - b.northing) <= within ? [j] : [])),
  );
}

function listNeighbours(grid: Grid): number[][] {
  const { offsets, indices } = gridNeighbours(grid);
  return grid.cells.map((_, i) => [...indices.subarray(offsets[i], offsets[i + 1])]);
}

/** Shoelace area, positive for an anticlockwise ring. */
function signedArea(ring: [number, number][]): number {
  let a = 0;
  for (let k = 0; k < ring.length; k++) {
    const [x0, y0] = ring[k] as [number, number];
    const [x1, y1] = ring[(k + 1) % ring.length] as [number, number];
    a += x0 * y1 - x1 * y0;
  }
  return a / 2;
}

/** Point strictly inside (or on the edge of) a convex anticlockwise polygon. */
function insideConvex(poly: [number, number][], e: number, n: number, tolerance = 1e-9): boolean {
  for (let k = 0; k < poly.length; k++) {
    const [x0, y0] = poly[k] as [number, number];
    const [x1, y1] = poly[(k + 1) % poly.length] as [number, number];
    if ((x1 - x0) * (n - y0) - (y1 - y0) * (e - x0) < -tolerance) return false;
  }
  return true;
}

describe('square cells: neighbours and outlines', () => {
  const grid = buildGrid({ boundary: [bngRectangle(530010, 180010, 531010, 181010)], cellSize: 250 });

  it('lists queen neighbours, self included, as the cells within 1.5 widths', () => {
    expect(listNeighbours(grid)).toEqual(neighboursByDistance(grid, 1.5 * 250));
    expect(listNeighbours(grid)[0]).toEqual([0, 1, 4, 5]);
  });

  it('gives each cell a closed anticlockwise ring of its four corners', () => {
    expect(cellArea(grid)).toBe(62500);
    grid.cells.forEach((cell, i) => {
      const corners = cellCornersBng(grid, i);
      expect(corners).toEqual([
        [cell.easting - 125, cell.northing - 125],
        [cell.easting + 125, cell.northing - 125],
        [cell.easting + 125, cell.northing + 125],
        [cell.easting - 125, cell.northing + 125],
      ]);
      const ring = cellRing(grid, i);
      expect(ring).toHaveLength(5);
      expect(ring[4]).toEqual(ring[0]);
      corners.forEach(([e, n], k) => {
        const [lon, lat] = fromBng(e, n);
        expect(ring[k]![0]).toBeCloseTo(lon, 12);
        expect(ring[k]![1]).toBeCloseTo(lat, 12);
      });
      expect(signedArea(ring.slice(0, 4) as [number, number][])).toBeGreaterThan(0);
    });
    expect(cellRings(grid)).toHaveLength(16);
    expect(() => cellRing(grid, 16)).toThrow(RangeError);
  });
});

describe('hexagonal cells', () => {
  const w = 250;
  const rowStep = (w * Math.sqrt(3)) / 2;
  const e0 = 530010;
  const n0 = 180010;
  const e1 = 532010;
  const n1 = 181510;
  const grid = buildGrid({ boundary: [bngRectangle(e0, n0, e1, n1)], cellSize: w, shape: 'hex' });

  it('keeps exactly the national lattice centres inside the boundary', () => {
    // The lattice as documented: national cell (C, R) centred at (C·w + (R odd ? w/2 : 0), R·√3/2·w).
    const expected: string[] = [];
    for (let R = Math.floor(n0 / rowStep) - 2; R <= Math.ceil(n1 / rowStep) + 2; R++) {
      for (let C = Math.floor(e0 / w) - 2; C <= Math.ceil(e1 / w) + 2; C++) {
        const e = C * w + (R % 2 === 1 ? w / 2 : 0);
        const n = R * rowStep;
        if (e > e0 && e < e1 && n > n0 && n < n1) expected.push(`${e.toFixed(3)},${n.toFixed(3)}`);
      }
    }
    expect(grid.shape).toBe('hex');
    expect(grid.cells.map((c) => `${c.easting.toFixed(3)},${c.northing.toFixed(3)}`).sort()).toEqual(expected.sort());
    expect(grid.cells.length).toBeGreaterThan(50);
  });

  it('orders cells by row then column, shifts odd rows half a cell east, and keeps the lookup consistent', () => {
    grid.cells.forEach((cell, i) => {
      expect(grid.cellIndex[cell.row * grid.cols + cell.col]).toBe(i);
      const fromWest = cell.easting - grid.originEasting - w / 2 - cell.col * w;
      expect(fromWest).toBeCloseTo(cell.row % 2 === 1 ? w / 2 : 0, 9);
      expect(cell.northing - grid.originNorthing).toBeCloseTo(w / Math.sqrt(3) + cell.row * rowStep, 9);
      const [lon, lat] = fromBng(cell.easting, cell.northing);
      expect(cell.lon).toBeCloseTo(lon, 12);
      expect(cell.lat).toBeCloseTo(lat, 12);
      if (i > 0) {
        const prev = grid.cells[i - 1]!;
        expect(prev.row < cell.row || (prev.row === cell.row && prev.col < cell.col)).toBe(true);
      }
    });
    expect(hexOrigin(530010, 180010, 250)).toEqual([2119, 830]);
  });

  it('lists the six cells sharing an edge, plus the cell itself: the centres one width away', () => {
    const listed = listNeighbours(grid);
    expect(listed).toEqual(neighboursByDistance(grid, 1.01 * w));
    // The next ring is √3 widths away, so nothing lies between 1 and 1.7 widths.
    expect(neighboursByDistance(grid, 1.7 * w)).toEqual(listed);
    expect(listed.filter((l) => l.length === 7).length).toBeGreaterThan(20);
    expect(Math.max(...listed.map((l) => l.length))).toBe(7);
  });

  it('draws regular hexagons of the chosen width that share corners exactly with their neighbours', () => {
    const side = w / Math.sqrt(3);
    expect(cellArea(grid)).toBeCloseTo((Math.sqrt(3) / 2) * w * w, 9);
    const cornerKeys = new Map<string, number>();
    grid.cells.forEach((cell, i) => {
      const corners = cellCornersBng(grid, i);
      expect(corners).toHaveLength(6);
      for (const [e, n] of corners) {
        expect(Math.hypot(e - cell.easting, n - cell.northing)).toBeCloseTo(side, 9);
        const key = `${e},${n}`;
        cornerKeys.set(key, (cornerKeys.get(key) ?? 0) + 1);
      }
      // Relative to the centre, so the shoelace sum does not lose digits to 6-figure eastings.
      expect(signedArea(corners.map(([e, n]) => [e - cell.easting, n - cell.northing]))).toBeCloseTo(cellArea(grid), 6);
      // Width across the flats: east and west sides are vertical, w apart.
      expect(corners[1]![0] - corners[5]![0]).toBeCloseTo(w, 9);
      const ring = cellRing(grid, i);
      expect(ring).toHaveLength(7);
      expect(ring[6]).toEqual(ring[0]);
      expect(signedArea(ring.slice(0, 6) as [number, number][])).toBeGreaterThan(0);
    });
    // An interior corner is shared by three cells; equal keys mean bit-identical coordinates.
    expect(Math.max(...cornerKeys.values())).toBe(3);
    const shared = [...cornerKeys.values()].filter((v) => v === 3).length;
    expect(shared).toBeGreaterThan(grid.cells.length);
  });

  it('finds the hexagon holding a point, and -1 for a point in no cell', () => {
    grid.cells.forEach((cell, i) => expect(cellAt(grid, cell.easting, cell.northing)).toBe(i));
    const polygons = grid.cells.map((_, i) => cellCornersBng(grid, i));
    let seed = 99;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    let inside = 0;
    for (let k = 0; k < 5000; k++) {
      const e = e0 - 300 + random() * (e1 - e0 + 600);
      const n = n0 - 300 + random() * (n1 - n0 + 600);
      const c = cellAt(grid, e, n);
      const holders = polygons.flatMap((poly, i) => (insideConvex(poly, e, n) ? [i] : []));
      if (c >= 0) {
        inside++;
        expect(holders).toContain(c);
      } else {
        expect(holders).toEqual([]);
      }
    }
    // The rectangle is 3.0 of the 5.5 km² sampled.
    expect(inside).toBeGreaterThan(2500);
    // A point on the edge between two cells goes to one of them.
    const a = grid.cells.findIndex((c) => c.row === 3 && c.col === 4);
    const b = grid.cellIndex[3 * grid.cols + 5] as number;
    const [ea, na] = [grid.cells[a]!.easting, grid.cells[a]!.northing];
    expect([a, b]).toContain(cellAt(grid, ea + w / 2, na));
    expect(cellAt(grid, NaN, na)).toBe(-1);
  });

  it('counts each point into the cell with the nearest centre', () => {
    let seed = 5;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const coords: number[] = [];
    for (let k = 0; k < 3000; k++) coords.push(e0 + random() * (e1 - e0), n0 + random() * (n1 - n0));
    const { counts, outside } = countIntoGrid(grid, Float64Array.from(coords));
    // Independent: the grid cell with the nearest centre, when the point lies inside its
    // hexagon (otherwise a lattice cell outside the boundary is nearer, and the point is in none).
    const expected = new Float64Array(grid.cells.length);
    let expectedOutside = 0;
    for (let k = 0; k < coords.length; k += 2) {
      const e = coords[k]!;
      const n = coords[k + 1]!;
      let best = -1;
      let bestD = Infinity;
      grid.cells.forEach((c, i) => {
        const d = Math.hypot(c.easting - e, c.northing - n);
        if (d < bestD) [best, bestD] = [i, d];
      });
      if (bestD <= w / Math.sqrt(3) && insideConvex(cellCornersBng(grid, best), e, n)) expected[best]! += 1;
      else expectedOutside++;
    }
    expect([...counts]).toEqual([...expected]);
    expect(outside).toBe(expectedOutside);
  });

  it('lines up with a hexagon grid built over a different boundary', () => {
    const other = buildGrid({ boundary: [bngRectangle(531003, 180777, 533003, 182001)], cellSize: w, shape: 'hex' });
    const mine = new Set(grid.cells.map((c) => `${c.easting},${c.northing}`));
    const common = other.cells.filter((c) => mine.has(`${c.easting},${c.northing}`));
    // Every centre of the other grid inside this grid's rectangle is one of this grid's centres.
    const overlapping = other.cells.filter((c) => c.easting > e0 && c.easting < e1 && c.northing > n0 && c.northing < n1);
    expect(overlapping.length).toBeGreaterThan(10);
    expect(common).toHaveLength(overlapping.length);
  });

  it('refuses an unknown shape', () => {
    expect(() => buildGrid({ boundary: [bngRectangle(0, 0, 1000, 1000)], cellSize: 250, shape: 'triangle' as 'hex' })).toThrow(RangeError);
  });
});
