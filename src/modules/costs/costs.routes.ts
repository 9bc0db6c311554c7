/**
 * The cost of crime pages under /assessments/costs: the costs of the workspace's incidents
 * (same filters as the analysis pages, kept in the URL), the unit costs and assumptions
 * behind them (editable with indicators:manage), and the costs-avoided calculator.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { can } from '../../shared/authorization.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { sendFile, workspaceContext } from '../analysis/analysis.routes.ts';
import { exportWorkspace } from '../analysis/exports.ts';
import { filterQuery, parseFilters, type TAnalysisFilters } from '../analysis/filters.ts';
import { openWorkspace, type Workspace } from '../analysis/workspace.ts';
import { AGENCIES, ALLOCATION_KEYS, ALLOCATION_LABELS } from './agencies.ts';
import { agencyChart } from './costs.charts.ts';
import { costsApi } from './costs.api.ts';
import { ZAvoidedSchema, ZCostRuleFormSchema, ZCostsLevelSchema, ZInflationFormSchema, ZUnitCostFormSchema } from './costs.schema.ts';
import {
  calculateCostsAvoided, clearInflationIndex, getCostModel, getCostsView, mixInWords, restoreCostRule, restoreUnitCost, saveCostRule, saveInflationIndex, saveUnitCost,
  type CostsView,
} from './costs.service.ts';
import { DEFAULT_INDEX_SOURCE } from './inflation.ts';
import { COST_COMPONENTS, isCostCategory, PRICE_BASE, PUBLISHED_UNIT_COSTS, SOURCES } from './unit-costs.data.ts';

type FormBody = Record<string, string | string[] | undefined>;
type FormError = { text: string; href: string; field: string };

const ZFlash = z.object({ saved: z.enum(['unit-cost', 'unit-cost-restored', 'rule', 'rule-restored', 'inflation', 'inflation-cleared']).optional(), key: z.string().max(260).optional() });
const FLASH: Record<string, string> = {
  'unit-cost': 'Unit cost saved. Every cost of crime figure now uses it.',
  'unit-cost-restored': 'Published figures restored.',
  rule: 'Mapping saved. Every cost of crime figure now uses it.',
  'rule-restored': 'Lantern\'s default mapping restored.',
  inflation: 'Inflation index saved: costs are now shown in today\'s prices as well.',
  'inflation-cleared': 'Inflation index removed: costs are shown in 2015/16 prices only.',
};

/** The costs pages' tabs, keeping the period and areas between the two that use them. */
function costTabs(active: 'costs' | 'unit-costs' | 'avoided', filters?: Partial<TAnalysisFilters>) {
  const q = filters ? filterQuery({ from: filters.from, to: filters.to, area: filters.area ?? [] }) : '';
  return [
    { key: 'costs', href: `/assessments/costs${q}`, text: 'Cost of crime', active: active === 'costs' },
    { key: 'unit-costs', href: '/assessments/costs/unit-costs', text: 'Unit costs and assumptions', active: active === 'unit-costs' },
    { key: 'avoided', href: `/assessments/costs/avoided${q}`, text: 'Costs avoided calculator', active: active === 'avoided' },
  ];
}

function errorsOf(error: unknown): FormError[] | null {
  if (error instanceof ZodError) return formErrors(error.issues);
  if (error instanceof LanternError && error.code === 'invalid-input') return [{ text: error.message, href: '#form', field: 'form' }];
  return null;
}

function firstValue(body: FormBody): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}

const shownOr = (value: number | null, fallback = 'suppressed') => (value === null ? fallback : Math.round(value));
const money = (value: number | null, suppressed: boolean) => (value === null ? (suppressed ? 'suppressed' : '') : Math.round(value));

/** The tables of the costs page as CSV; suppressed as the export workspace says. */
function costsCsv(view: CostsView, table: string): string {
  const today = view.prices.label ? `cost_${view.prices.label.replace('-', '_')}_prices` : 'cost_today_prices_not_set';
  switch (table) {
    case 'agency':
      return csvRows(['agency', 'label', 'cost_2015_16_prices', today], view.byAgency.map((a) => [a.key, a.label, money(a.cost.base, true), money(a.cost.today, a.cost.base === null)]));
    case 'cost-category':
      return csvRows(['cost_category', 'label', 'incidents', 'estimated_crimes', 'unit_cost_2015_16', 'unit_cost_source', 'cost_2015_16_prices', today],
        view.byCostCategory.map((c) => [c.key, c.label, shownOr(c.incidents), c.crimes === null ? 'suppressed' : Number(c.crimes.toFixed(2)), c.unit.base ?? 'not verified', c.origin, money(c.cost.base, c.incidents === null), money(c.cost.today, c.cost.base === null && c.incidents === null)]));
    case 'category':
      return csvRows(['category', 'label', 'incidents', 'costed_incidents', 'cost_2015_16_prices', today],
        view.byCategory.map((c) => [c.key, c.label, shownOr(c.incidents), shownOr(c.costedIncidents), money(c.cost.base, c.costedIncidents === null), money(c.cost.today, c.costedIncidents === null)]));
    case 'area':
      return csvRows(['area_type', 'area_code', 'area_name', 'costed_incidents', 'cost_2015_16_prices', today],
        view.byArea.rows.map((a) => [a.type, a.code, a.name, shownOr(a.costedIncidents), money(a.cost.base, a.costedIncidents === null), money(a.cost.today, a.costedIncidents === null)]));
    default: {
      const rows = [...view.byRule, ...view.besideTotal.rows];
      return csvRows(['incident_type', 'counted', 'incidents', 'costed_as', 'cost_2015_16_prices', today, 'basis'],
        rows.map((r) => [r.label, r.treatment === 'total' ? 'in the total' : 'beside the total', shownOr(r.incidents), r.mix, money(r.cost.base, r.incidents === null), money(r.cost.today, r.incidents === null), r.basis]));
    }
  }
}

