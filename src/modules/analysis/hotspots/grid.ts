/**
 * Analysis grid over a partnership's boundary, in British National Grid so that every cell
 * is the same size on the ground (a grid in degrees would not be). Cells are squares or
 * regular hexagons.
 *
 * Cells are kept when their centre lies inside the boundary: a cell is then counted in
 * exactly one partnership when neighbouring partnerships use the same origin rule, and
 * slivers along the edge do not add cells that could only ever hold a few points.
 *
 * Hexagons are pointy-topped: rows run east-west like the square grid's, so cells keep the
 * same row-then-column order and the same (row, col) lookup table, and odd rows are shifted
 * half a cell east. A hexagon's size is the distance between opposite flat sides, which is
 * also the distance between the centres of neighbouring cells (as a square's side is), so a
 * "250 m" grid means neighbours 250 m apart whichever the shape; a hexagon then has
 * √3/2 ≈ 0.866 of the square's area (see cellArea).
 */
import { fromBng, toBng } from '../../../shared/bng.ts';
import { buildAreaIndex } from '../../geography/area-index.ts';
import type { AreaGeometry, AreaRecord, Position } from '../../geography/area.types.ts';

export type GridShape = 'square' | 'hex';

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
  shape: GridShape;
  /** Square: side. Hexagon: distance between opposite flat sides (= between neighbouring centres). Metres. */
  cellSize: number;
  /**
   * South-west corner of the bounding box of cell (0, 0), BNG metres; see gridOrigin and
   * hexOrigin. For hexagons, row 0 is always an even row of the national lattice, so "odd
   * rows are shifted east" holds for local and national row numbers alike.
   */
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
  /** Square side, or hexagon width across the flats, in metres. */
  cellSize: number;
  /** Default 'square'. */
  shape?: GridShape;
};

export type GridCounts = {
  /** Points per cell, in the order of `grid.cells`. */
  counts: Float64Array;
  /** Points in no cell of the grid (outside the boundary, or without a usable location). */
  outside: number;
};

/**
 * Cell adjacency in compressed sparse row form: the neighbours of cell i, the cell itself
 * included, are indices[offsets[i]] … indices[offsets[i + 1] − 1], in row-then-column
 * order. Flat typed arrays rather than an array of arrays, because Gi* walks them once per
 * time slice and allocation would dominate.
 */
export type NeighbourList = {
  offsets: Int32Array;
  indices: Int32Array;
};

