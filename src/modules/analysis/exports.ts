/**
 * Downloads of every analysis view. Exports leave Lantern, so every figure in them is
 * suppressed unless the user is an analyst and every agreement the data was shared under
 * allows record-level export.
 */
import { z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { can } from '../../shared/authorization.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordLevelExportAllowed } from './analysis.repository.ts';
import { AREA_LEVELS, WEEKDAYS } from './filters.ts';
import { cellOutlines } from './hotspots.service.ts';
import { areaGeometries, getMapView, ZMapQuerySchema } from './map.service.ts';
import { defaultAreaLevel, getOverview, type Change } from './overview.service.ts';
import { getDeprivation, getHiddenViolence, getWhen } from './patterns.service.ts';
import type { Workspace } from './workspace.ts';
import { svgToPng } from '../../shared/charts/index.ts';
import { decileChart, hiddenViolenceChart, seasonalityChart, trendChart, weekHeatmap } from './charts.ts';

export type ExportFormat = 'csv' | 'geojson' | 'svg' | 'png';
export type ExportFile = { name: string; type: string; body: string | Buffer };
type Exporter = (db: Db, ws: Workspace, query: unknown, format: ExportFormat) => Promise<ExportFile>;

/**
 * The workspace as exports see it: suppressed unless analyst and allowed. A record-level
 * export that is not allowed is refused with the reason, never quietly suppressed.
 */
export async function exportWorkspace(db: Db, ws: Workspace, options: { recordLevel?: boolean } = {}): Promise<Workspace> {
  const analyst = can(ws.actor, 'incidents:read-records');
  const allowed = analyst && (await recordLevelExportAllowed(db, ws.partnership.id, ws.scope.sourceIds));
  if (options.recordLevel && !allowed) {
    throw new LanternError('export-not-allowed', analyst
      ? 'The agreements these data were shared under do not allow record-level export. Download the suppressed tables instead, or ask the data owners to amend the agreement.'
      : 'Only analysts may export incidents one by one.');
  }
  return { ...ws, suppress: !allowed };
}

const CSV = 'text/csv; charset=utf-8';
const fmt = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || !Number.isFinite(n) ? '' : Number(n.toFixed(digits)));
const shown = (n: number | null) => (n === null ? 'suppressed' : n);
const changeCells = (c: Change | null) => (c ? [fmt(c.change, 4), fmt(c.lower, 4), fmt(c.upper, 4), fmt(c.pValue, 4), c.significant ? 'yes' : 'no'] : ['', '', '', '', '']);

function baseName(ws: Workspace, view: string, ext: string): string {
  return `${ws.partnership.slug}-${view}-${ws.filters.from}-to-${ws.filters.to}.${ext}`;
}

function onlyFormats(format: ExportFormat, allowed: ExportFormat[], view: string): void {
  if (!allowed.includes(format)) throw new LanternError('invalid-input', `The ${view} view can be downloaded as ${allowed.join(' or ')}, not ${format}.`);
}

const overviewExport: Exporter = async (db, ws, query) => {
    const { table, level } = z.object({ table: z.enum(['area', 'category', 'source', 'trend']).default('area'), level: z.enum(AREA_LEVELS).optional() }).parse(query);
  const o = await getOverview(db, ws, level ?? defaultAreaLevel(ws));
  const changeHeader = ['change', 'change_lower_95', 'change_upper_95', 'p_value', 'significant'];
  let body: string;
  if (table === 'area') {
    body = csvRows(['area_type', 'area_code', 'area_name', 'incidents', 'population', 'rate_per_1000', 'rate_lower_95', 'rate_upper_95'],
      o.byArea.rows.map((r) => [r.type, r.code, r.name, shown(r.count), r.population, fmt(r.rate), fmt(r.lower), fmt(r.upper)]));
  } else if (table === 'trend') {
    body = csvRows(['month', 'incidents', 'month_a_year_earlier', 'incidents_a_year_earlier'], o.trend.map((t) => [t.month, shown(t.count), t.previousMonth, shown(t.previous)]));
  } else {
    const rows = table === 'category' ? o.byCategory : o.bySource;
    body = csvRows([table, 'label', 'incidents', 'rate_per_1000', 'incidents_a_year_earlier', ...changeHeader], rows.map((r) => [r.key, r.label, shown(r.count), fmt(r.rate, 3), shown(r.previous), ...changeCells(r.change)]));
  }
  return { name: baseName(ws, `overview-by-${table}`, 'csv'), type: CSV, body };
};

