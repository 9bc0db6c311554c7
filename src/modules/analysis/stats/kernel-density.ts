/**
 * Quartic (biweight) kernel density estimation on a regular grid in British National Grid
 * metres, the estimator used by crime-mapping tools (Chainey & Ratcliffe, GIS and Crime
 * Mapping, 2005): K(d) = (3/π)(1 − (d/h)²)² / h² for d < h, zero beyond. It integrates to
 * one, so the surface sums to the number of points and reads as points per unit area.
 */
/** A point, or with `weight` several at one place (counts binned to small squares). */
export type Point = { x: number; y: number; weight?: number };

export type DensityGrid = {
  /** Easting of the grid's west edge (cell centres are half a cell in). */
  minX: number;
  /** Northing of the grid's south edge. */
  minY: number;
  /** Cell side in metres. */
  cellSize: number;
  cols: number;
  rows: number;
};

export type DensitySurface = DensityGrid & {
  bandwidth: number;
  /** Points per square kilometre, row-major from the south-west cell (index = row · cols + col). */
  values: Float64Array;
};

const SQUARE_METRES_PER_SQUARE_KILOMETRE = 1_000_000;

/** K(d) in points per square metre for one point. */
export function quarticKernel(distance: number, bandwidth: number): number {
  if (distance >= bandwidth) return 0;
  const u = 1 - (distance / bandwidth) ** 2;
  return (3 / Math.PI) * ((u * u) / (bandwidth * bandwidth));
}

/**
 * Each point is spread over just the cells whose centres fall within the bandwidth of it —
 * the same effect as bucketing points by cell and searching neighbouring buckets, without
 * the buckets: the cost is points × cells-per-kernel, not cells × points.
 */
export function kernelDensity(points: readonly Point[], grid: DensityGrid, bandwidth: number): DensitySurface {
  const { minX, minY, cellSize, cols, rows } = grid;
  if (!(bandwidth > 0)) throw new RangeError(`Bandwidth must be positive, got ${bandwidth}`);
  if (!(cellSize > 0)) throw new RangeError(`Cell size must be positive, got ${cellSize}`);
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 0 || rows < 0) {
    throw new RangeError(`Grid size must be whole numbers, got ${cols} × ${rows}`);
  }
  const values = new Float64Array(cols * rows);
  const h2 = bandwidth * bandwidth;
  const scale = ((3 / Math.PI) / h2) * SQUARE_METRES_PER_SQUARE_KILOMETRE;
  for (const { x, y, weight = 1 } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const pointScale = scale * weight;
    // Cell (c, r) has centre minX + (c + ½)·cellSize; keep those with |centre − x| < h.
    const c0 = Math.max(0, Math.ceil((x - bandwidth - minX) / cellSize - 0.5));
    const c1 = Math.min(cols - 1, Math.floor((x + bandwidth - minX) / cellSize - 0.5));
    const r0 = Math.max(0, Math.ceil((y - bandwidth - minY) / cellSize - 0.5));
    const r1 = Math.min(rows - 1, Math.floor((y + bandwidth - minY) / cellSize - 0.5));
    for (let r = r0; r <= r1; r++) {
      const dy = minY + (r + 0.5) * cellSize - y;
      const dy2 = dy * dy;
      if (dy2 >= h2) continue;
      const rowStart = r * cols;
      for (let c = c0; c <= c1; c++) {
        const dx = minX + (c + 0.5) * cellSize - x;
        const d2 = dx * dx + dy2;
        if (d2 >= h2) continue;
        const u = 1 - d2 / h2;
        values[rowStart + c] = (values[rowStart + c] as number) + pointScale * u * u;
      }
    }
  }
  return { ...grid, bandwidth, values };
}

/**
 * The same quartic density evaluated at arbitrary places (hexagon centres), in points per
 * square kilometre. Points are bucketed by bandwidth, so each place only visits the points
 * in the 3 x 3 buckets around it.
 */
export function kernelDensityAt(points: readonly Point[], places: readonly { x: number; y: number }[], bandwidth: number): Float64Array {
  if (!(bandwidth > 0)) throw new RangeError(`Bandwidth must be positive, got ${bandwidth}`);
  const buckets = new Map<string, Point[]>();
  const keyOf = (bx: number, by: number) => `${bx}:${by}`;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const key = keyOf(Math.floor(p.x / bandwidth), Math.floor(p.y / bandwidth));
    const bucket = buckets.get(key);
    if (bucket) bucket.push(p);
    else buckets.set(key, [p]);
  }
  const h2 = bandwidth * bandwidth;
  const scale = ((3 / Math.PI) / h2) * SQUARE_METRES_PER_SQUARE_KILOMETRE;
  const values = new Float64Array(places.length);
  places.forEach((place, i) => {
    const bx = Math.floor(place.x / bandwidth);
    const by = Math.floor(place.y / bandwidth);
    let sum = 0;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const p of buckets.get(keyOf(bx + dx, by + dy)) ?? []) {
          const d2 = (p.x - place.x) ** 2 + (p.y - place.y) ** 2;
          if (d2 >= h2) continue;
          const u = 1 - d2 / h2;
          sum += (p.weight ?? 1) * u * u;
        }
      }
    }
    values[i] = scale * sum;
  });
  return values;
}
