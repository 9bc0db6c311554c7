/**
 * The analysis views as JSON, for other tools and dashboards. Same filters as the pages
 * (query string), same suppression: figures are suppressed unless the token's role is analyst.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, apiAccess } from '../../server/guards.ts';
import { getCellDetail } from './detail.service.ts';
import { AREA_LEVELS, parseFilters, ZAnalysisFiltersSchema } from './filters.ts';
import { getHotspots, GRID_SHAPES, HOTSPOT_METHODS } from './hotspots.service.ts';
import { areaRows, countByArea, defaultAreaLevel, getOverview } from './overview.service.ts';
import { getDeprivation, getHiddenViolence, getWhen } from './patterns.service.ts';
import { openWorkspace } from './workspace.ts';

const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const count = z.number().nullable().describe('null when suppressed (a small number, outside the analyst role)');
const ZPeriod = z.object({ from: z.string(), to: z.string() });
const ZChange = z.object({ change: z.number(), lower: z.number(), upper: z.number(), pValue: z.number(), significant: z.boolean(), verdict: z.string() }).nullable()
  .describe('Year-on-year change with an exact Poisson rate-ratio test; null when not comparable');
const ZSuppression = z.object({ applied: z.boolean(), threshold: z.number() });
const ZArea = z.object({
  type: z.string(), code: z.string(), name: z.string(), count, population: z.number().nullable(),
  rate: z.number().nullable().describe('per 1,000 residents'), lower: z.number().nullable(), upper: z.number().nullable(), imdDecile: z.number().nullable(),
});
const ZBreakdown = z.object({ key: z.string(), label: z.string(), count, previous: count, rate: z.number().nullable().describe('per 1,000 residents of the partnership'), change: ZChange });
const ZRatio = z.object({ key: z.string(), label: z.string(), ae: count, police: count, ratio: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() });

const ZHotspotQuery = ZAnalysisFiltersSchema.extend({
  method: z.enum(HOTSPOT_METHODS).default('gi').describe('count, kde, gi (Getis-Ord Gi*) or emerging (emerging hot spots over the months of the period)'),
  cell: z.coerce.number().int().default(250).describe('Cell size in metres, a multiple of 50 (for hexagons, the distance across the flats)'),
  shape: z.enum(GRID_SHAPES).default('square'),
  bandwidth: z.coerce.number().int().optional().describe('Kernel density bandwidth in metres (default twice the cell size)'),
});

const ZHotspots = z.object({
  partnership: z.string(), period: ZPeriod, method: z.enum(HOTSPOT_METHODS), suppression: ZSuppression,
  grid: z.object({
    shape: z.enum(GRID_SHAPES), cellSize: z.number(), crs: z.literal('EPSG:27700'), originEasting: z.number(), originNorthing: z.number(), cells: z.number(),
    rule: z.string().describe('How the grid is laid and which cells it holds'),
  }),
  weights: z.string().nullable().describe('The spatial weights of Gi*'),
  bandwidth: z.number().nullable(),
  slices: z.array(z.string()).nullable().describe('Months used as time slices (method emerging)'),
  outsideGrid: count,
  cells: z.array(z.object({
    id: z.string(), col: z.number(), row: z.number(),
    longitude: z.number(), latitude: z.number(), easting: z.number(), northing: z.number(),
    count, density: z.number().nullable(), z: z.number().nullable(), p: z.number().nullable(), p_fdr: z.number().nullable(),
    class: z.string().nullable().describe('hot-99, hot-95, hot-90, cold-90, cold-95, cold-99 or none'),
    pattern: z.string().nullable().describe('Emerging hot spot pattern (method emerging)'),
  })),
});

async function checkedWorkspace(app: FastifyInstance, request: FastifyRequest, slug: string) {
  return openWorkspace(app.handle.db, await actorForSlug(request, slug), parseFilters(request.query));
}

export async function analysisApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const db = app.handle.db;
  const common = { params: ZSlugParams, tags: ['analysis'] };
  const errors = { 400: ZError, 401: ZError, 404: ZError };
  const meta = (ws: Awaited<ReturnType<typeof openWorkspace>>) => ({
    partnership: ws.partnership.slug, period: { from: ws.filters.from, to: ws.filters.to }, suppression: { applied: ws.suppress, threshold: ws.threshold },
  });

  app.get('/api/v1/partnerships/:slug/hotspots', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'Hotspots on a British National Grid over the partnership boundary: every cell, with count, kernel density or Gi* z, p, p_fdr and class',
      description: 'Every cell whose centre lies inside the boundary is returned, including cells with no incidents. Square grid origin: the boundary\'s minimum easting and northing rounded down to a multiple of the cell size. Gi* weights: queen contiguity including the cell itself (cells whose centres are within 1.5 cell widths; for hexagons the six edge neighbours and the cell). p is two-sided; p_fdr is Benjamini-Hochberg adjusted over all cells; classes at 90, 95 and 99% use p_fdr.',
      querystring: ZHotspotQuery, response: { 200: ZHotspots, ...errors },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const { method, cell, shape, bandwidth } = request.query;
    const h = await getHotspots(db, ws, { method, cell, shape, bandwidth });
    return {
      ...meta(ws), method: h.method, grid: h.grid, weights: h.weights, bandwidth: h.bandwidth, slices: h.slices, outsideGrid: h.outsideGrid,
      cells: h.cells.map((c) => ({
        id: c.id, col: c.col, row: c.row, longitude: c.lon, latitude: c.lat, easting: c.easting, northing: c.northing, count: c.count,
        density: c.density ?? null, z: c.z ?? null, p: c.p ?? null, p_fdr: c.pFdr ?? null, class: c.class ?? null, pattern: c.patternLabel ?? null,
      })),
    };
  });

  app.get('/api/v1/partnerships/:slug/overview', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'Counts, rates and year-on-year change by source, category and month', querystring: ZAnalysisFiltersSchema,
      response: {
        200: z.object({
          partnership: z.string(), period: ZPeriod, suppression: ZSuppression, previousPeriod: ZPeriod,
          total: z.object({ count, previous: count, change: ZChange, rate: z.number().nullable(), population: z.number().nullable() }),
          bySource: z.array(ZBreakdown), byCategory: z.array(ZBreakdown),
          trend: z.array(z.object({ month: z.string(), count, previous: count })),
          missing: z.array(z.object({ source: z.string(), months: z.array(z.string()) })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const o = await getOverview(db, ws);
    return {
      ...meta(ws), previousPeriod: { from: o.period.previousFrom, to: o.period.previousTo }, total: o.total, bySource: o.bySource, byCategory: o.byCategory,
      trend: o.trend.map((t) => ({ month: t.month, count: t.count, previous: t.previous })), missing: o.missing,
    };
  });

  app.get('/api/v1/partnerships/:slug/areas', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'Counts and rates per 1,000 residents (with 95% Byar intervals) by area',
      querystring: ZAnalysisFiltersSchema.extend({ level: z.enum(AREA_LEVELS).optional().describe('Area level (default: wards when they have population)') }),
      response: { 200: z.object({ partnership: z.string(), period: ZPeriod, suppression: ZSuppression, level: z.enum(AREA_LEVELS), areas: z.array(ZArea) }), ...errors },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const level = request.query.level ?? defaultAreaLevel(ws);
    const rows = areaRows(ws, level, await countByArea(db, ws, level));
    return { ...meta(ws), level, areas: rows.map(({ id: _id, ...r }) => r) };
  });

  app.get('/api/v1/partnerships/:slug/when', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'Day-of-week by hour counts (sources with times only) and monthly seasonality', querystring: ZAnalysisFiltersSchema,
      response: {
        200: z.object({
          partnership: z.string(), period: ZPeriod, suppression: ZSuppression, timedSources: z.array(z.string()), untimedSources: z.array(z.string()),
          heatmap: z.object({ days: z.array(z.string()), hours: z.array(z.number()), values: z.array(z.array(count)), total: count }),
          seasonality: z.array(z.object({ month: z.number(), label: z.string(), average: z.number().nullable(), years: z.number() })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const w = await getWhen(db, ws);
    return { ...meta(ws), timedSources: w.timedSources, untimedSources: w.untimedSources, heatmap: w.heatmap, seasonality: w.seasonality };
  });

  app.get('/api/v1/partnerships/:slug/hidden-violence', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'A&E-recorded assaults against police-recorded violence, by area and month, with the ratio and its exact 95% interval',
      querystring: ZAnalysisFiltersSchema.extend({ level: z.enum(AREA_LEVELS).optional() }),
      response: {
        200: z.object({ partnership: z.string(), period: ZPeriod, suppression: ZSuppression, level: z.enum(AREA_LEVELS), total: ZRatio, byArea: z.array(ZRatio), byMonth: z.array(ZRatio) }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const hv = await getHiddenViolence(db, ws, request.query.level ?? defaultAreaLevel(ws));
    return { ...meta(ws), level: hv.byArea.level, total: hv.total, byArea: hv.byArea.rows, byMonth: hv.byMonth };
  });

  app.get('/api/v1/partnerships/:slug/deprivation', {
    preHandler: apiAccess('overview:read'),
    schema: {
      ...common, summary: 'Rates per 1,000 residents by IMD 2019 decile, with 95% intervals', querystring: ZAnalysisFiltersSchema,
      response: {
        200: z.object({
          partnership: z.string(), period: ZPeriod, suppression: ZSuppression,
          deciles: z.array(z.object({ decile: z.number(), areas: z.number(), population: z.number(), count, rate: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    return { ...meta(ws), deciles: (await getDeprivation(db, ws)).rows };
  });

  app.get('/api/v1/partnerships/:slug/cells/:size/:col/:row', {
    preHandler: apiAccess('overview:read'),
    schema: {
      summary: 'One grid cell (square, or hexagon with shape=hex): its breakdown by category, source and month', tags: ['analysis'],
      params: ZSlugParams.extend({ size: z.coerce.number().int(), col: z.coerce.number().int().min(0), row: z.coerce.number().int().min(0) }),
      querystring: ZAnalysisFiltersSchema.extend({ shape: z.enum(GRID_SHAPES).default('square') }),
      response: {
        200: z.object({
          partnership: z.string(), period: ZPeriod, suppression: ZSuppression, total: count,
          byCategory: z.array(z.object({ key: z.string(), label: z.string(), count })), bySource: z.array(z.object({ key: z.string(), label: z.string(), count })),
          byMonth: z.array(z.object({ month: z.string(), count })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug);
    const d = await getCellDetail(db, ws, request.query.shape, request.params.size, request.params.col, request.params.row, { withRecords: false });
    return { ...meta(ws), total: d.total, byCategory: d.byCategory, bySource: d.bySource, byMonth: d.byMonth };
  });
}
