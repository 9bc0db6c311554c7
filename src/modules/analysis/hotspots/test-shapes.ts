/** Boundaries for the hotspot tests. */
import { fromBng } from '../../../shared/bng.ts';
import type { PolygonGeometry, Position } from '../../geography/area.types.ts';

/** A BNG rectangle as a WGS84 polygon, its edges densified so they stay straight in BNG. */
export function bngRectangle(e0: number, n0: number, e1: number, n1: number, steps = 20): PolygonGeometry {
  const ring: Position[] = [];
  const corners: [number, number][] = [
    [e0, n0],
    [e1, n0],
    [e1, n1],
    [e0, n1],
  ];
  for (let k = 0; k < 4; k++) {
    const [ax, ay] = corners[k] as [number, number];
    const [bx, by] = corners[(k + 1) % 4] as [number, number];
    for (let s = 0; s < steps; s++) ring.push(fromBng(ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps));
  }
  ring.push(ring[0] as Position);
  return { type: 'Polygon', coordinates: [ring] };
}
