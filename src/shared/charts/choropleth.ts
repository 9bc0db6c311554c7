/**
 * A static choropleth: areas drawn in British National Grid metres (so shapes keep their
 * proportions) and shaded by class, with the legend beside. For documents and PDFs, where
 * the interactive map cannot go; the page or document always carries the same figures as
 * a table.
 */
import { toBng } from '../bng.ts';
import { element, escapeXml, LINE_HEIGHT, MARGIN, PALETTE, svgDocument, textElement, titleBlock } from './svg.ts';

type Ring = ReadonlyArray<readonly [number, number] | readonly number[]>;
export type Polygons = ReadonlyArray<ReadonlyArray<Ring>>;

export type ChoroplethArea = {
  name: string;
  /** Polygons in WGS84 lon/lat, GeoJSON order: [polygon][ring][point]. */
  polygons: Polygons;
  /** Index into the legend, or null for "no figure" (suppressed or no population). */
  classIndex: number | null;
};

export type ChoroplethOptions = {
  id: string;
  title: string;
  description: string;
  areas: readonly ChoroplethArea[];
  legend: ReadonlyArray<{ label: string; colour: string }>;
  noValueLabel?: string;
  width?: number;
  mapHeight?: number;
};

const NO_VALUE = '#f3f2f1';
const LEGEND_WIDTH = 220;
const SWATCH = 18;

/** Polygons from a GeoJSON Polygon or MultiPolygon geometry. */
export function polygonsOf(geometry: { type: string; coordinates: unknown }): Polygons {
  if (geometry.type === 'Polygon') return [geometry.coordinates as ReadonlyArray<Ring>];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates as Polygons;
  throw new RangeError(`Cannot draw a ${geometry.type} as an area`);
}

export function choropleth(options: ChoroplethOptions): string {
  const width = options.width ?? 640;
  const title = titleBlock(options.title, width);
  const mapWidth = width - LEGEND_WIDTH - 2 * MARGIN;
  const mapHeight = options.mapHeight ?? 420;

  const projected = options.areas.map((a) => a.polygons.map((poly) => poly.map((ring) => ring.map((p) => toBng(Number(p[0]), Number(p[1]))))));
  let minE = Infinity, maxE = -Infinity, minN = Infinity, maxN = -Infinity;
  for (const area of projected) for (const poly of area) for (const ring of poly) for (const [e, n] of ring) {
    if (e < minE) minE = e; if (e > maxE) maxE = e; if (n < minN) minN = n; if (n > maxN) maxN = n;
  }
  const scale = Number.isFinite(minE) ? Math.min(mapWidth / Math.max(maxE - minE, 1), mapHeight / Math.max(maxN - minN, 1)) : 1;
  const x0 = MARGIN + (mapWidth - (maxE - minE) * scale) / 2;
  const y0 = title.bottom + 8;
  const toXY = (e: number, n: number) => `${(x0 + (e - minE) * scale).toFixed(1)} ${(y0 + (maxN - n) * scale).toFixed(1)}`;

  // An area made of several polygons (a ward drawn from its LSOAs) would show its inner
  // seams if each polygon were outlined; fill them with their own colour instead, then draw
  // only the edges that belong to one polygon of the area: its outer boundary.
  const paths = options.areas.map((area, i) => {
    const rings = projected[i]!.flatMap((poly) => poly.map((ring) => ring.map(([e, n]) => toXY(e, n))));
    const d = rings.map((ring) => `M${ring.join('L')}Z`).join('');
    const fill = area.classIndex === null ? NO_VALUE : options.legend[area.classIndex]?.colour ?? NO_VALUE;
    const fillPath = element('path', { d, fill, stroke: fill, 'stroke-width': 0.6, 'fill-rule': 'evenodd' }, `<title>${escapeXml(area.name)}</title>`);
    return fillPath + element('path', { d: outerEdges(rings), fill: 'none', stroke: PALETTE.white, 'stroke-width': 1.2 });
  }).join('');

  const legendX = MARGIN + mapWidth + MARGIN;
  const entries = [...options.legend, ...(options.areas.some((a) => a.classIndex === null) ? [{ label: options.noValueLabel ?? 'No figure', colour: NO_VALUE }] : [])];
  const legend = entries.map((entry, k) => {
    const y = y0 + k * (LINE_HEIGHT + 8);
    return element('rect', { x: legendX, y, width: SWATCH, height: SWATCH, fill: entry.colour, stroke: PALETTE.text, 'stroke-width': 1 })
      + textElement(entry.label, { x: legendX + SWATCH + 8, y: y + SWATCH - 4, 'font-size': 14 });
  }).join('');

  const height = Math.max(y0 + mapHeight, y0 + entries.length * (LINE_HEIGHT + 8)) + MARGIN;
  return svgDocument({ id: options.id, title: options.title, description: options.description, width, height, body: title.markup + `<g aria-hidden="true">${paths}${legend}</g>` });
}

/** Edges used by exactly one ring of the area (shared edges are inside it), as one path. */
function outerEdges(rings: string[][]): string {
  const counts = new Map<string, number>();
  const key = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  for (const ring of rings) {
    for (let k = 0; k < ring.length; k++) {
      const a = ring[k]!;
      const b = ring[(k + 1) % ring.length]!;
      if (a !== b) counts.set(key(a, b), (counts.get(key(a, b)) ?? 0) + 1);
    }
  }
  let d = '';
  for (const [edge, n] of counts) {
    if (n !== 1) continue;
    const [a, b] = edge.split('|');
    d += `M${a}L${b}`;
  }
  return d;
}
