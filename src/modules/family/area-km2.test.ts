import { describe, expect, it } from 'vitest';
import type { Position } from '../geography/area.types.ts';
import { areaKm2, bngPointScaleFactor } from './area-km2.ts';

/**
 * The independent reference: the exact area of a longitude/latitude quadrangle on the
 * WGS84 ellipsoid, from the authalic-latitude formula A = Δλ·b²·[S(φ2) − S(φ1)], with
 * S(φ) = sinφ / (2(1 − e²sin²φ)) + ln((1 + e sinφ)/(1 − e sinφ)) / (4e).
 */
const A = 6_378_137;
const B = A * (1 - 1 / 298.257223563);
const E2 = 1 - (B * B) / (A * A);
const E = Math.sqrt(E2);
const rad = (d: number) => (d * Math.PI) / 180;
const S = (phi: number) => {
  const s = Math.sin(phi);
  return s / (2 * (1 - E2 * s * s)) + Math.log((1 + E * s) / (1 - E * s)) / (4 * E);
};
const ellipsoidalKm2 = (lon1: number, lon2: number, lat1: number, lat2: number) => (rad(lon2 - lon1) * B * B * (S(rad(lat2)) - S(rad(lat1)))) / 1e6;

/** Parallels are curves in the projection: the edges are densified so the ring follows them. */
function quadrangle(lon1: number, lon2: number, lat1: number, lat2: number, n = 200): Position[] {
  const ring: Position[] = [];
  for (let i = 0; i < n; i++) ring.push([lon1 + ((lon2 - lon1) * i) / n, lat1]);
  for (let i = 0; i < n; i++) ring.push([lon2, lat1 + ((lat2 - lat1) * i) / n]);
  for (let i = 0; i < n; i++) ring.push([lon2 - ((lon2 - lon1) * i) / n, lat2]);
  for (let i = 0; i < n; i++) ring.push([lon1, lat2 - ((lat2 - lat1) * i) / n]);
  ring.push(ring[0]!);
  return ring;
}

describe('area of a WGS84 boundary', () => {
  // What remains (about 56 parts per million) is the OSGB36 datum: the Helmert scale of
  // −20.5 ppm and Airy's ellipsoid sitting a little apart from WGS84's.
  const TOLERANCE = 1e-4;

  it.each([
    ['central London', -0.15, -0.05, 51.45, 51.55],
    ['east of London, away from the central meridian', 0.0, 0.3, 51.3, 51.7],
    ['Manchester, near the central meridian', -2.5, -2.3, 53.4, 53.5],
    ['Cornwall, west of it', -5.2, -5.0, 50.1, 50.3],
  ])('matches the ellipsoidal area of a quadrangle (%s)', (_name, lon1, lon2, lat1, lat2) => {
    const exact = ellipsoidalKm2(lon1, lon2, lat1, lat2);
    const got = areaKm2({ type: 'Polygon', coordinates: [quadrangle(lon1, lon2, lat1, lat2)] });
    expect(Math.abs(got - exact) / exact).toBeLessThan(TOLERANCE);
  });

  it('corrects for the projection\'s scale, which alone would be 4 parts in 10,000 out in London', () => {
    expect(bngPointScaleFactor(400_000, 51.5)).toBeCloseTo(0.9996012717, 10);
    const london = bngPointScaleFactor(530_000, 51.5);
    expect(london).toBeGreaterThan(0.99978);
    expect(london).toBeLessThan(0.99984);
  });

  it('subtracts holes and adds the parts of a multipolygon, whatever the winding', () => {
    const outer = quadrangle(-0.2, 0, 51.4, 51.6, 50);
    const hole = quadrangle(-0.15, -0.05, 51.45, 51.55, 50).reverse();
    const whole = areaKm2({ type: 'Polygon', coordinates: [outer] });
    const holed = areaKm2({ type: 'Polygon', coordinates: [outer, hole] });
    expect(holed).toBeCloseTo(whole - areaKm2({ type: 'Polygon', coordinates: [hole] }), 6);
    expect(areaKm2({ type: 'Polygon', coordinates: [[...outer].reverse()] })).toBeCloseTo(whole, 9);
    const apart = quadrangle(0.1, 0.2, 51.4, 51.5, 50);
    expect(areaKm2({ type: 'MultiPolygon', coordinates: [[outer], [apart]] })).toBeCloseTo(whole + areaKm2({ type: 'Polygon', coordinates: [apart] }), 3);
  });
});
