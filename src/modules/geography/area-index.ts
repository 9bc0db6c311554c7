/**
 * Assigns points to areas during an import. Built once per import and per area type, then
 * asked hundreds of thousands of times, so the work is moved into the build:
 *
 * - every polygon part's bounding box goes into a flatbush R-tree;
 * - a regular grid is laid over all parts, and each grid cell records which parts' edges
 *   cross it; a cell no edge crosses lies wholly inside or wholly outside each part, which
 *   one test of its centre settles at build time;
 * - a lookup is then one array access for most points, and exact point-in-polygon tests
 *   (point-in-polygon-hao, robust on edges) only against the few parts whose edges cross
 *   the point's cell.
 *
 * The answer is always the same as testing every area in order and returning the first
 * that contains the point (edges count as inside).
 */
import Flatbush from 'flatbush';
import pointInPolygon from 'point-in-polygon-hao';
import type { AreaGeometry, AreaRecord, AreaType, Position } from './area.types.ts';
import { GeographyError } from './geography.errors.ts';

export type AreaIndex = {
  /** Area type of the indexed areas; null when the index is empty. */
  readonly type: AreaType | null;
  /** Areas that have a geometry and can be found. */
  readonly size: number;
  /** Areas left out because they have no geometry. */
  readonly withoutGeometry: number;
  /** First area (in input order) whose boundary contains the point, or null. Longitude first. */
  locate(lon: number, lat: number): AreaRecord | null;
};

export type BuildAreaIndexOptions = {
  /** Grid cells per polygon part (at least one cell per vertex regardless); more cells mean more direct hits and a slower build. */
  cellsPerPart?: number;
};

export type BestFitMethod = 'same-code' | 'interior-point' | 'none';

/** Where one area of the `from` set maps to in the `to` set; code is null when nothing contains it. */
export type BestFitMatch = { code: string | null; method: BestFitMethod };

const DEFAULT_CELLS_PER_PART = 16;
const MAX_CELLS = 1 << 22;

type Rings = number[][][];

