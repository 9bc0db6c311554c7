/**
 * The analysis workspace's pages. Every page reads the shared filters from the query
 * string, and every table on them can be downloaded as CSV (suppressed unless the user is
 * an analyst and the agreements allow record-level export).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { renderPage } from '../../server/render.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { LanternError } from '../../shared/errors.ts';
import { getAreaDetail, getCellDetail, INCIDENT_EXPORT_LIMIT } from './detail.service.ts';
import { analysisExports, exportWorkspace, type ExportFormat } from './exports.ts';
import { AREA_LEVELS, filterQuery, parseFilters, WEEKDAYS, type AreaLevel, type TAnalysisFilters } from './filters.ts';
import { GRID_SHAPES, HOTSPOT_METHODS } from './hotspots.service.ts';
import { GI_LABELS } from './map-layers.ts';
import { getMapView, mapFeatures, ZMapQuerySchema } from './map.service.ts';
import { decileChart, hiddenViolenceChart, seasonalityChart, trendChart, weekHeatmap } from './charts.ts';
import { defaultAreaLevel, getOverview } from './overview.service.ts';
import { getDeprivation, getHiddenViolence, getWhen } from './patterns.service.ts';
import { openWorkspace, type Workspace } from './workspace.ts';

export const ANALYSIS_VIEWS = [
  { key: 'overview', href: '/analysis', text: 'Overview' },
  { key: 'map', href: '/analysis/map', text: 'Map and hotspots' },
  { key: 'when', href: '/analysis/when', text: 'When' },
  { key: 'hidden-violence', href: '/analysis/hidden-violence', text: 'Hidden violence' },
  { key: 'deprivation', href: '/analysis/deprivation', text: 'Deprivation' },
  { key: 'venues', href: '/analysis/venues', text: 'Venues' },
] as const;

const AREA_TYPE_LABELS: Record<AreaLevel, string> = {
  lad: 'Local authority', ward: 'Ward', lsoa21: 'LSOA 2021', lsoa11: 'LSOA 2011', msoa21: 'MSOA 2021', neighbourhood: 'Neighbourhood',
};

const ZLevel = z.object({ level: z.enum(AREA_LEVELS).optional() });
const ZShape = z.object({ shape: z.enum(GRID_SHAPES).default('square') });
const ZCellParams = z.object({ size: z.coerce.number().int(), col: z.coerce.number().int().min(0), row: z.coerce.number().int().min(0) });

/** What every analysis page shows around its figures: the filter panel, the view links, the caveats. */
export function workspaceContext(ws: Workspace, view: string, extra: Record<string, string | number | undefined> = {}) {
  const f = ws.filters;
  const q = (overrides: Partial<TAnalysisFilters> = {}, more: Record<string, string | number | undefined> = {}) => filterQuery({ ...f, ...overrides }, { ...extra, ...more });
  const areaGroups = AREA_LEVELS.map((type) => ({
    label: AREA_TYPE_LABELS[type],
    items: ws.areas.filter((a) => a.type === type).map((a) => ({ value: `${type}:${a.code}`, text: a.name === a.code ? a.code : `${a.name} (${a.code})`, selected: f.area.includes(`${type}:${a.code}`) })),
  })).filter((g) => g.items.length);
  return {
    ws, f, q, view, extra,
    views: ANALYSIS_VIEWS.map((v) => ({ ...v, href: `${v.href}${filterQuery(f)}`, active: v.key === view })),
    filterOptions: {
      sources: ws.sources.map((s) => ({ value: s.slug, text: s.name, checked: f.source.includes(s.slug) })),
      categories: ws.categories.map((c) => ({ value: c.code, text: c.label, checked: f.category.includes(c.code) })),
      sourceCategories: ws.sourceCategories.map((g) => ({
        label: g.source.name, items: g.values.map((v) => ({ value: v, text: v, checked: f.sourceCategory.includes(v) })),
      })),
      areaGroups,
      days: WEEKDAYS.map((d, i) => ({ value: String(i + 1), text: d, checked: f.day.includes(i + 1) })),
      hours: Array.from({ length: 24 }, (_, h) => ({ value: String(h), text: `${String(h).padStart(2, '0')}:00`, checked: f.hour.includes(h) })),
    },
    areaTypeLabels: AREA_TYPE_LABELS,
    levels: AREA_LEVELS.filter((l) => ws.areas.some((a) => a.type === l)).map((l) => ({ value: l, text: AREA_TYPE_LABELS[l] })),
  };
}

