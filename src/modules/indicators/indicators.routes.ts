/**
 * The indicators' pages: every indicator for the partnership, one indicator over the areas
 * of a type, an area's profile, and the custom-indicator form. Figures, charts and
 * downloads all come from one report (indicators.service.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { can } from '../../shared/authorization.ts';
import { COMPARISON_STYLES } from '../../shared/charts/index.ts';
import { AREA_LEVELS } from '../analysis/filters.ts';
import { sendFile } from '../analysis/analysis.routes.ts';
import {
  areaProfile, changeIndicator, chartSvg, defineIndicator, downloadIndicator, getCustomIndicator, indicatorDetail, indicatorFormOptions, indicatorReport, removeIndicator,
  type IndicatorReport, type IndicatorReportOptions,
} from './indicators.service.ts';
import { AREA_TYPE_LABELS, AREA_TYPE_NAMES } from './indicator.definitions.ts';
import { parseBenchmark, PARENT_LEVELS, ZIndicatorQuerySchema, type TIndicatorQuery } from './indicators.schema.ts';

type FormBody = Record<string, string | string[] | undefined>;

const ZCode = z.object({ code: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,19}$/) });
const ZArea = z.object({ type: z.enum(AREA_LEVELS), code: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/) });
const ZFormat = z.object({ format: z.enum(['csv', 'svg', 'png']) });
const ZChart = z.object({ chart: z.enum(['compare', 'trend', 'spine']).optional() });

function optionsOf(query: TIndicatorQuery): Omit<IndicatorReportOptions, 'codes'> {
  return {
    ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}), ...(query.type ? { areaType: query.type } : {}),
    ...(query.area ? { area: query.area } : {}), benchmark: parseBenchmark(query.benchmark, query.benchmarkValue), trend: query.trend,
  };
}

/** What every indicators page shows around its figures: the choices made, links that keep them, and the labels. */
function pageContext(request: FastifyRequest, report: IndicatorReport, query: TIndicatorQuery) {
  const q = (overrides: Record<string, string | undefined> = {}) => {
    const params = new URLSearchParams();
    const values: Record<string, string | undefined> = {
      from: report.period.from, to: report.period.to, type: report.areaType, area: report.area ? `${report.area.type}:${report.area.code}` : undefined,
      benchmark: report.benchmark.param === 'partnership' ? undefined : report.benchmark.param, trend: query.trend === 'rolling' ? undefined : query.trend, ...overrides,
    };
    for (const [k, v] of Object.entries(values)) if (v) params.set(k, v);
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  const parentTypes = PARENT_LEVELS.filter((t) => report.areaTypes.includes(t));
  return {
    report, q, query, areaTypeLabels: AREA_TYPE_LABELS, areaTypeNames: AREA_TYPE_NAMES, comparisonLabels: Object.fromEntries(Object.entries(COMPARISON_STYLES).map(([k, v]) => [k, v.label])),
    parentTypes: parentTypes.map((t) => ({ value: `parent:${t}`, text: `The ${AREA_TYPE_NAMES[t].one} containing each area` })),
    canManage: can(actorOf(request), 'indicators:manage'),
  };
}

async function indicatorForm(request: FastifyRequest, reply: FastifyReply, values: FormBody, errors: ReturnType<typeof formErrors> = [], editing: string | null = null) {
  const options = await indicatorFormOptions(request.server.handle.db, actorOf(request));
  const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  return renderPage(request, reply, 'indicators/new.njk', {
    title: editing ? `Change ${editing}` : 'Add an indicator', values, errors, editing,
    action: editing ? `/assessments/indicators/${editing}/edit` : '/assessments/indicators/new',
    sources: options.sources.map((s) => ({ value: s.slug, text: s.name, checked: list(values.sourceSlugs).includes(s.slug) })),
    categories: options.categories.map((c) => ({ value: c.code, text: c.label, checked: list(values.categories).includes(c.code) })),
    sourceCategories: options.sourceCategories.map((g) => ({ label: g.source.name, items: g.values.map((v) => ({ value: v, text: v, checked: list(values.sourceCategories).includes(v) })) })),
  }, errors.length ? 400 : 200);
}

/** The form's fields as the service takes them (checkboxes arrive as a string or a list). */
function indicatorInput(body: FormBody) {
  return {
    code: String(body.code ?? ''), name: String(body.name ?? ''), sourceSlugs: body.sourceSlugs, categories: body.categories,
    sourceCategories: body.sourceCategories, multiplier: String(body.multiplier ?? ''), polarity: body.polarity as 'none', note: String(body.note ?? ''),
  };
}

function flashOf(query: Record<string, unknown>): string | undefined {
  if (typeof query.added === 'string') return `Indicator ${query.added} added.`;
  if (typeof query.removed === 'string') return `Indicator ${query.removed} removed.`;
  if (query.changed !== undefined) return 'Indicator changed. Its figures below are counted as it now stands.';
  return undefined;
}

export async function indicatorsRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  app.get('/assessments/indicators', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const query = ZIndicatorQuerySchema.parse(request.query);
    const report = await indicatorReport(db, actorOf(request), { ...optionsOf(query), area: undefined, trend: false });
    return renderPage(request, reply, 'indicators/index.njk', {
      title: 'Outcome indicators', ...pageContext(request, report, query), spine: report.charts.spine ? chartSvg(report, 'spine') : null,
      flash: flashOf(request.query as Record<string, unknown>),
      areas: report.indicators.find((i) => i.available)?.areas ?? [],
    });
  });

  app.get('/assessments/indicators/new', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => indicatorForm(request, reply, { multiplier: '1000', polarity: 'low-is-good' }));

  app.post('/assessments/indicators/new', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      const stored = await defineIndicator(db, actorOf(request), indicatorInput(body));
      return reply.redirect(`/assessments/indicators?added=${encodeURIComponent(stored.code)}`);
    } catch (error) {
      if (error instanceof ZodError) return indicatorForm(request, reply, body, formErrors(error.issues));
      throw error;
    }
  });

  app.get('/assessments/indicators/:code/edit', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => {
    const { code } = ZCode.parse(request.params);
    const stored = await getCustomIndicator(db, actorOf(request), code);
    return indicatorForm(request, reply, {
      name: stored.name, sourceSlugs: stored.source_slugs, categories: stored.categories, sourceCategories: stored.source_categories,
      multiplier: String(stored.multiplier), polarity: stored.polarity, note: stored.note,
    }, [], stored.code);
  });

  app.post('/assessments/indicators/:code/edit', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { code } = ZCode.parse(request.params);
    const body = (request.body ?? {}) as FormBody;
    try {
      const stored = await changeIndicator(db, actorOf(request), code, indicatorInput(body));
      return reply.redirect(`/assessments/indicators/${encodeURIComponent(stored.code)}?changed=1`);
    } catch (error) {
      if (error instanceof ZodError) return indicatorForm(request, reply, body, formErrors(error.issues), code);
      throw error;
    }
  });

  app.post('/assessments/indicators/:code/remove', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { code } = ZCode.parse(request.params);
    await removeIndicator(db, actorOf(request), code);
    return reply.redirect(`/assessments/indicators?removed=${encodeURIComponent(code)}`);
  });

  app.get('/assessments/indicators/:code', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { code } = ZCode.parse(request.params);
    const query = ZIndicatorQuerySchema.parse(request.query);
    const report = await indicatorDetail(db, actorOf(request), code, optionsOf(query));
    const i = report.indicator;
    return renderPage(request, reply, 'indicators/indicator.njk', {
      title: i.name, ...pageContext(request, report, query), indicator: i, flash: flashOf(request.query as Record<string, unknown>),
      charts: { compare: report.charts.comparisons[i.code] ? chartSvg(report, 'compare', i.code) : null, trend: report.charts.trends[i.code] ? chartSvg(report, 'trend', i.code) : null },
    });
  });

  app.get('/assessments/indicators/:code/export.:format', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { code } = ZCode.parse(request.params);
    const { format } = ZFormat.parse(request.params);
    const { chart } = ZChart.parse(request.query);
    const query = ZIndicatorQuerySchema.parse(request.query);
    return sendFile(reply, await downloadIndicator(db, actorOf(request), { code, format, ...(chart ? { chart } : {}), options: optionsOf(query) }));
  });

  // The profile picker is a plain GET form: its choice becomes the profile's own address.
  app.get('/assessments/profile', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { area } = z.object({ area: z.string().regex(/^(lad|ward|lsoa21|lsoa11|msoa21|neighbourhood):[A-Za-z0-9_-]{1,40}$/, 'Choose an area') }).parse(request.query);
    const [type, code] = area.split(':') as [string, string];
    const rest = new URLSearchParams(request.query as Record<string, string>);
    rest.delete('area');
    rest.delete('type');
    return reply.redirect(`/assessments/profile/${type}/${encodeURIComponent(code)}${rest.size ? `?${rest}` : ''}`);
  });

  app.get('/assessments/profile/:type/:code', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { type, code } = ZArea.parse(request.params);
    const query = ZIndicatorQuerySchema.parse(request.query);
    const report = await areaProfile(db, actorOf(request), type, code, { ...optionsOf(query), trend: false });
    return renderPage(request, reply, 'indicators/profile.njk', {
      title: `${report.area!.name}: area profile`, ...pageContext(request, report, query), spine: report.charts.spine ? chartSvg(report, 'spine') : null,
    });
  });

  app.get('/assessments/profile/:type/:code/export.:format', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { type, code } = ZArea.parse(request.params);
    const { format } = ZFormat.parse(request.params);
    const query = ZIndicatorQuerySchema.parse(request.query);
    return sendFile(reply, await downloadIndicator(db, actorOf(request), { profile: { type, code }, format, chart: 'spine', options: { ...optionsOf(query), trend: false } }));
  });
}