const mapExport: Exporter = async (db, ws, query, format) => {
  onlyFormats(format, ['csv', 'geojson'], 'map');
  const q = ZMapQuerySchema.parse(query);
  const view = await getMapView(db, ws, q);
  if (view.layer === 'areas') {
    const rows = view.areas!;
    const body = csvRows(['area_type', 'area_code', 'area_name', 'incidents', 'population', 'rate_per_1000', 'rate_lower_95', 'rate_upper_95'],
      rows.map((r) => [r.type, r.code, r.name, shown(r.count), r.population, fmt(r.rate), fmt(r.lower), fmt(r.upper)]));
    if (format === 'csv') return { name: baseName(ws, `areas-${view.level}`, 'csv'), type: CSV, body };
    const geometries = await areaGeometries(db, ws, view.level);
    return {
      name: baseName(ws, `areas-${view.level}`, 'geojson'), type: 'application/geo+json',
      body: JSON.stringify({
        type: 'FeatureCollection', suppressed: ws.suppress,
        features: rows.filter((r) => geometries.get(r.id)).map((r) => ({
          type: 'Feature', geometry: geometries.get(r.id),
          properties: { type: r.type, code: r.code, name: r.name, count: r.count, population: r.population, rate_per_1000: r.rate, rate_lower_95: r.lower, rate_upper_95: r.upper },
        })),
      }),
    };
  }
  const h = view.hotspots!;
  if (format === 'csv') {
    return {
      name: baseName(ws, `grid-${h.grid.cellSize}m-${h.method}`, 'csv'), type: CSV,
      body: csvRows(['cell', 'easting', 'northing', 'longitude', 'latitude', 'incidents', 'density_per_km2', 'gi_z', 'p', 'p_fdr', 'class', 'emerging_pattern', 'trend_z', 'trend_p'],
        h.cells.map((c) => [c.id, c.easting, c.northing, c.lon, c.lat, shown(c.count), fmt(c.density, 3), fmt(c.z, 6), fmt(c.p, 6), fmt(c.pFdr, 6), c.class ?? '',
          c.patternLabel ?? '', fmt(c.trendZ, 4), fmt(c.trendP, 6)])),
    };
  }
  const outlines = await cellOutlines(db, ws.partnership.id, h);
  return {
    name: baseName(ws, `grid-${h.grid.cellSize}m-${h.method}`, 'geojson'), type: 'application/geo+json',
    body: JSON.stringify({
      type: 'FeatureCollection',
      grid: h.grid, weights: h.weights, method: h.method, bandwidth: h.bandwidth, suppressed: ws.suppress,
      features: h.cells.map((c, i) => ({
        type: 'Feature', geometry: { type: 'Polygon', coordinates: [outlines[i]] },
        properties: {
          cell: c.id, easting: c.easting, northing: c.northing, count: c.count, density: c.density ?? null, z: c.z ?? null, p: c.p ?? null, p_fdr: c.pFdr ?? null,
          class: c.class ?? null, pattern: c.patternLabel ?? null,
        },
      })),
    }),
  };
};

const whenExport: Exporter = async (db, ws) => {
    const w = await getWhen(db, ws);
  const rows: Array<Array<string | number>> = [];
  w.heatmap.values.forEach((hours, d) => hours.forEach((n, h) => rows.push([WEEKDAYS[d]!, h, shown(n)])));
  return { name: baseName(ws, 'when-weekday-hour', 'csv'), type: CSV, body: csvRows(['weekday', 'hour', 'incidents'], rows) };
};

