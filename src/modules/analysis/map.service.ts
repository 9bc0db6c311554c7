/**
 * The map view: a choropleth of rates by area, or a hotspot layer on the grid, each with
 * the list that carries the same information for those who do not use the map.
 */
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { LanternError } from '../../shared/errors.ts';
import { listAreaGeometries } from './analysis.repository.ts';
import type { AreaGeometry } from '../geography/area.types.ts';
import { AREA_LEVELS, filterQuery, type AreaLevel } from './filters.ts';
import { cellOutlines, getHotspots, GRID_SHAPES, HOTSPOT_METHODS, type HotspotCell, type Hotspots } from './hotspots.service.ts';
import { classOf, EMERGING_COLOURS, GI_COLOURS, GI_LABELS, GI_ORDER, quantileBreaks, SEQUENTIAL, sequentialLegend, type Feature, type LegendEntry } from './map-layers.ts';
import { areaRows, countByArea, defaultAreaLevel, type AreaRow } from './overview.service.ts';
import type { Workspace } from './workspace.ts';

export const ZMapQuerySchema = z.object({
  layer: z.enum(['cells', 'areas']).default('cells').describe('Grid hotspots, or a choropleth of rates by area'),
  method: z.enum(HOTSPOT_METHODS).default('gi').describe('count, kde (quartic kernel density), gi (Getis-Ord Gi*) or emerging (emerging hot spots over the months of the period)'),
  shape: z.enum(GRID_SHAPES).default('square').describe('square or hex cells'),
  cell: z.coerce.number().int().default(250).describe('Cell size in metres, a multiple of 50'),
  bandwidth: z.coerce.number().int().optional().describe('Kernel density bandwidth in metres (default twice the cell size)'),
  level: z.enum(AREA_LEVELS).optional().describe('Area level of the choropleth'),
});
export type TMapQuery = z.output<typeof ZMapQuerySchema>;

const LIST_LENGTH = 100;
const number = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

export type MapView = {
  layer: 'cells' | 'areas';
  method: TMapQuery['method'];
  level: AreaLevel;
  legend: LegendEntry[];
  featuresUrl: string;
  hotspots: Hotspots | null;
  /** The cells worth listing: significant or non-empty, most notable first. */
  cellList: HotspotCell[];
  cellListTotal: number;
  areas: AreaRow[] | null;
};

function notability(method: TMapQuery['method']) {
  if (method === 'gi' || method === 'emerging') return (c: HotspotCell) => c.z ?? 0;
  if (method === 'kde') return (c: HotspotCell) => c.density ?? 0;
  return (c: HotspotCell) => c.count ?? 0;
}

async function cellLayer(db: Db, ws: Workspace, query: TMapQuery) {
  const hotspots = await getHotspots(db, ws, { method: query.method, cell: query.cell, shape: query.shape, bandwidth: query.bandwidth });
  const value = notability(query.method);
  let legend: LegendEntry[];
  let colour: (c: HotspotCell) => string | null;
  if (query.method === 'emerging') {
    const present = new Map(hotspots.cells.filter((c) => c.side).map((c) => [`${c.side}:${c.pattern}`, c.patternLabel!]));
    legend = Object.keys(EMERGING_COLOURS).filter((k) => present.has(k)).map((k) => ({ key: k.replace(':', '-'), label: present.get(k)!, colour: EMERGING_COLOURS[k]! }));
    colour = (c) => (c.side ? EMERGING_COLOURS[`${c.side}:${c.pattern}`] ?? null : null);
  } else if (query.method === 'gi') {
    legend = GI_ORDER.filter((k) => k !== 'none').map((k) => ({ key: k, label: GI_LABELS[k], colour: GI_COLOURS[k]! }));
    colour = (c) => GI_COLOURS[c.class ?? 'none'];
  } else {
    const breaks = quantileBreaks(hotspots.cells.map(value));
    legend = sequentialLegend(breaks, (n) => number.format(n));
    // A suppressed count is small, not empty: it takes the lowest class.
    colour = (c) => (c.count === null && query.method === 'count' ? SEQUENTIAL[0] : value(c) > 0 ? SEQUENTIAL[classOf(value(c), breaks)]! : null);
  }
  return { hotspots, legend, colour, value };
}

async function areaLayer(db: Db, ws: Workspace, level: AreaLevel) {
  const rows = areaRows(ws, level, await countByArea(db, ws, level));
  const breaks = quantileBreaks(rows.map((r) => r.rate ?? 0));
  return { rows, breaks, legend: sequentialLegend(breaks, (n) => `${number.format(n)} per 1,000`) };
}