/** The grid fields that define which cells touch, so callers with their own cell layout can use them too. Shape defaults to square. */
export type GridTopology = Pick<Grid, 'cols' | 'rows' | 'cellIndex'> & {
  shape?: GridShape;
  cells: ArrayLike<{ col: number; row: number }>;
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

/**
 * The national hexagon lattice of a given width: cell (C, R) has its centre at easting
 * (2C + R mod 2)·w/2 and northing 3R·h, where h is half the side (w / (2√3)), so BNG
 * (0, 0) is a centre. Every coordinate is a whole multiple of w/2 or of h, which makes
 * corners shared by neighbouring cells bit-identical and lets two grids of the same width
 * line up cell for cell, as the square grid's origin rule does.
 */
type HexLattice = { halfWidth: number; h: number; col0: number; row0: number };

/**
 * Hexagon origin rule: the first row is an even national row at or south of the boundary's
 * minimum northing, and the first column lies west of its minimum easting, each with a spare
 * row or column: a boundary edge that is straight in WGS84 bends slightly in BNG and can
 * pass just outside its vertices' extent, and a spare only costs rejected tests. Returns the
 * national column and row of local cell (0, 0).
 */
export function hexOrigin(minEasting: number, minNorthing: number, cellSize: number): [col: number, row: number] {
  const rowStep = (3 * cellSize) / (2 * Math.sqrt(3));
  return [Math.floor(minEasting / cellSize) - 1, 2 * Math.floor((Math.floor(minNorthing / rowStep) - 1) / 2)];
}

function hexLattice(grid: Pick<Grid, 'cellSize' | 'originEasting' | 'originNorthing'>): HexLattice {
  const halfWidth = grid.cellSize / 2;
  const h = grid.cellSize / (2 * Math.sqrt(3));
  // The origin is (2·col0 − 1)·w/2 and (3·row0 − 2)·h by construction; rounding recovers
  // the whole numbers exactly.
  return {
    halfWidth,
    h,
    col0: Math.round((grid.originEasting / halfWidth + 1) / 2),
    row0: Math.round((grid.originNorthing / h + 2) / 3),
  };
}

export function buildGrid(opts: BuildGridOptions): Grid {
  const { boundary, cellSize } = opts;
  const shape = opts.shape ?? 'square';
  if (!(cellSize > 0) || !Number.isFinite(cellSize)) {
    throw new RangeError(`The cell size must be a positive number of metres, not ${cellSize}.`);
  }
  if (shape !== 'square' && shape !== 'hex') {
    throw new RangeError(`The cell shape must be 'square' or 'hex', not '${String(shape)}'.`);
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

  const areas: AreaRecord[] = boundary.map((geometry, i) => ({
    type: 'lad',
    code: `boundary-${i}`,
    name: `boundary part ${i}`,
    parentCodes: {},
    geometry,
  }));
  const index = buildAreaIndex(areas);

  let originEasting: number;
  let originNorthing: number;
  let cols: number;
  let rows: number;
  let centre: (col: number, row: number) => [easting: number, northing: number];
  if (shape === 'square') {
    [originEasting, originNorthing] = gridOrigin(minE, minN, cellSize);
    // floor + 1 covers every cell whose south-west corner is not beyond the extent; a straight
    // edge in WGS84 bends slightly in BNG, and a spare column only costs one rejected test.
    cols = Math.floor((maxE - originEasting) / cellSize) + 1;
    rows = Math.floor((maxN - originNorthing) / cellSize) + 1;
    const e0 = originEasting;
    const n0 = originNorthing;
    centre = (col, row) => [e0 + (col + 0.5) * cellSize, n0 + (row + 0.5) * cellSize];
  } else {
    const [col0, row0] = hexOrigin(minE, minN, cellSize);
    const halfWidth = cellSize / 2;
    const h = cellSize / (2 * Math.sqrt(3));
    originEasting = (2 * col0 - 1) * halfWidth;
    originNorthing = (3 * row0 - 2) * h;
    // Every national centre within the extent, with a spare column and row as above.
    cols = Math.floor(maxE / cellSize) - col0 + 2;
    rows = Math.floor(maxN / (3 * h)) - row0 + 2;
    centre = (col, row) => {
      const C = col0 + col;
      const R = row0 + row;
      return [(2 * C + (R & 1)) * halfWidth, 3 * R * h];
    };
  }

  const cells: GridCell[] = [];
  const cellIndex = new Int32Array(cols * rows).fill(-1);
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const [easting, northing] = centre(col, row);
      const [lon, lat] = fromBng(easting, northing);
      if (index.locate(lon, lat) === null) continue;
      cellIndex[row * cols + col] = cells.length;
      cells.push({ col, row, easting, northing, lon, lat });
    }
  }
  return { shape, cellSize, originEasting, originNorthing, cols, rows, cells, cellIndex };
}

/**
 * Index into `grid.cells` of the cell holding the point, or -1. Square cells are half-open:
 * a point on a line belongs to the cell east / north of it. A point exactly on a hexagon's
 * edge goes to one of the two cells by a fixed rounding rule, so it is still counted once.
 */
export function cellAt(grid: Grid, easting: number, northing: number): number {
  return grid.shape === 'hex' ? hexCellAt(grid, hexLattice(grid), easting, northing) : squareCellAt(grid, easting, northing);
}

function squareCellAt(grid: Grid, easting: number, northing: number): number {
  const col = Math.floor((easting - grid.originEasting) / grid.cellSize);
  const row = Math.floor((northing - grid.originNorthing) / grid.cellSize);
  // Written so that NaN fails too.
  if (!(col >= 0 && col < grid.cols && row >= 0 && row < grid.rows)) return -1;
  return grid.cellIndex[row * grid.cols + col] as number;
}

function hexCellAt(grid: Grid, lattice: HexLattice, easting: number, northing: number): number {
  // Axial coordinates (q along a row, r = row) relative to the centre of cell (0, 0), then
  // cube rounding: the nearest lattice centre, which for a regular hexagonal lattice is the
  // hexagon holding the point. floor(x + 0.5) rounds as Math.round does for these values
  // and made counting 100,000 points about 30% faster.
  const r = (northing - grid.originNorthing - 2 * lattice.h) / (3 * lattice.h);
  const q = (easting - grid.originEasting - lattice.halfWidth) / grid.cellSize - r / 2;
  const s = -q - r;
  let rq = Math.floor(q + 0.5);
  let rr = Math.floor(r + 0.5);
  const rs = Math.floor(s + 0.5);
  const dq = Math.abs(rq - q);
  const dr = Math.abs(rr - r);
  const ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  const row = rr;
  const col = rq + (rr - (rr & 1)) / 2;
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
  const lattice = grid.shape === 'hex' ? hexLattice(grid) : null;
  let outside = 0;
  for (let i = 0; i < points.length; i += 2) {
    const e = points[i] as number;
    const n = points[i + 1] as number;
    const c = lattice ? hexCellAt(grid, lattice, e, n) : squareCellAt(grid, e, n);
    if (c < 0) outside++;
    else counts[c] = (counts[c] as number) + 1;
  }
  return { counts, outside };
}