const hiddenExport: Exporter = async (db, ws, query) => {
    const { table, level } = z.object({ table: z.enum(['area', 'month']).default('area'), level: z.enum(AREA_LEVELS).optional() }).parse(query);
  const hv = await getHiddenViolence(db, ws, level ?? defaultAreaLevel(ws));
  const rows = table === 'area' ? hv.byArea.rows : hv.byMonth;
  return {
    name: baseName(ws, `hidden-violence-by-${table}`, 'csv'), type: CSV,
    body: csvRows([table, 'label', 'ae_assaults', 'police_violence', 'ratio', 'ratio_lower_95', 'ratio_upper_95'],
      rows.map((r) => [r.key, r.label, shown(r.ae), shown(r.police), fmt(r.ratio), fmt(r.lower), fmt(r.upper)])),
  };
};

const deprivationExport: Exporter = async (db, ws) => {
    const d = await getDeprivation(db, ws);
  return {
    name: baseName(ws, 'deprivation', 'csv'), type: CSV,
    body: csvRows(['imd_decile', 'lsoas', 'population', 'incidents', 'rate_per_1000', 'rate_lower_95', 'rate_upper_95'],
      d.rows.map((r) => [r.decile, r.areas, r.population, shown(r.count), fmt(r.rate), fmt(r.lower), fmt(r.upper)])),
  };
};

type ChartMaker = (db: Db, ws: Workspace, query: unknown) => Promise<string>;

/** Every chart of every view, by view and name, for the SVG and PNG downloads. */
const CHARTS: Record<string, Record<string, ChartMaker>> = {
  overview: { trend: async (db, ws, query) => trendChart(await getOverview(db, ws, z.object({ level: z.enum(AREA_LEVELS).optional() }).parse(query).level ?? defaultAreaLevel(ws)), ws.partnership.name) },
  when: {
    heatmap: async (db, ws) => weekHeatmap(await getWhen(db, ws), ws.partnership.name),
    seasonality: async (db, ws) => seasonalityChart(await getWhen(db, ws), ws.partnership.name),
  },
  'hidden-violence': { 'by-area': async (db, ws, query) => hiddenViolenceChart(await getHiddenViolence(db, ws, z.object({ level: z.enum(AREA_LEVELS).optional() }).parse(query).level ?? defaultAreaLevel(ws)), ws.partnership.name) },
  deprivation: { deciles: async (db, ws) => decileChart((await getDeprivation(db, ws)).rows, ws.partnership.name) },
};

function withCharts(view: string, tables: Exporter): Exporter {
  return async (db, ws, query, format) => {
    onlyFormats(format, ['csv', 'svg', 'png'], view);
    if (format === 'csv') return tables(db, ws, query, format);
    const charts = CHARTS[view] ?? {};
    const { chart } = z.object({ chart: z.string().optional() }).parse(query);
    const make = chart ? charts[chart] : Object.values(charts)[0];
    if (!make) throw new LanternError('invalid-input', `The ${view} view has ${Object.keys(charts).length ? `the charts ${Object.keys(charts).join(', ')}` : 'no charts'}; choose one with ?chart=.`);
    const svg = await make(db, ws, query);
    const name = baseName(ws, `${view}-${chart ?? Object.keys(charts)[0]}`, format);
    return format === 'svg' ? { name, type: 'image/svg+xml', body: svg } : { name, type: 'image/png', body: await svgToPng(svg, { scale: 2 }) };
  };
}

export const analysisExports: Record<string, Exporter> = {
  overview: withCharts('overview', overviewExport),
  map: mapExport,
  when: withCharts('when', whenExport),
  'hidden-violence': withCharts('hidden-violence', hiddenExport),
  deprivation: withCharts('deprivation', deprivationExport),
};
