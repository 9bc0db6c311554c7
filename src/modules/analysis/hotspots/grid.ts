/**
 * Square analysis grid over a partnership's boundary, in British National Grid so that
 * every cell is the same size on the ground (a grid in degrees would not be).
 *
 * Cells are kept when their centre lies inside the boundary: a cell is then counted in
 * exactly one partnership when neighbouring partnerships use the same origin rule, and
 * slivers along the edge do not add cells that could only ever hold a few points.
 */
import { fromBng, toBng } from '../../../shared/bng.ts';
import { buildAreaIndex } from '../../geography/area-index.ts';
import type { AreaGeometry, AreaRecord, Position } from '../../geography/area.types.ts';

export type GridCell = {
  col: number;
  row: number;
  /** Centre of the cell, BNG metres. */
  easting: number;
  northing: number;
  /** Centre of the cell, WGS84 degrees. */
  lon: number;
  lat: number;
};

export type Grid = {
  cellSize: number;
  /** South-west corner of cell (0, 0), BNG metres; see gridOrigin. */
  originEasting: number;
  originNorthing: number;
  /** Extent of the lookup table; only cells in `cells` are part of the grid. */
  cols: number;
  rows: number;
  /** Cells inside the boundary, ordered by row then column. */
  cells: readonly GridCell[];
  /** row * cols + col → index into `cells`, or -1 for a cell outside the boundary. */
  cellIndex: Int32Array;
};

export type BuildGridOptions = {
  /** The partnership's boundary polygons, WGS84. */
  boundary: readonly AreaGeometry[];
  /** Cell side in metres. */
  cellSize: number;
};

export type GridCounts = {
  /** Points per cell, in the order of `grid.cells`. */
  counts: Float64Array;
  /** Points in no cell of the grid (outside the boundary, or without a usable location). */
  outside: number;
};

/**
 * Origin rule: the grid's south-west corner is the boundary's minimum easting and minimum
 * northing, each rounded down to a multiple of the cell size. Snapping to whole multiples
 * means a 250 m grid always has its lines at …000, …250, …500, …750 m, so grids built for
 * neighbouring partnerships, or for the same partnership after a boundary revision, line
 * up and their cells can be compared one to one.
 */
export function gridOrigin(minEasting: number, minNorthing: number, cellSize: number): [easting: number, northing: number] {
  return [Math.floor(minEasting / cellSize) * cellSize, Math.floor(minNorthing / cellSize) * cellSize];
}

export function buildGrid(opts: BuildGridOptions): Grid {
  const { boundary, cellSize } = opts;
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) {
    throw new RangeError(`The cell size must be a positive number of metres, not ${cellSize}.`);
  }
  let minE = Infinity;
  let minN = Infinity;
  let maxE = -Infinity;
  let maxN = -Infinity;
  for (const geometry of boundary) {
    const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    // Outer rings bound the area; holes lie inside them.
    for (const rings of polygons) {
      for (const [lon, lat] of rings[0] ?? []) {
        const [e, n] = toBng(lon, lat);
        if (e < minE) minE = e;
        if (e > maxE) maxE = e;
        if (n < minN) minN = n;
        if (n > maxN) maxN = n;
      }
    }
  }
  if (!Number.isFinite(minE)) {
    throw new RangeError('The boundary has no vertices, so there is nothing to lay a grid over.');
  }

  const [originEasting, originNorthing] = gridOrigin(minE, minN, cellSize);
  // floor + 1 covers every cell whose south-west corner is not beyond the extent; a straight
  // edge in WGS84 bends slightly in BNG, and a spare column only costs one rejected test.
  const cols = Math.floor((maxE - originEasting) / cellSize) + 1;
  const rows = Math.floor((maxN - originNorthing) / cellSize) + 1;

  const areas: AreaRecord[] = boundary.map((geometry, i) => ({
    type: 'lad',
    code: `boundary-${i}`,
    name: `boundary part ${i}`,
    parentCodes: {},
    geometry,
  }));
  const index = buildAreaIndex(areas);

  const cells: GridCell[] = [];
  const cellIndex = new Int32Array(cols * rows).fill(-1);
  for (let row = 0; row < rows; row++) {
    const northing = originNorthing + (row + 0.5) * cellSize;
    for (let col = 0; col < cols; col++) {
      const easting = originEasting + (col + 0.5) * cellSize;
      const [lon, lat] = fromBng(easting, northing);
      if (index.locate(lon, lat) === null) continue;
      cellIndex[row * cols + col] = cells.length;
      cells.push({ col, row, easting, northing, lon, lat });
    }
  }
  return { cellSize, originEasting, originNorthing, cols, rows, cells, cellIndex };
}

/** Index into `grid.cells` of the cell holding the point, or -1. Cells are half-open: a point on a line belongs to the cell east / north of it. */
export function cellAt(grid: Grid, easting: number, northing: number): number {
  const col = Math.floor((easting - grid.originEasting) / grid.cellSize);
  const row = Math.floor((northing - grid.originNorthing) / grid.cellSize);
  // Written so that NaN fails too.
  if (!(col >= 0 && col < grid.cols && row >= 0 && row < grid.rows)) return -1;
  return grid.cellIndex[row * grid.cols + col] as number;
}

/** Counts points given as [e0, n0, e1, n1, …] BNG metres into the grid's cells. */
export function countIntoGrid(grid: Grid, points: Float64Array): GridCounts {
  if (points.length % 2 !== 0) {
    throw new RangeError(`Points are easting/northing pairs, but ${points.length} numbers were given.`);
  }
  const counts = new Float64Array(grid.cells.length);
  let outside = 0;
  for (let i = 0; i < points.length; i += 2) {
    const c = cellAt(grid, points[i] as number, points[i + 1] as number);
    if (c < 0) outside++;
    else counts[c] = (counts[c] as number) + 1;
  }
  return { counts, outside };
}
