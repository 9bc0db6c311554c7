/**
 * Area of a boundary given in WGS84 longitude/latitude. Degrees cannot go into the
 * shoelace formula (a degree of longitude is 70 km at London's latitude, a degree of
 * latitude 111 km), so each vertex is projected to British National Grid metres first.
 * BNG is a transverse Mercator projection, which is conformal but scales distances by a
 * factor that grows away from its central meridian (2°W): 0.99960 on it, about 0.99981 in
 * London. Areas scale by its square, so the planar area is divided by the square of the
 * point scale factor at the polygon's centre, which brings it within a few parts per
 * million of the area on the ellipsoid for a borough-sized polygon.
 */
import { toBng } from '../../shared/bng.ts';
import type { AreaGeometry, Position } from '../geography/area.types.ts';

const F0 = 0.9996012717;
const E0 = 400_000;
// Airy 1830, the ellipsoid BNG is defined on.
const AIRY_A = 6_377_563.396;
const AIRY_B = 6_356_256.909;
const AIRY_E2 = 1 - (AIRY_B * AIRY_B) / (AIRY_A * AIRY_A);

/** Ordnance Survey's point scale factor of the projection, to second order in (E − E0). */
export function bngPointScaleFactor(easting: number, latitudeDegrees: number): number {
  const s = Math.sin((latitudeDegrees * Math.PI) / 180);
  const w = 1 - AIRY_E2 * s * s;
  const nu = AIRY_A / Math.sqrt(w);
  const rho = (AIRY_A * (1 - AIRY_E2)) / (w * Math.sqrt(w));
  const de = easting - E0;
  return F0 * (1 + (de * de) / (2 * rho * nu * F0 * F0));
}

/** Signed shoelace area of a closed or open ring of planar points. */
function shoelace(points: ReadonlyArray<readonly [number, number]>): number {
  let sum = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    sum += (points[j]![0] + points[i]![0]) * (points[j]![1] - points[i]![1]);
  }
  return sum / 2;
}

function polygonsOf(geometry: AreaGeometry): Position[][][] {
  return geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
}

/**
 * Area in km²: outer rings minus their holes (RFC 7946 rings, either winding). Holes are
 * told apart by position (every ring after the first), not by winding, because generalised
 * ONS files do not always keep the right-hand rule.
 */
export function areaKm2(geometry: AreaGeometry): number {
  let planar = 0;
  let weightedE = 0;
  let weightedLat = 0;
  for (const polygon of polygonsOf(geometry)) {
    polygon.forEach((ring, index) => {
      const projected = ring.map(([lon, lat]) => toBng(lon, lat));
      const area = Math.abs(shoelace(projected));
      const meanE = projected.reduce((s, p) => s + p[0], 0) / projected.length;
      const meanLat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      const signed = index === 0 ? area : -area;
      planar += signed;
      weightedE += signed * meanE;
      weightedLat += signed * meanLat;
    });
  }
  if (!(planar > 0)) return 0;
  const k = bngPointScaleFactor(weightedE / planar, weightedLat / planar);
  return planar / (k * k) / 1e6;
}
