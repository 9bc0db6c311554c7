/**
 * Hotspots on a British National Grid square grid over the partnership's boundary:
 * counts, quartic kernel density, and Getis-Ord Gi* with Benjamini-Hochberg correction.
 * Counts come from the 50 m squares kept on import, so any multiple of 50 m is exact.
 */
import type { Db } from '../../db/connection.ts';
import { LanternError } from '../../shared/errors.ts';
import { geographyFingerprint } from '../geography/geography.repository.ts';
import type { AreaGeometry, Position } from '../geography/area.types.ts';
import { buildGrid, cellAt, cellCornersBng, cellRing, type Grid, type GridShape } from './hotspots/grid.ts';
import { emergingHotSpots, emergingLabel, EMERGING_MIN_SLICES, type EmergingPattern, type EmergingSide } from './hotspots/emerging.ts';
import { giStar, type GiStarClass } from './hotspots/gi-star.ts';
import { kernelDensity, kernelDensityAt } from './stats/kernel-density.ts';
import * as repo from './analysis.repository.ts';
import { monthsBetween } from './filters.ts';
import { showCounts, type Shown, type Workspace } from './workspace.ts';

export const BASE_SQUARE = 50;
export const HOTSPOT_METHODS = ['count', 'kde', 'gi', 'emerging'] as const;
export const GRID_SHAPES = ['square', 'hex'] as const;
export type HotspotMethod = (typeof HOTSPOT_METHODS)[number];

export type HotspotQuery = { method: HotspotMethod; cell: number; shape?: GridShape | undefined; bandwidth?: number | undefined };

export type HotspotCell = {
  id: string; col: number; row: number;
  easting: number; northing: number; lon: number; lat: number;
  count: Shown;
  /** Incidents per square kilometre (kernel density), for method kde. */
  density?: number;
  z?: number; p?: number; pFdr?: number; class?: GiStarClass;
  /** Emerging hot spot pattern over the period's months, for method emerging. */
  pattern?: EmergingPattern; side?: EmergingSide | null; patternLabel?: string; trendZ?: number; trendP?: number;
};

export type Hotspots = {
  method: HotspotMethod;
  grid: {
    shape: GridShape; cellSize: number; crs: 'EPSG:27700';
    originEasting: number; originNorthing: number; cells: number;
    rule: string;
  };
  weights: string | null;
  bandwidth: number | null;
  cells: HotspotCell[];
  /** Located incidents in the filters that fall in no cell (outside the boundary). */
  outsideGrid: Shown;
  summary: Record<GiStarClass, number> | null;
  /** Emerging hot spots: the monthly time slices used and how many cells show each pattern. */
  slices: string[] | null;
  patterns: Record<string, number> | null;
};

export const HEX_RULE = 'Pointy-topped hexagonal cells in British National Grid (EPSG:27700); the cell size is the distance across the flats, which is also the distance between neighbouring centres. Every hexagon grid of one size lies on one national lattice anchored at easting 0, northing 0, with odd rows shifted half a cell east. A cell is part of the grid when its centre lies inside the partnership boundary, with or without incidents. Incidents are counted by 50 m square, each square going to the hexagon holding its centre, so a point is placed to within 35 m.';
export const HEX_WEIGHTS = 'Binary contiguity including the cell itself: the cell and its six edge neighbours. Gi* z-scores; two-sided p from the normal distribution; Benjamini-Hochberg false-discovery-rate adjustment over all cells; classed hot or cold at 90, 95 and 99% on the adjusted p.';
export const GRID_RULE = 'Square cells in British National Grid (EPSG:27700). Origin: the boundary\'s minimum easting and northing, each rounded down to a multiple of the cell size. A cell is part of the grid when its centre lies inside the partnership boundary, with or without incidents.';
export const GI_WEIGHTS = 'Binary queen contiguity including the cell itself: the cell and every cell whose centre is within 1.5 cell widths (the 3 x 3 block). Gi* z-scores; two-sided p from the normal distribution; Benjamini-Hochberg false-discovery-rate adjustment over all cells; classed hot or cold at 90, 95 and 99% on the adjusted p.';