export function buildAreaIndex(areas: readonly AreaRecord[], opts: BuildAreaIndexOptions = {}): AreaIndex {
  const type = areas[0]?.type ?? null;
  const mixed = areas.find((a) => a.type !== type);
  if (mixed) {
    throw new GeographyError(
      'mixed_area_types',
      `An area index holds one area type (the areas of a type partition the map), but ${type} and ${mixed.type} were mixed; use buildAreaIndexes.`,
    );
  }

  const located: AreaRecord[] = [];
  const partRings: Rings[] = [];
  const partArea: number[] = [];
  for (const area of areas) {
    if (!area.geometry) continue;
    const areaIndex = located.length;
    located.push(area);
    for (const rings of polygonsOf(area.geometry)) {
      partRings.push(rings as Rings);
      partArea.push(areaIndex);
    }
  }
  const withoutGeometry = areas.length - located.length;
  const numParts = partRings.length;
  if (numParts === 0) {
    return { type, size: 0, withoutGeometry, locate: () => null };
  }

  const tree = new Flatbush(numParts);
  for (const rings of partRings) {
    const [minX, minY, maxX, maxY] = ringBounds(rings[0] as number[][]);
    tree.add(minX, minY, maxX, maxY);
  }
  tree.finish();

  const { minX, minY, maxX, maxY } = tree;
  // Few but intricate areas (33 boroughs with hundreds of vertices each) need as fine a grid
  // as many simple ones, or each lookup would test a long boundary: so at least one cell per vertex.
  let vertices = 0;
  for (const rings of partRings) for (const ring of rings) vertices += ring.length;
  const targetCells = Math.max(64, numParts * (opts.cellsPerPart ?? DEFAULT_CELLS_PER_PART), vertices);
  const grid = gridShape(minX, minY, maxX, maxY, Math.min(MAX_CELLS, targetCells));
  const { nx, ny, cellW, cellH } = grid;
  const numCells = nx * ny;
  const invW = 1 / cellW;
  const invH = 1 / cellH;
  // A hair of slack so that rounding in the cell arithmetic can never hide an edge from a
  // cell a point is assigned to; it only makes a few more cells take the exact test.
  const epsX = cellW * 1e-6;
  const epsY = cellH * 1e-6;
  const cellX = (x: number) => Math.min(nx - 1, Math.max(0, Math.floor((x - minX) * invW)));
  const cellY = (y: number) => Math.min(ny - 1, Math.max(0, Math.floor((y - minY) * invH)));

  // Which parts have an edge crossing each cell. An edge's bounding box is marked, which can
  // only over-mark (costing an exact test later), never miss.
  const crossing: (number[] | undefined)[] = new Array(numCells);
  const lastMarked = new Int32Array(numCells).fill(-1);
  for (let p = 0; p < numParts; p++) {
    for (const ring of partRings[p] as Rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i] as number[];
        const b = ring[i + 1] as number[];
        const ax = a[0] as number;
        const ay = a[1] as number;
        const bx = b[0] as number;
        const by = b[1] as number;
        const x0 = cellX(Math.min(ax, bx) - epsX);
        const x1 = cellX(Math.max(ax, bx) + epsX);
        const y0 = cellY(Math.min(ay, by) - epsY);
        const y1 = cellY(Math.max(ay, by) + epsY);
        for (let cy = y0; cy <= y1; cy++) {
          for (let cx = x0; cx <= x1; cx++) {
            const c = cy * nx + cx;
            if (lastMarked[c] === p) continue;
            lastMarked[c] = p;
            const list = crossing[c];
            if (list) list.push(p);
            else crossing[c] = [p];
          }
        }
      }
    }
  }

  // Per cell: the parts needing an exact test, in area order, then the area every other
  // point of the cell belongs to (or -1). Stored flat so a lookup touches typed arrays only.
  const cellStart = new Int32Array(numCells + 1);
  const cellFallback = new Int32Array(numCells).fill(-1);
  const items: number[] = [];
  const isCrossing = new Int32Array(numParts).fill(-1);
  const centre = [0, 0];
  for (let cy = 0; cy < ny; cy++) {
    for (let cx = 0; cx < nx; cx++) {
      const c = cy * nx + cx;
      cellStart[c] = items.length;
      const x0 = minX + cx * cellW;
      const y0 = minY + cy * cellH;
      const candidates = tree.search(x0 - epsX, y0 - epsY, x0 + cellW + epsX, y0 + cellH + epsY);
      if (candidates.length === 0) continue;
      // Parts were added in area order, so sorting part ids sorts by area as well.
      candidates.sort((a, b) => a - b);
      for (const p of crossing[c] ?? []) isCrossing[p] = c;
      centre[0] = x0 + cellW / 2;
      centre[1] = y0 + cellH / 2;
      for (const p of candidates) {
        if (isCrossing[p] === c) {
          items.push(p);
        } else if (pointInPolygon(centre, partRings[p] as Rings) !== false) {
          // No edge of p crosses the cell and its centre is inside: so is all of it, and
          // no later area can be the first to contain any of its points.
          cellFallback[c] = partArea[p] as number;
          break;
        }
      }
    }
  }
  cellStart[numCells] = items.length;
  const cellItems = Int32Array.from(items);
  const areaOfPart = Int32Array.from(partArea);
  const point = [0, 0];

  function locate(lon: number, lat: number): AreaRecord | null {
    // Written so that NaN fails too: rows without a location must not be placed anywhere.
    if (!(lon >= minX && lon <= maxX && lat >= minY && lat <= maxY)) return null;
    let cx = Math.floor((lon - minX) * invW);
    if (cx >= nx) cx = nx - 1;
    let cy = Math.floor((lat - minY) * invH);
    if (cy >= ny) cy = ny - 1;
    const c = cy * nx + cx;
    const end = cellStart[c + 1] as number;
    if (end > (cellStart[c] as number)) {
      point[0] = lon;
      point[1] = lat;
      for (let i = cellStart[c] as number; i < end; i++) {
        const p = cellItems[i] as number;
        if (pointInPolygon(point, partRings[p] as Rings) !== false) return located[areaOfPart[p] as number] as AreaRecord;
      }
    }
    const fallback = cellFallback[c] as number;
    return fallback >= 0 ? (located[fallback] as AreaRecord) : null;
  }

  return { type, size: located.length, withoutGeometry, locate };
}

/** One index per area type, since only areas of one type partition the map. */
export function buildAreaIndexes(areas: readonly AreaRecord[], opts: BuildAreaIndexOptions = {}): Map<AreaType, AreaIndex> {
  const byType = new Map<AreaType, AreaRecord[]>();
  for (const area of areas) {
    const list = byType.get(area.type);
    if (list) list.push(area);
    else byType.set(area.type, [area]);
  }
  const indexes = new Map<AreaType, AreaIndex>();
  for (const [type, list] of byType) indexes.set(type, buildAreaIndex(list, opts));
  return indexes;
}