export async function costsRoutes(app: FastifyInstance) {
  const db = app.handle.db;
  await app.register(costsApi);
  const open = (request: FastifyRequest) => openWorkspace(db, actorOf(request), parseFilters(request.query));

  app.get('/assessments/costs', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const ws = await open(request);
    const { level } = ZCostsLevelSchema.parse(request.query);
    const view = await getCostsView(db, ws, level);
    const context = workspaceContext(ws, 'costs', { level: view.byArea.level });
    return renderPage(request, reply, 'costs/overview.njk', {
      title: 'Cost of crime', ...context, views: costTabs('costs', ws.filters), viewsLabel: 'Cost of crime pages',
      view, chart: agencyChart(view), agencies: AGENCIES, costNotes: view.notes.slice(ws.notes.length),
    });
  });

  app.get('/assessments/costs/export.csv', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { table } = z.object({ table: z.enum(['agency', 'rule', 'cost-category', 'category', 'area']).default('agency') }).parse(request.query);
    const { level } = ZCostsLevelSchema.parse(request.query);
    const ws = await exportWorkspace(db, await open(request));
    const view = await getCostsView(db, ws, level);
    const name = `${ws.partnership.slug}-cost-of-crime-by-${table}-${ws.filters.from}-to-${ws.filters.to}.csv`;
    await recordAudit(db, ws.actor, { action: 'costs.export', recordType: 'cost-of-crime', recordId: table, detail: { filters: ws.filters, suppressed: ws.suppress, name } });
    return sendFile(reply, { name, type: 'text/csv; charset=utf-8', body: costsCsv(view, table) });
  });

  // ---- Unit costs, mapping and inflation -----------------------------------------------

  const showUnitCosts = async (request: FastifyRequest, reply: FastifyReply, errors: FormError[] = [], values: Record<string, unknown> = {}) => {
    const actor = actorOf(request);
    const model = await getCostModel(db, actor);
    const flash = ZFlash.safeParse(request.query);
    return renderPage(request, reply, 'costs/unit-costs.njk', {
      title: 'Unit costs and assumptions', tabs: costTabs('unit-costs'), model, errors, values,
      rules: model.rules.map((r) => ({ ...r, mixText: mixInWords(r.mix, model.units), editHref: `/assessments/costs/rules?key=${encodeURIComponent(r.key)}` })),
      components: COST_COMPONENTS, agencies: AGENCIES, allocationKeys: ALLOCATION_KEYS, allocationLabels: ALLOCATION_LABELS, sources: SOURCES, priceBase: PRICE_BASE,
      defaultIndexSource: DEFAULT_INDEX_SOURCE, canEdit: can(actor, 'indicators:manage'),
      flash: flash.success && flash.data.saved ? FLASH[flash.data.saved] : undefined,
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/costs/unit-costs', { preHandler: pageAccess('overview:read') }, async (request, reply) => showUnitCosts(request, reply));

  app.post('/assessments/costs/inflation', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = firstValue((request.body ?? {}) as FormBody);
    try {
      await saveInflationIndex(db, actorOf(request), ZInflationFormSchema.parse(body));
      return reply.redirect('/assessments/costs/unit-costs?saved=inflation#inflation');
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return showUnitCosts(request, reply, errors, body);
    }
  });

  app.post('/assessments/costs/inflation/clear', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    await clearInflationIndex(db, actorOf(request));
    return reply.redirect('/assessments/costs/unit-costs?saved=inflation-cleared#inflation');
  });

  const showUnitCostForm = async (request: FastifyRequest, reply: FastifyReply, key: string, errors: FormError[] = [], values?: Record<string, string | undefined>) => {
    const model = await getCostModel(db, actorOf(request));
    const unit = model.units.get(key as never);
    if (!unit) throw new LanternError('not-found-or-no-access', 'There is no such Home Office cost category.');
    const current: Record<string, string | undefined> = values ?? {
      total: unit.total === null ? '' : String(unit.total),
      ...Object.fromEntries(COST_COMPONENTS.map((c) => [c.key, unit.components[c.key] === undefined ? '' : String(unit.components[c.key])])),
      source: unit.origin === 'partnership' ? unit.source.replace(/^Entered by the partnership: /, '') : '',
    };
    return renderPage(request, reply, 'costs/unit-cost-edit.njk', {
      title: `Change the unit cost: ${unit.label}`, unit, components: COST_COMPONENTS, values: current, errors, priceBase: PRICE_BASE, sources: SOURCES,
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/costs/unit-costs/:key', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => {
    const { key } = z.object({ key: z.string().max(80) }).parse(request.params);
    if (!isCostCategory(key)) throw new LanternError('not-found-or-no-access', 'There is no such Home Office cost category.');
    return showUnitCostForm(request, reply, key);
  });

  app.post('/assessments/costs/unit-costs/:key', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { key } = z.object({ key: z.string().max(80) }).parse(request.params);
    if (!isCostCategory(key)) throw new LanternError('not-found-or-no-access', 'There is no such Home Office cost category.');
    const body = firstValue((request.body ?? {}) as FormBody);
    try {
      await saveUnitCost(db, actorOf(request), key, ZUnitCostFormSchema.parse(body));
      return reply.redirect(`/assessments/costs/unit-costs?saved=unit-cost#unit-${key}`);
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return showUnitCostForm(request, reply, key, errors, body);
    }
  });

  app.post('/assessments/costs/unit-costs/:key/restore', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { key } = z.object({ key: z.string().max(80) }).parse(request.params);
    await restoreUnitCost(db, actorOf(request), key);
    return reply.redirect(`/assessments/costs/unit-costs?saved=unit-cost-restored#unit-${key}`);
  });

  const showRuleForm = async (request: FastifyRequest, reply: FastifyReply, key: string, errors: FormError[] = [], values?: Record<string, string | undefined>) => {
    const model = await getCostModel(db, actorOf(request));
    const rule = model.rules.find((r) => r.key === key);
    if (!rule) throw new LanternError('not-found-or-no-access', 'There is no such mapping rule.');
    const current: Record<string, string | undefined> = values ?? {
      treatment: rule.treatment, basis: rule.basis,
      ...Object.fromEntries(rule.mix.map((m) => [`share_${m.costCategory}`, String(Number((m.share * 100).toFixed(4)))])),
    };
    return renderPage(request, reply, 'costs/rule-edit.njk', {
      title: `Change the mapping: ${rule.label}`, rule, values: current, errors, units: model.unitCosts,
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/costs/rules', { preHandler: pageAccess('indicators:manage') }, async (request, reply) => {
    const { key } = z.object({ key: z.string().min(3).max(260) }).parse(request.query);
    return showRuleForm(request, reply, key);
  });

  app.post('/assessments/costs/rules', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = firstValue((request.body ?? {}) as FormBody);
    const key = z.string().min(3).max(260).parse(body.key);
    try {
      await saveCostRule(db, actorOf(request), ZCostRuleFormSchema.parse(body));
      return reply.redirect(`/assessments/costs/unit-costs?saved=rule#rules`);
    } catch (error) {
      const errors = errorsOf(error);
      if (!errors) throw error;
      return showRuleForm(request, reply, key, errors, body);
    }
  });

  app.post('/assessments/costs/rules/restore', { preHandler: pageAccess('indicators:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const key = z.string().min(3).max(260).parse(firstValue((request.body ?? {}) as FormBody).key);
    await restoreCostRule(db, actorOf(request), key);
    return reply.redirect('/assessments/costs/unit-costs?saved=rule-restored#rules');
  });

  // ---- The calculator ------------------------------------------------------------------

  app.get('/assessments/costs/avoided', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const query = (request.query ?? {}) as FormBody;
    // The calculator's "category" is a Home Office cost category, not the workspace's category filter.
    const ws: Workspace = await openWorkspace(db, actorOf(request), parseFilters({ from: query.from, to: query.to, area: query.area, source: query.source }));
    const asked = query.category !== undefined || query.reduction !== undefined;
    const parsed = ZAvoidedSchema.safeParse({ category: query.category || undefined, reduction: query.reduction });
    let errors: FormError[] = [];
    if (asked && parsed.success && !parsed.data.category) errors.push({ text: 'Choose a Home Office cost category', href: '#category', field: 'category' });
    if (asked && parsed.success && parsed.data.reduction === undefined) errors.push({ text: 'Enter the fall as a percentage, for example 10', href: '#reduction', field: 'reduction' });
    if (!parsed.success) errors = formErrors(parsed.error.issues);
    const result = asked && errors.length === 0 && parsed.success
      ? await calculateCostsAvoided(db, ws, { category: parsed.data.category!, reduction: parsed.data.reduction! })
      : null;
    const context = workspaceContext(ws, 'avoided');
    return renderPage(request, reply, 'costs/avoided.njk', {
      title: 'Costs avoided calculator', ...context, tabs: costTabs('avoided', ws.filters), result, errors,
      values: { category: query.category ?? 'violence-with-injury', reduction: query.reduction ?? '' },
      categories: PUBLISHED_UNIT_COSTS.map((u) => ({ value: u.key, text: u.label })),
    }, errors.length ? 400 : 200);
  });
}
