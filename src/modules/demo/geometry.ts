/** Planar helpers for the synthetic borough's polygons (lon/lat degrees, closed rings). */
import pointInPolygon from 'point-in-polygon-hao';
import type { Random } from './random.ts';

export type LonLat = [number, number];
/** A closed linear ring: first position repeated at the end, exterior rings anticlockwise (RFC 7946). */
export type Ring = LonLat[];
export type BBox = { minLon: number; minLat: number; maxLon: number; maxLat: number };

export function ringBBox(ring: readonly LonLat[]): BBox {
  let minLon = Infinity;
  let minLat = Infinity;
  let maxLon = -Infinity;
  let maxLat = -Infinity;
  for (const [x, y] of ring) {
    if (x < minLon) minLon = x;
    if (x > maxLon) maxLon = x;
    if (y < minLat) minLat = y;
    if (y > maxLat) maxLat = y;
  }
  return { minLon, minLat, maxLon, maxLat };
}

export function inBBox(b: BBox, lon: number, lat: number): boolean {
  return lon >= b.minLon && lon <= b.maxLon && lat >= b.minLat && lat <= b.maxLat;
}

/** Signed shoelace area in square degrees; positive for anticlockwise rings. */
export function signedArea(ring: readonly LonLat[]): number {
  let s = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

/** Area-weighted centroid of a simple ring. */
export function ringCentroid(ring: readonly LonLat[]): LonLat {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[i + 1]!;
    const f = x1 * y2 - x2 * y1;
    a += f;
    cx += (x1 + x2) * f;
    cy += (y1 + y2) * f;
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** 'inside' strictly, 'edge' on the boundary, 'outside'. Robust predicates, so shared edges never count twice. */
export function locateInRing(ring: Ring, lon: number, lat: number): 'inside' | 'edge' | 'outside' {
  const r = pointInPolygon([lon, lat], [ring]);
  return r === 0 ? 'edge' : r ? 'inside' : 'outside';
}

/** Rounds to 6 decimals (about 0.1 m), the precision police.uk publishes. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/**
 * A uniformly random point strictly inside the ring, at police.uk precision, by rejection in
 * the bounding box. Points that round onto an edge are rejected so every point has one area.
 */
export function randomPointInRing(rng: Random, ring: Ring, bbox: BBox = ringBBox(ring)): LonLat {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const lon = round6(rng.uniform(bbox.minLon, bbox.maxLon));
    const lat = round6(rng.uniform(bbox.minLat, bbox.maxLat));
    if (locateInRing(ring, lon, lat) === 'inside') return [lon, lat];
  }
  throw new Error('could not sample a point inside a ring');
}