/**
 * Maps every area of `from` to the area of `to` containing it, for translating LSOA 2011
 * codes to 2021 and back. A code present in both maps to itself (ONS keeps a code only
 * when the area is unchanged); any other area maps to the area containing its interior
 * point, which for a split LSOA is the part holding the middle of the old area.
 */
export function bestFitLookup(from: readonly AreaRecord[], to: readonly AreaRecord[]): Map<string, BestFitMatch> {
  const toCodes = new Set(to.map((a) => a.code));
  let index: AreaIndex | undefined;
  const result = new Map<string, BestFitMatch>();
  for (const area of from) {
    if (toCodes.has(area.code)) {
      result.set(area.code, { code: area.code, method: 'same-code' });
      continue;
    }
    if (!area.geometry) {
      result.set(area.code, { code: null, method: 'none' });
      continue;
    }
    index ??= buildAreaIndex(to);
    const [lon, lat] = interiorPoint(area.geometry);
    const target = index.locate(lon, lat);
    result.set(area.code, target ? { code: target.code, method: 'interior-point' } : { code: null, method: 'none' });
  }
  return result;
}

/**
 * A point strictly inside the area, as far from its edges as practical: the pole of
 * inaccessibility (polylabel) of its largest part. Centroids are not used because a
 * crescent- or L-shaped area's centroid can fall outside it, and a point hugging an edge
 * would land in the neighbour once the other vintage's generalised edge moves a few metres.
 */
export function interiorPoint(geometry: AreaGeometry): Position {
  let best: Position[][] | undefined;
  let bestArea = -1;
  for (const rings of polygonsOf(geometry)) {
    let area = 0;
    rings.forEach((ring, i) => (area += i === 0 ? Math.abs(ringArea(ring)) : -Math.abs(ringArea(ring))));
    if (area > bestArea) {
      bestArea = area;
      best = rings;
    }
  }
  if (!best || !best[0] || best[0].length === 0) {
    throw new GeographyError('invalid_geometry', 'Cannot find an interior point of an empty geometry.');
  }
  const rings = best as Rings;
  const pole = poleOfInaccessibility(rings);
  if (pointInPolygon(pole, rings) === true) return pole;
  const scan = scanlinePoint(rings);
  if (scan && pointInPolygon(scan, rings) === true) return scan;
  // Only a degenerate (zero-area) polygon gets here; its first vertex still counts as inside.
  const first = rings[0]?.[0] as number[];
  return [first[0] as number, first[1] as number];
}

function polygonsOf(geometry: AreaGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

function ringBounds(ring: number[][]): [number, number, number, number] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of ring) {
    const x = p[0] as number;
    const y = p[1] as number;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

function ringArea(ring: number[][]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i] as number[];
    const b = ring[i + 1] as number[];
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return sum / 2;
}

/** Grid dimensions giving roughly square cells on the ground, whatever the latitude. */
function gridShape(minX: number, minY: number, maxX: number, maxY: number, targetCells: number) {
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const width = Math.max((maxX - minX) * kx, 1e-9);
  const height = Math.max(maxY - minY, 1e-9);
  const side = Math.sqrt((width * height) / targetCells);
  const nx = Math.max(1, Math.min(targetCells, Math.ceil(width / side)));
  const ny = Math.max(1, Math.min(targetCells, Math.ceil(height / side)));
  return { nx, ny, cellW: Math.max(maxX - minX, 1e-12) / nx, cellH: Math.max(maxY - minY, 1e-12) / ny };
}

type Cell = { x: number; y: number; h: number; d: number; max: number };

/**
 * Polylabel (Mapbox's pole of inaccessibility search): cover the polygon with square cells,
 * and keep splitting the cells that could still hold a point further from the edges than
 * the best found so far. Longitude is scaled by cos(latitude) so "far" means far on the ground.
 */