export function checkCellSize(cell: number): number {
  if (!Number.isInteger(cell) || cell < BASE_SQUARE || cell > 5000 || cell % BASE_SQUARE !== 0) {
    throw new LanternError('invalid-input', `The cell size must be a whole multiple of ${BASE_SQUARE} metres between ${BASE_SQUARE} and 5,000, not ${cell}.`);
  }
  return cell;
}

const gridCache = new Map<string, Promise<Grid>>();

/** The partnership's grid of this cell size, built once per geography version. */
export async function partnershipGrid(db: Db, partnershipId: number, cellSize: number, shape: GridShape = 'square'): Promise<Grid> {
  checkCellSize(cellSize);
  const key = `${partnershipId}:${shape}:${cellSize}:${await geographyFingerprint(db, partnershipId)}`;
  let grid = gridCache.get(key);
  if (!grid) {
    grid = (async () => {
      const boundary = await repo.boundaryGeometries(db, partnershipId);
      const geometries = boundary.rows.map((r) => r.geometry as AreaGeometry).filter(Boolean);
      if (geometries.length === 0) throw new LanternError('invalid-input', 'Load the partnership\'s boundaries (Admin, Geography) before mapping hotspots.');
      const built = buildGrid({ boundary: geometries, cellSize, shape });
      if (built.cells.length > 250_000) throw new LanternError('invalid-input', `A ${cellSize} m grid would have ${built.cells.length} cells; choose a larger cell size.`);
      return built;
    })();
    grid.catch(() => gridCache.delete(key));
    if (gridCache.size > 50) gridCache.delete(gridCache.keys().next().value!);
    gridCache.set(key, grid);
  }
  return grid;
}

/** Counts per grid cell from the 50 m squares, and how many fall outside the grid. */
export async function gridCounts(db: Db, scope: repo.CountScope, grid: Grid, rows?: repo.CellRow[]): Promise<{ counts: Float64Array; outside: number; squares: repo.CellRow[] }> {
  const squares = rows ?? await repo.countByCell(db, scope, false);
  const counts = new Float64Array(grid.cells.length);
  let outside = 0;
  for (const s of squares) {
    const c = cellOfSquare(grid, s);
    if (c < 0) outside += s.n;
    else counts[c]! += s.n;
  }
  return { counts, outside, squares };
}

/**
 * The cell holding a 50 m square's centre. Centres can fall exactly on a hexagon's edge;
 * a millimetre's nudge north-east settles every such tie the same way, whatever the
 * floating-point rounding of the edge.
 */
function cellOfSquare(grid: Grid, square: { cell_e: number; cell_n: number }): number {
  const nudge = grid.shape === 'hex' ? 0.001 : 0;
  return cellAt(grid, square.cell_e * BASE_SQUARE + BASE_SQUARE / 2 + nudge, square.cell_n * BASE_SQUARE + BASE_SQUARE / 2 + nudge);
}

/**
 * Emerging hot spots: Gi* in every month of the period, then each cell's pattern over
 * the months (Mann-Kendall trend on its z-scores).
 */
async function emergingPatterns(db: Db, ws: Workspace, grid: Grid, cells: HotspotCell[], byMonth?: repo.CellRow[]) {
  const months = monthsBetween(ws.filters.from, ws.filters.to);
  if (months.length < EMERGING_MIN_SLICES) {
    throw new LanternError('invalid-input', `Emerging hot spots need at least ${EMERGING_MIN_SLICES} months (12 or more is better); the period has ${months.length}.`);
  }
  const slices = months.map(() => new Float64Array(grid.cells.length));
  const sliceOf = new Map(months.map((m, i) => [m, i]));
  for (const s of byMonth ?? await repo.countByCell(db, ws.scope, true)) {
    const c = cellOfSquare(grid, s);
    const t = sliceOf.get(s.month!);
    if (c >= 0 && t !== undefined) slices[t]![c]! += s.n;
  }
  const result = emergingHotSpots(grid, slices);
  const patterns: Record<string, number> = {};
  result.cells.forEach((e, i) => {
    const label = emergingLabel(e);
    Object.assign(cells[i]!, {
      pattern: e.pattern, side: e.side, patternLabel: label, z: round(e.finalZ, 6), class: e.finalClass,
      trendZ: round(e.trend.z, 4), trendP: e.trend.pValue,
    });
    patterns[label] = (patterns[label] ?? 0) + 1;
  });
  return { months, patterns };
}

