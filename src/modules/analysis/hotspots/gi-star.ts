/**
 * Getis-Ord Gi* hot spot statistic on a grid (Ord & Getis 1995; the form ArcGIS's Hot Spot
 * Analysis and R's spdep::localG with a self-including neighbour list use).
 *
 * Weights are binary contiguity including the cell itself: on a square grid queen
 * contiguity, every cell whose centre is within 1.5 cell widths (centre distances are 0, 1,
 * √2, 2, … widths, so exactly the 3×3 block); on a hexagonal grid the six cells sharing an
 * edge. Both come as one neighbour list read from the grid's (row, col) lookup table
 * (gridNeighbours), so the statistic has a single implementation and stays O(n), not O(n²).
 *
 * Many cells are tested at once, so p-values are adjusted by Benjamini–Hochberg before
 * classing: without it a borough of 2,000 cells would show ~100 "95%" hot or cold spots
 * from noise alone.
 */
import { gridNeighbours, type GridTopology, type NeighbourList } from './grid.ts';
import { normalCdf } from '../stats/distributions.ts';

export type GiStarClass = 'hot-99' | 'hot-95' | 'hot-90' | 'cold-99' | 'cold-95' | 'cold-90' | 'none';

export type GiStarCell = {
  z: number;
  /** Two-sided p-value of z under the standard normal. */
  p: number;
  /** Benjamini–Hochberg adjusted p over all cells of the grid. */
  pFdr: number;
  class: GiStarClass;
};

/**
 * The grid fields Gi* needs, so callers with their own cell layout can use it too. Without
 * `shape` the cells are squares.
 */
export type GiStarGrid = GridTopology;

/**
 * Gi* z-score per cell (in the order of `grid.cells`), from the grid's contiguity or from a
 * neighbour list given directly (self included; see NeighbourList), which saves rebuilding
 * it when the same grid is scored many times. Where the statistic is undefined, because
 * every cell has the same value or every cell neighbours every other (the variance is
 * zero), z is 0: there is no pattern to report, and NaN would leak into maps and sorting.
 */
export function giStarZ(grid: GiStarGrid | NeighbourList, values: ArrayLike<number>): Float64Array {
  const neighbours = 'offsets' in grid ? grid : null;
  const n = neighbours ? Math.max(0, neighbours.offsets.length - 1) : (grid as GiStarGrid).cells.length;
  if (values.length !== n) {
    throw new RangeError(`Gi* needs one value per grid cell: ${n} cells but ${values.length} values.`);
  }
  const z = new Float64Array(n);
  if (n < 2) return z;

  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  // Σ(x−x̄)²/n equals Σx²/n − x̄² but does not cancel catastrophically for large counts.
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    ss += d * d;
  }
  const s = Math.sqrt(ss / n);
  if (!(s > 0)) return z;

  const { offsets, indices } = neighbours ?? gridNeighbours(grid as GiStarGrid);
  for (let i = 0; i < n; i++) {
    const k0 = offsets[i] as number;
    const k1 = offsets[i + 1] as number;
    const weight = k1 - k0;
    let local = 0;
    for (let k = k0; k < k1; k++) local += values[indices[k] as number] as number;
    // Binary weights, so Σw² = Σw.
    const variance = (n * weight - weight * weight) / (n - 1);
    z[i] = variance > 0 ? (local - mean * weight) / (s * Math.sqrt(variance)) : 0;
  }
  return z;
}

/** Gi* per cell with p-values, FDR-adjusted p-values and hot/cold classes. */
export function giStar(grid: GiStarGrid | NeighbourList, values: ArrayLike<number>): GiStarCell[] {
  const z = giStarZ(grid, values);
  const p = new Float64Array(z.length);
  for (let i = 0; i < z.length; i++) p[i] = twoSidedP(z[i] as number);
  const pFdr = benjaminiHochberg(p);
  const result: GiStarCell[] = new Array(z.length);
  for (let i = 0; i < z.length; i++) {
    const zi = z[i] as number;
    const qi = pFdr[i] as number;
    result[i] = { z: zi, p: p[i] as number, pFdr: qi, class: classifyGiStar(zi, qi) };
  }
  return result;
}

/** Confidence class from the adjusted p-value; the sign of z says hot or cold. */
export function classifyGiStar(z: number, pFdr: number): GiStarClass {
  const side = z > 0 ? 'hot' : z < 0 ? 'cold' : null;
  if (side === null) return 'none';
  if (pFdr < 0.01) return `${side}-99`;
  if (pFdr < 0.05) return `${side}-95`;
  if (pFdr < 0.1) return `${side}-90`;
  return 'none';
}

/**
 * Benjamini–Hochberg (1995) adjusted p-values, as R's p.adjust(p, "BH"): the k-th smallest
 * p becomes min over j ≥ k of p_(j)·n/j, capped at 1. Rejecting where the adjusted value is
 * below q keeps the expected share of false discoveries at q.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (p[a] as number) - (p[b] as number));
  const adjusted = new Float64Array(n);
  let running = 1;
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k] as number;
    const candidate = ((p[i] as number) * n) / (k + 1);
    if (candidate < running) running = candidate;
    adjusted[i] = running;
  }
  return adjusted;
}

/** Two-sided p-value of a standard normal z: 2·Φ(−|z|), from the lower tail to avoid cancellation. */
export function twoSidedP(z: number): number {
  return 2 * normalCdf(-Math.abs(z));
}