function poleOfInaccessibility(rings: Rings): Position {
  const outer = rings[0] as number[][];
  const [minX, minY, maxX, maxY] = ringBounds(outer);
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  const scaled: Rings = rings.map((ring) => ring.map((p) => [(p[0] as number) * kx, p[1] as number]));
  const sMinX = minX * kx;
  const sMaxX = maxX * kx;
  const width = sMaxX - sMinX;
  const height = maxY - minY;
  const cellSize = Math.min(width, height);
  if (cellSize <= 0) return [minX, minY];
  // About 1/500 of the area's extent: a few metres for an LSOA, plenty for choosing a side.
  const precision = Math.max(width, height) / 500;

  const makeCell = (x: number, y: number, h: number): Cell => {
    const d = signedDistance(x, y, scaled);
    return { x, y, h, d, max: d + h * Math.SQRT2 };
  };
  const queue = new MaxHeap();
  let h = cellSize / 2;
  for (let x = sMinX; x < sMaxX; x += cellSize) {
    for (let y = minY; y < maxY; y += cellSize) queue.push(makeCell(x + h, y + h, h));
  }
  let best = centroidCell(scaled, makeCell);
  const boxCentre = makeCell(sMinX + width / 2, minY + height / 2, 0);
  if (boxCentre.d > best.d) best = boxCentre;

  for (let cell = queue.pop(); cell; cell = queue.pop()) {
    if (cell.d > best.d) best = cell;
    if (cell.max - best.d <= precision) continue;
    h = cell.h / 2;
    queue.push(makeCell(cell.x - h, cell.y - h, h));
    queue.push(makeCell(cell.x + h, cell.y - h, h));
    queue.push(makeCell(cell.x - h, cell.y + h, h));
    queue.push(makeCell(cell.x + h, cell.y + h, h));
  }
  return [best.x / kx, best.y];
}

function centroidCell(rings: Rings, makeCell: (x: number, y: number, h: number) => Cell): Cell {
  const outer = rings[0] as number[][];
  let area = 0;
  let x = 0;
  let y = 0;
  for (let i = 0, j = outer.length - 1; i < outer.length; j = i++) {
    const a = outer[i] as number[];
    const b = outer[j] as number[];
    const f = (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
    x += ((a[0] as number) + (b[0] as number)) * f;
    y += ((a[1] as number) + (b[1] as number)) * f;
    area += f * 3;
  }
  const first = outer[0] as number[];
  return area === 0 ? makeCell(first[0] as number, first[1] as number, 0) : makeCell(x / area, y / area, 0);
}

/** Distance to the nearest edge, negative outside (even-odd rule, so holes count as outside). */
function signedDistance(x: number, y: number, rings: Rings): number {
  let inside = false;
  let minSq = Infinity;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i] as number[];
      const b = ring[j] as number[];
      const ax = a[0] as number;
      const ay = a[1] as number;
      const bx = b[0] as number;
      const by = b[1] as number;
      if (ay > y !== by > y && x < ((bx - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
      minSq = Math.min(minSq, segmentDistanceSq(x, y, ax, ay, bx, by));
    }
  }
  return (inside ? 1 : -1) * Math.sqrt(minSq);
}

function segmentDistanceSq(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  let x = ax;
  let y = ay;
  let dx = bx - x;
  let dy = by - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = bx;
      y = by;
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}

/**
 * Fallback for shapes where polylabel's answer sits on an edge: the middle of the widest
 * inside stretch of a horizontal line through the polygon. Crossings use the half-open
 * rule, so a line through a vertex still pairs up correctly.
 */
function scanlinePoint(rings: Rings): Position | null {
  const [, minY, , maxY] = ringBounds(rings[0] as number[][]);
  for (const f of [0.5, 0.25, 0.75, 0.125, 0.375, 0.625, 0.875]) {
    const y = minY + (maxY - minY) * f;
    const xs: number[] = [];
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i] as number[];
        const b = ring[i + 1] as number[];
        const ay = a[1] as number;
        const by = b[1] as number;
        if (ay > y !== by > y) xs.push((a[0] as number) + ((y - ay) * ((b[0] as number) - (a[0] as number))) / (by - ay));
      }
    }
    xs.sort((a, b) => a - b);
    let bestWidth = 0;
    let bestX = NaN;
    for (let i = 0; i + 1 < xs.length; i += 2) {
      const width = (xs[i + 1] as number) - (xs[i] as number);
      if (width > bestWidth) {
        bestWidth = width;
        bestX = ((xs[i] as number) + (xs[i + 1] as number)) / 2;
      }
    }
    if (bestWidth > 0) return [bestX, y];
  }
  return null;
}

class MaxHeap {
  private readonly items: Cell[] = [];

  push(cell: Cell): void {
    const items = this.items;
    items.push(cell);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((items[parent] as Cell).max >= cell.max) break;
      items[i] = items[parent] as Cell;
      i = parent;
    }
    items[i] = cell;
  }

  pop(): Cell | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      let mMax = last.max;
      if (l < n && (items[l] as Cell).max > mMax) {
        m = l;
        mMax = (items[l] as Cell).max;
      }
      if (r < n && (items[r] as Cell).max > mMax) m = r;
      if (m === i) break;
      items[i] = items[m] as Cell;
      i = m;
    }
    items[i] = last;
    return top;
  }
}