export async function analysisRoutes(app: FastifyInstance) {
  const db = app.handle.db;
  const open = (request: FastifyRequest) => openWorkspace(db, actorOf(request), parseFilters(request.query));

  app.get('/analysis', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const level = ZLevel.parse(request.query).level ?? defaultAreaLevel(ws);
    const overview = await getOverview(db, ws, level);
    return renderPage(request, reply, 'analysis/overview.njk', {
      title: 'Overview of incidents', ...workspaceContext(ws, 'overview', { level }), overview, charts: { trend: trendChart(overview, ws.partnership.name) },
    });
  });

  app.get('/analysis/map', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const query = ZMapQuerySchema.parse(request.query);
    const view = await getMapView(db, ws, query);
    const extra = { layer: query.layer, method: query.method, shape: query.shape, cell: query.cell, level: view.level, bandwidth: query.bandwidth };
    return renderPage(request, reply, 'analysis/map.njk', { title: 'Map and hotspots', ...workspaceContext(ws, 'map', extra), map: view, methods: HOTSPOT_METHODS, giLabels: GI_LABELS });
  });

  app.get('/analysis/map/features.geojson', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const query = ZMapQuerySchema.parse(request.query);
    return reply.type('application/geo+json').send(await mapFeatures(db, ws, query));
  });

  app.get('/analysis/cells/:size/:col/:row', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { size, col, row } = ZCellParams.parse(request.params);
    const { shape } = ZShape.parse(request.query);
    const ws = await open(request);
    const detail = await getCellDetail(db, ws, shape, size, col, row);
    return renderPage(request, reply, 'analysis/detail.njk', {
      title: `Grid ${shape === 'hex' ? 'hexagon' : 'cell'} ${col}-${row} (${size} m)`, kind: 'cell', ...workspaceContext(ws, 'map', { layer: 'cells', cell: size, shape }), detail,
      backHref: `/analysis/map${filterQuery(ws.filters, { layer: 'cells', cell: size, method: 'gi', shape })}`,
    });
  });

  app.get('/analysis/areas/:type/:code', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { type, code } = z.object({ type: z.enum(AREA_LEVELS), code: z.string().max(40) }).parse(request.params);
    const ws = await open(request);
    const detail = await getAreaDetail(db, ws, type, code);
    return renderPage(request, reply, 'analysis/detail.njk', {
      title: `${detail.area.name === detail.area.code ? detail.area.code : `${detail.area.name} (${detail.area.code})`}`, kind: 'area', ...workspaceContext(ws, 'map'), detail,
      areaTypeLabel: AREA_TYPE_LABELS[type], backHref: `/analysis/map${filterQuery(ws.filters, { layer: 'areas', level: type })}`,
    });
  });

  app.get('/analysis/when', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const when = await getWhen(db, ws);
    const charts = { heatmap: when.timedSources.length ? weekHeatmap(when, ws.partnership.name) : null, seasonality: seasonalityChart(when, ws.partnership.name) };
    return renderPage(request, reply, 'analysis/when.njk', { title: 'When incidents happen', ...workspaceContext(ws, 'when'), when, charts });
  });

  app.get('/analysis/hidden-violence', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const level = ZLevel.parse(request.query).level ?? defaultAreaLevel(ws);
    const hidden = await getHiddenViolence(db, ws, level);
    return renderPage(request, reply, 'analysis/hidden-violence.njk', {
      title: 'Hidden violence', ...workspaceContext(ws, 'hidden-violence', { level }), hidden, charts: { byArea: hiddenViolenceChart(hidden, ws.partnership.name) },
    });
  });

  app.get('/analysis/deprivation', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const deprivation = await getDeprivation(db, ws);
    return renderPage(request, reply, 'analysis/deprivation.njk', {
      title: 'Deprivation', ...workspaceContext(ws, 'deprivation'), deprivation, charts: { deciles: deprivation.rows.length ? decileChart(deprivation.rows, ws.partnership.name) : null },
    });
  });

  // Downloads: /analysis/<view>/export.csv, /analysis/map/export.geojson, charts as .svg and .png.
  app.get('/analysis/:view/export.:format', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { view, format } = z.object({ view: z.enum(Object.keys(analysisExports) as [string, ...string[]]), format: z.enum(['csv', 'geojson', 'svg', 'png']) }).parse(request.params);
    const ws = await exportWorkspace(db, await open(request));
    const file = await analysisExports[view]!(db, ws, request.query, format as ExportFormat);
    await recordAudit(db, ws.actor, { action: 'analysis.export', recordType: 'analysis-view', recordId: view, detail: { format, filters: ws.filters, suppressed: ws.suppress, name: file.name } });
    return sendFile(reply, file);
  });

  app.get('/analysis/cells/:size/:col/:row/incidents.csv', { preHandler: pageAccess('incidents:read-records') }, async (request, reply) => {
    const { size, col, row } = ZCellParams.parse(request.params);
    const { shape } = ZShape.parse(request.query);
    const ws = await exportWorkspace(db, await open(request), { recordLevel: true });
    const detail = await getCellDetail(db, ws, shape, size, col, row, { recordLimit: INCIDENT_EXPORT_LIMIT });
    if (detail.incidentsTruncated) {
      throw new LanternError('invalid-input', `This cell holds more than ${INCIDENT_EXPORT_LIMIT.toLocaleString('en-GB')} incidents in the period, too many to download one by one. Choose a shorter period or fewer categories and download again.`);
    }
    await recordAudit(db, ws.actor, { action: 'analysis.export-records', recordType: 'grid-cell', recordId: `${shape}/${size}/${col}-${row}`, detail: { filters: ws.filters, rows: detail.incidents?.length ?? 0 } });
    return sendFile(reply, {
      name: `incidents-${shape}-${size}m-${col}-${row}.csv`, type: 'text/csv; charset=utf-8',
      body: csvRows(['source', 'month', 'occurred_at', 'category', 'source_category', 'location', 'easting', 'northing', 'lsoa', 'outcome'],
        (detail.incidents ?? []).map((i) => [i.source, i.month, i.occurred_at?.toISOString() ?? '', i.category, i.source_category, i.location_desc, i.easting, i.northing, i.lsoa, i.outcome])),
    });
  });
}

export function sendFile(reply: FastifyReply, file: { name: string; type: string; body: string | Buffer }) {
  reply.header('content-disposition', `attachment; filename="${file.name}"`);
  return reply.type(file.type).send(file.body);
}