export async function getMapView(db: Db, ws: Workspace, query: TMapQuery): Promise<MapView> {
  const level = query.level ?? defaultAreaLevel(ws);
  const featuresUrl = `/analysis/map/features.geojson${filterQuery(ws.filters, { layer: query.layer, method: query.method, shape: query.shape, cell: query.cell, bandwidth: query.bandwidth, level })}`;
  if (query.layer === 'areas') {
    const { rows, legend } = await areaLayer(db, ws, level);
    return { layer: 'areas', method: query.method, level, legend, featuresUrl, hotspots: null, cellList: [], cellListTotal: 0, areas: rows };
  }
  const { hotspots, legend, value } = await cellLayer(db, ws, query);
  const notable = hotspots.cells.filter((c) => (c.count ?? 0) > 0 || c.count === null || (c.class && c.class !== 'none') || c.side);
  notable.sort((a, b) => value(b) - value(a));
  return { layer: 'cells', method: query.method, level, legend, featuresUrl, hotspots, cellList: notable.slice(0, LIST_LENGTH), cellListTotal: notable.length, areas: null };
}

/**
 * Outlines of a level's areas. An area loaded from a lookup only (a ward without its own
 * boundary file) is drawn as the union of its LSOAs' polygons.
 */
export async function areaGeometries(db: Db, ws: Workspace, level: AreaLevel): Promise<Map<number, AreaGeometry>> {
  const own = await listAreaGeometries(db, ws.partnership.id, level);
  const shapes = new Map(own.map((g) => [g.id, g.geometry as AreaGeometry]));
  const missing = ws.areas.filter((a) => a.type === level && !shapes.has(a.id));
  if (missing.length === 0) return shapes;
  const lsoaShapes = new Map<number, AreaGeometry>();
  for (const type of ['lsoa11', 'lsoa21'] as const) {
    for (const g of await listAreaGeometries(db, ws.partnership.id, type)) lsoaShapes.set(g.id, g.geometry as AreaGeometry);
  }
  for (const area of missing) {
    const members = (area.lsoa11Ids.length ? area.lsoa11Ids : area.lsoa21Ids).map((id) => lsoaShapes.get(id)).filter((g): g is AreaGeometry => !!g);
    if (members.length === 0) continue;
    shapes.set(area.id, { type: 'MultiPolygon', coordinates: members.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates)) });
  }
  return shapes;
}

/** The map island's features, coloured by the same classes as the page's legend. */
export async function mapFeatures(db: Db, ws: Workspace, query: TMapQuery): Promise<{ type: 'FeatureCollection'; features: Feature[] }> {
  const links = filterQuery(ws.filters);
  if (query.layer === 'areas') {
    const level = query.level ?? defaultAreaLevel(ws);
    const [{ rows, breaks }, geometries] = await Promise.all([areaLayer(db, ws, level), areaGeometries(db, ws, level)]);
    if (geometries.size === 0) throw new LanternError('invalid-input', `No ${level} boundaries are loaded, so they cannot be mapped.`);
    return {
      type: 'FeatureCollection',
      features: rows.filter((r) => geometries.has(r.id)).map((row) => ({
        type: 'Feature' as const, geometry: geometries.get(row.id)!,
        properties: {
          fill: row.rate !== null && row.rate > 0 ? SEQUENTIAL[classOf(row.rate, breaks)]! : null, outline: '#505a5f',
          label: `${row.name === row.code ? row.code : `${row.name} (${row.code})`}: ${row.count === null ? 'a small number (suppressed)' : `${number.format(row.count)} incidents`}${row.rate !== null ? `, ${number.format(row.rate)} per 1,000` : ''}`,
          href: `/analysis/areas/${level}/${encodeURIComponent(row.code)}${links}`,
        },
      })),
    };
  }
  const { hotspots, colour } = await cellLayer(db, ws, query);
  const outlines = await cellOutlines(db, ws.partnership.id, hotspots);
  return {
    type: 'FeatureCollection',
    features: hotspots.cells.map((c, i) => ({
      // Every cell is outlined, so the grid shows the borough's shape around the coloured cells.
      type: 'Feature' as const, geometry: { type: 'Polygon' as const, coordinates: [outlines[i]!] },
      properties: { fill: colour(c), outline: '#b1b4b6', label: cellLabel(c, hotspots), href: cellHref(hotspots, c, links) },
    })),
  };
}

/** A cell's detail page (the hexagon's shape rides in the query, after the filters). */
export function cellHref(hotspots: Pick<Hotspots, 'grid'>, c: HotspotCell, links: string): string {
  const shape = hotspots.grid.shape === 'hex' ? `${links ? '&' : '?'}shape=hex` : '';
  return `/analysis/cells/${hotspots.grid.cellSize}/${c.col}/${c.row}${links}${shape}`;
}

export function cellLabel(c: HotspotCell, hotspots: Pick<Hotspots, 'method'>): string {
  const count = c.count === null ? 'a small number (suppressed)' : `${number.format(c.count)} incidents`;
  if (hotspots.method === 'emerging') return `Cell ${c.id}: ${count}; ${c.patternLabel ?? 'No pattern'}`;
  if (hotspots.method === 'gi') return `Cell ${c.id}: ${count}; Gi* z = ${(c.z ?? 0).toFixed(2)}, ${GI_LABELS[c.class ?? 'none']}`;
  if (hotspots.method === 'kde') return `Cell ${c.id}: ${count}; density ${number.format(c.density ?? 0)} per km²`;
  return `Cell ${c.id}: ${count}`;
}