export function cellId(col: number, row: number): string {
  return `${col}-${row}`;
}

const resultCache = new Map<string, Promise<Hotspots>>();
const RESULT_CACHE_ENTRIES = 40;

/**
 * Hotspots for the workspace's filters. Results are kept per partnership data version (bumped
 * by a trigger whenever the counts change), so a dashboard many people open is computed once
 * per import, and never served stale.
 */
export async function getHotspots(db: Db, ws: Workspace, query: HotspotQuery): Promise<Hotspots> {
  const key = JSON.stringify([ws.partnership.id, ws.partnership.dataVersion, ws.suppress, ws.threshold, ws.scope, query.method, query.shape ?? 'square', query.cell, query.bandwidth ?? null]);
  let result = resultCache.get(key);
  if (!result) {
    result = computeHotspots(db, ws, query);
    result.catch(() => resultCache.delete(key));
    if (resultCache.size >= RESULT_CACHE_ENTRIES) resultCache.delete(resultCache.keys().next().value!);
    resultCache.set(key, result);
  }
  // Callers may decorate the cells; they get their own copies.
  const hotspots = await result;
  return { ...hotspots, cells: hotspots.cells.map((c) => ({ ...c })) };
}

async function computeHotspots(db: Db, ws: Workspace, query: HotspotQuery): Promise<Hotspots> {
  const grid = await partnershipGrid(db, ws.partnership.id, query.cell, query.shape ?? 'square');
  // Emerging hot spots read the counts by month once; the period's totals are their sums.
  const byMonth = query.method === 'emerging' ? await repo.countByCell(db, ws.scope, true) : undefined;
  const { counts, outside, squares } = await gridCounts(db, ws.scope, grid, byMonth);
  const shown = showCounts(ws, Array.from(counts));
  const cells: HotspotCell[] = grid.cells.map((c, i) => ({
    id: cellId(c.col, c.row), col: c.col, row: c.row, easting: c.easting, northing: c.northing,
    lon: round(c.lon, 6), lat: round(c.lat, 6), count: shown[i]!,
  }));
  let summary: Hotspots['summary'] = null;
  let bandwidth: number | null = null;
  let emerging: { months: string[]; patterns: Record<string, number> } | null = null;
  if (query.method === 'emerging') {
    emerging = await emergingPatterns(db, ws, grid, cells, byMonth);
  } else if (query.method === 'gi') {
    const result = giStar(grid, counts);
    summary = { 'hot-99': 0, 'hot-95': 0, 'hot-90': 0, 'cold-99': 0, 'cold-95': 0, 'cold-90': 0, none: 0 };
    result.forEach((r, i) => {
      Object.assign(cells[i]!, { z: round(r.z, 6), p: r.p, pFdr: r.pFdr, class: r.class });
      summary![r.class] += 1;
    });
  } else if (query.method === 'kde') {
    // Default bandwidth: twice the cell size, the common starting point in crime mapping.
    bandwidth = query.bandwidth ?? query.cell * 2;
    if (!(bandwidth >= BASE_SQUARE && bandwidth <= 10_000)) throw new LanternError('invalid-input', `The bandwidth must be between ${BASE_SQUARE} and 10,000 metres.`);
    const points = squares.map((s) => ({ x: s.cell_e * BASE_SQUARE + BASE_SQUARE / 2, y: s.cell_n * BASE_SQUARE + BASE_SQUARE / 2, weight: s.n }));
    if (grid.shape === 'hex') {
      const values = kernelDensityAt(points, grid.cells.map((c) => ({ x: c.easting, y: c.northing })), bandwidth);
      values.forEach((v, i) => { cells[i]!.density = round(v, 3); });
    } else {
      const surface = kernelDensity(points, { minX: grid.originEasting, minY: grid.originNorthing, cellSize: grid.cellSize, cols: grid.cols, rows: grid.rows }, bandwidth);
      grid.cells.forEach((c, i) => { cells[i]!.density = round(surface.values[c.row * grid.cols + c.col]!, 3); });
    }
  }
  if (ws.suppress) coarsenStatistics(cells);
  return {
    method: query.method,
    grid: {
      shape: grid.shape, cellSize: grid.cellSize, crs: 'EPSG:27700', originEasting: grid.originEasting, originNorthing: grid.originNorthing,
      cells: grid.cells.length, rule: grid.shape === 'hex' ? HEX_RULE : GRID_RULE,
    },
    weights: query.method === 'gi' || query.method === 'emerging' ? (grid.shape === 'hex' ? HEX_WEIGHTS : GI_WEIGHTS) : null,
    bandwidth,
    cells,
    outsideGrid: showCounts(ws, [outside])[0]!,
    summary,
    slices: emerging?.months ?? null,
    patterns: emerging?.patterns ?? null,
  };
}

