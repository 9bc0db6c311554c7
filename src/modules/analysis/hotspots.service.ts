/**
 * Hotspots on a British National Grid square grid over the partnership's boundary:
 * counts, quartic kernel density, and Getis-Ord Gi* with Benjamini-Hochberg correction.
 * Counts come from the 50 m squares kept on import, so any multiple of 50 m is exact.
 */
import type { Db } from '../../db/connection.ts';
import { LanternError } from '../../shared/errors.ts';
import { geographyFingerprint } from '../geography/geography.repository.ts';
import type { AreaGeometry } from '../geography/area.types.ts';
import { buildGrid, cellAt, type Grid } from './hotspots/grid.ts';
import { giStar, type GiStarClass } from './hotspots/gi-star.ts';
import { kernelDensity } from './stats/kernel-density.ts';
import * as repo from './analysis.repository.ts';
import { showCounts, type Shown, type Workspace } from './workspace.ts';

export const BASE_SQUARE = 50;
export const HOTSPOT_METHODS = ['count', 'kde', 'gi'] as const;
export type HotspotMethod = (typeof HOTSPOT_METHODS)[number];

export type HotspotQuery = { method: HotspotMethod; cell: number; bandwidth?: number | undefined };

export type HotspotCell = {
  id: string; col: number; row: number;
  easting: number; northing: number; lon: number; lat: number;
  count: Shown;
  /** Incidents per square kilometre (kernel density), for method kde. */
  density?: number;
  z?: number; p?: number; pFdr?: number; class?: GiStarClass;
};

export type Hotspots = {
  method: HotspotMethod;
  grid: {
    shape: 'square'; cellSize: number; crs: 'EPSG:27700';
    originEasting: number; originNorthing: number; cells: number;
    rule: string;
  };
  weights: string | null;
  bandwidth: number | null;
  cells: HotspotCell[];
  /** Located incidents in the filters that fall in no cell (outside the boundary). */
  outsideGrid: Shown;
  summary: Record<GiStarClass, number> | null;
};

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
export async function partnershipGrid(db: Db, partnershipId: number, cellSize: number): Promise<Grid> {
  checkCellSize(cellSize);
  const key = `${partnershipId}:${cellSize}:${await geographyFingerprint(db, partnershipId)}`;
  let grid = gridCache.get(key);
  if (!grid) {
    grid = (async () => {
      const boundary = await repo.boundaryGeometries(db, partnershipId);
      const geometries = boundary.rows.map((r) => r.geometry as AreaGeometry).filter(Boolean);
      if (geometries.length === 0) throw new LanternError('invalid-input', 'Load the partnership\'s boundaries (Admin, Geography) before mapping hotspots.');
      const built = buildGrid({ boundary: geometries, cellSize });
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
export async function gridCounts(db: Db, scope: repo.CountScope, grid: Grid): Promise<{ counts: Float64Array; outside: number; squares: repo.CellRow[] }> {
  const squares = await repo.countByCell(db, scope, false);
  const counts = new Float64Array(grid.cells.length);
  let outside = 0;
  for (const s of squares) {
    const c = cellAt(grid, s.cell_e * BASE_SQUARE + BASE_SQUARE / 2, s.cell_n * BASE_SQUARE + BASE_SQUARE / 2);
    if (c < 0) outside += s.n;
    else counts[c]! += s.n;
  }
  return { counts, outside, squares };
}

export function cellId(col: number, row: number): string {
  return `${col}-${row}`;
}

export async function getHotspots(db: Db, ws: Workspace, query: HotspotQuery): Promise<Hotspots> {
  const grid = await partnershipGrid(db, ws.partnership.id, query.cell);
  const { counts, outside, squares } = await gridCounts(db, ws.scope, grid);
  const shown = showCounts(ws, Array.from(counts));
  const cells: HotspotCell[] = grid.cells.map((c, i) => ({
    id: cellId(c.col, c.row), col: c.col, row: c.row, easting: c.easting, northing: c.northing,
    lon: round(c.lon, 6), lat: round(c.lat, 6), count: shown[i]!,
  }));
  let summary: Hotspots['summary'] = null;
  let bandwidth: number | null = null;
  if (query.method === 'gi') {
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
    const surface = kernelDensity(
      squares.map((s) => ({ x: s.cell_e * BASE_SQUARE + BASE_SQUARE / 2, y: s.cell_n * BASE_SQUARE + BASE_SQUARE / 2, weight: s.n })),
      { minX: grid.originEasting, minY: grid.originNorthing, cellSize: grid.cellSize, cols: grid.cols, rows: grid.rows },
      bandwidth,
    );
    grid.cells.forEach((c, i) => { cells[i]!.density = round(surface.values[c.row * grid.cols + c.col]!, 3); });
  }
  return {
    method: query.method,
    grid: { shape: 'square', cellSize: grid.cellSize, crs: 'EPSG:27700', originEasting: grid.originEasting, originNorthing: grid.originNorthing, cells: grid.cells.length, rule: GRID_RULE },
    weights: query.method === 'gi' ? GI_WEIGHTS : null,
    bandwidth,
    cells,
    outsideGrid: showCounts(ws, [outside])[0]!,
    summary,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The square of a cell, for its detail page and its incident list. */
export async function cellSquare(db: Db, ws: Workspace, cellSize: number, col: number, row: number) {
  const grid = await partnershipGrid(db, ws.partnership.id, cellSize);
  const index = col >= 0 && col < grid.cols && row >= 0 && row < grid.rows ? grid.cellIndex[row * grid.cols + col]! : -1;
  if (index < 0) throw new LanternError('not-found-or-no-access', `There is no cell ${col}-${row} in the ${cellSize} m grid.`);
  const minE = grid.originEasting + col * cellSize;
  const minN = grid.originNorthing + row * cellSize;
  return { cell: grid.cells[index]!, square: { minE, minN, maxE: minE + cellSize, maxN: minN + cellSize } };
}