/** Area of one cell in square metres: w² for a square, (√3/2)·w² for a hexagon w across the flats. */
export function cellArea(grid: Pick<Grid, 'shape' | 'cellSize'>): number {
  return grid.shape === 'hex' ? (Math.sqrt(3) / 2) * grid.cellSize ** 2 : grid.cellSize ** 2;
}

/**
 * Corners of a cell in BNG metres, anticlockwise from the south-west (square) or the south
 * point (hexagon), not closed. Computed from whole multiples of the lattice spacing, so a
 * corner shared by two cells has the same coordinates in both.
 */
export function cellCornersBng(grid: Grid, index: number): [easting: number, northing: number][] {
  const cell = grid.cells[index];
  if (!cell) throw new RangeError(`The grid has no cell ${index}; it has ${grid.cells.length}.`);
  if (grid.shape === 'hex') {
    const { halfWidth, h, col0, row0 } = hexLattice(grid);
    const R = row0 + cell.row;
    const x = 2 * (col0 + cell.col) + (R & 1); // centre easting in half-widths
    const y = 3 * R; // centre northing in half-sides
    return [
      [x * halfWidth, (y - 2) * h],
      [(x + 1) * halfWidth, (y - 1) * h],
      [(x + 1) * halfWidth, (y + 1) * h],
      [x * halfWidth, (y + 2) * h],
      [(x - 1) * halfWidth, (y + 1) * h],
      [(x - 1) * halfWidth, (y - 1) * h],
    ];
  }
  const e0 = grid.originEasting + cell.col * grid.cellSize;
  const n0 = grid.originNorthing + cell.row * grid.cellSize;
  const e1 = grid.originEasting + (cell.col + 1) * grid.cellSize;
  const n1 = grid.originNorthing + (cell.row + 1) * grid.cellSize;
  return [
    [e0, n0],
    [e1, n0],
    [e1, n1],
    [e0, n1],
  ];
}

/**
 * The cell's outline as a closed GeoJSON linear ring in WGS84 [lon, lat], anticlockwise as
 * RFC 7946 asks of an outer ring. Edges are straight in BNG; over a few hundred metres the
 * curve they become in WGS84 is well under a millimetre, so corners alone suffice.
 */
export function cellRing(grid: Grid, index: number): Position[] {
  const ring: Position[] = cellCornersBng(grid, index).map(([e, n]) => fromBng(e, n));
  ring.push([...(ring[0] as Position)]);
  return ring;
}

/** cellRing for every cell, in the order of `grid.cells`. */
export function cellRings(grid: Grid): Position[][] {
  return grid.cells.map((_, i) => cellRing(grid, i));
}

/**
 * Contiguity neighbours of every cell, the cell itself included (the Gi* form). Squares:
 * queen contiguity, the 3×3 block, which is every cell whose centre is within 1.5 widths.
 * Hexagons: the six cells sharing an edge, which are exactly the cells whose centre is one
 * width away (the next ring is √3 widths away). Read from the (row, col) lookup table, so
 * O(n) rather than a distance search.
 */
export function gridNeighbours(grid: GridTopology): NeighbourList {
  const n = grid.cells.length;
  const { cols, rows, cellIndex } = grid;
  const hex = grid.shape === 'hex';
  const offsets = new Int32Array(n + 1);
  const indices = new Int32Array(n * (hex ? 7 : 9));
  let k = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = k;
    const cell = grid.cells[i] as { col: number; row: number };
    const r0 = Math.max(0, cell.row - 1);
    const r1 = Math.min(rows - 1, cell.row + 1);
    for (let r = r0; r <= r1; r++) {
      // Pointy-topped, odd rows shifted east: the rows above and below hold the cell's
      // column and the one west of it from an even row, or east of it from an odd row.
      let c0 = cell.col - 1;
      let c1 = cell.col + 1;
      if (hex && r !== cell.row) {
        if (cell.row & 1) c0 = cell.col;
        else c1 = cell.col;
      }
      if (c0 < 0) c0 = 0;
      if (c1 > cols - 1) c1 = cols - 1;
      const base = r * cols;
      for (let c = c0; c <= c1; c++) {
        const j = cellIndex[base + c] as number;
        if (j >= 0) indices[k++] = j;
      }
    }
  }
  offsets[n] = k;
  return { offsets, indices: indices.slice(0, k) };
}