/**
 * Outside the analyst role the statistics are published coarsely (z to one decimal, p to
 * three, density to two significant figures): exact values, with the published counts,
 * could be solved back for the suppressed ones. Classes were set from the exact values.
 */
function coarsenStatistics(cells: HotspotCell[]): void {
  for (const c of cells) {
    if (c.z !== undefined) c.z = round(c.z, 1);
    if (c.p !== undefined) c.p = round(c.p, 3);
    if (c.pFdr !== undefined) c.pFdr = round(c.pFdr, 3);
    if (c.trendZ !== undefined) c.trendZ = round(c.trendZ, 1);
    if (c.density !== undefined && c.density > 0) c.density = Number(c.density.toPrecision(2));
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The lon/lat outline of each cell, for the map and the GeoJSON download. */
export async function cellOutlines(db: Db, partnershipId: number, hotspots: Pick<Hotspots, 'grid'>): Promise<Position[][]> {
  const grid = await partnershipGrid(db, partnershipId, hotspots.grid.cellSize, hotspots.grid.shape);
  return grid.cells.map((_, i) => cellRing(grid, i).map(([lon, lat]) => [round(lon, 6), round(lat, 6)] as Position));
}

/**
 * The ground a cell covers, for its detail page and its incident list: a square as its
 * bounds; a hexagon as the 50 m squares whose centres it holds (as its counts are made).
 */
export async function cellSelection(db: Db, ws: Workspace, shape: GridShape, cellSize: number, col: number, row: number) {
  const grid = await partnershipGrid(db, ws.partnership.id, cellSize, shape);
  const index = col >= 0 && col < grid.cols && row >= 0 && row < grid.rows ? grid.cellIndex[row * grid.cols + col]! : -1;
  if (index < 0) throw new LanternError('not-found-or-no-access', `There is no cell ${col}-${row} in the ${cellSize} m ${shape === 'hex' ? 'hexagon' : 'square'} grid.`);
  const corners = cellCornersBng(grid, index);
  const es = corners.map(([e]) => e);
  const ns = corners.map(([, n]) => n);
  const bounds = { minE: Math.min(...es), minN: Math.min(...ns), maxE: Math.max(...es), maxN: Math.max(...ns) };
  if (grid.shape === 'square') return { cell: grid.cells[index]!, bounds, selection: bounds as repo.CellSelection };
  const squares: repo.CellSelection = { e: [], n: [] };
  for (let e = Math.floor(bounds.minE / BASE_SQUARE); e * BASE_SQUARE < bounds.maxE; e++) {
    for (let n = Math.floor(bounds.minN / BASE_SQUARE); n * BASE_SQUARE < bounds.maxN; n++) {
      if (cellOfSquare(grid, { cell_e: e, cell_n: n }) === index) { squares.e.push(e); squares.n.push(n); }
    }
  }
  return { cell: grid.cells[index]!, bounds, selection: squares };
}
