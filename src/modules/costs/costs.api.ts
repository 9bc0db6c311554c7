/**
 * The cost of crime as JSON: the same filters and suppression as the pages. Figures built
 * on counts from 1 to threshold − 1 are null unless the token's role is analyst.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, apiAccess } from '../../server/guards.ts';
import { AREA_LEVELS, parseFilters, ZAnalysisFiltersSchema } from '../analysis/filters.ts';
import { openWorkspace } from '../analysis/workspace.ts';
import { ALLOCATION_KEYS } from './agencies.ts';
import { ZReductionSchema } from './costs.schema.ts';
import { calculateCostsAvoided, getCostsView } from './costs.service.ts';
import { COST_CATEGORY_KEYS } from './unit-costs.data.ts';

const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const count = z.number().nullable().describe('null when suppressed (a small number, outside the analyst role)');
const ZMoney = z.object({
  base: z.number().nullable().describe('£, 2015/16 prices (the unit costs\' price base); null when suppressed'),
  today: z.number().nullable().describe('£, prices of the partnership\'s inflation index year; null when suppressed or when no index is set'),
});
const ZPrices = z.object({
  priceBase: z.literal('2015/16'),
  factor: z.number().nullable().describe('Multiplier from 2015/16 prices to today\'s (index ratio); null when the partnership has set no index'),
  label: z.string().nullable().describe('The financial year of today\'s prices'),
  source: z.string().nullable(),
});
const ZRule = z.object({
  key: z.string(), label: z.string(), treatment: z.enum(['total', 'note']), incidents: count,
  costedShare: z.number().describe('Share of the incidents with a unit cost, 0 to 1'), cost: ZMoney, mix: z.string(), basis: z.string().describe('The assumption the figure rests on'),
});

/** The costs-avoided query: the Home Office cost category and fall, with the workspace's period and areas. */
const ZAvoidedQuery = ZAnalysisFiltersSchema.pick({ from: true, to: true, area: true, source: true }).extend({
  category: z.enum(COST_CATEGORY_KEYS).describe('Home Office cost category, e.g. violence-with-injury'),
  reduction: ZReductionSchema,
});

async function checkedWorkspace(app: FastifyInstance, request: FastifyRequest, slug: string, query: unknown) {
  return openWorkspace(app.handle.db, await actorForSlug(request, slug), parseFilters(query));
}

export async function costsApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const db = app.handle.db;
  const errors = { 400: ZError, 401: ZError, 404: ZError };

  app.get('/api/v1/partnerships/:slug/costs', {
    preHandler: apiAccess('overview:read'),
    schema: {
      summary: 'Cost of crime by agency, incident type, Home Office cost category, partnership category and area (Home Office unit costs, 2015/16 and today\'s prices)',
      description: 'Police-recorded crime is costed at the Home Office unit costs (Economic and social costs of crime, second edition, 2018) by each incident type\'s rule; '
        + 'A&E attendances and other agencies\' lists are shown beside the total (besideTotal), not added, as they may be the same events. Unit costs that could not be verified are not used: those incidents are not costed.',
      tags: ['costs'], params: ZSlugParams,
      querystring: ZAnalysisFiltersSchema.extend({ level: z.enum(AREA_LEVELS).optional().describe('Area level of byArea (default: wards when they have population)') }),
      response: {
        200: z.object({
          partnership: z.string(), period: z.object({ from: z.string(), to: z.string() }), prices: ZPrices,
          suppression: z.object({ applied: z.boolean(), threshold: z.number() }),
          total: z.object({ incidents: count, costedIncidents: count, cost: ZMoney }),
          byAgency: z.array(z.object({ key: z.enum(ALLOCATION_KEYS as [string, ...string[]]), label: z.string(), cost: ZMoney, share: z.number().nullable() })),
          byRule: z.array(ZRule),
          byCostCategory: z.array(z.object({
            key: z.string(), label: z.string(), incidents: count, crimes: z.number().nullable().describe('Estimated crimes of this category (incidents × the rule\'s share)'),
            unit: ZMoney.describe('Unit cost; null when not verified'), cost: ZMoney, origin: z.enum(['published', 'partnership']), verified: z.boolean(), rounded: z.boolean(),
          })),
          byCategory: z.array(z.object({ key: z.string(), label: z.string(), incidents: count, costedIncidents: count, cost: ZMoney, costPerIncident: ZMoney })),
          byArea: z.object({
            level: z.enum(AREA_LEVELS), unplaced: count.describe('Costed incidents in no area of the level (no location)'),
            rows: z.array(z.object({ type: z.string(), code: z.string(), name: z.string(), costedIncidents: count, cost: ZMoney })),
          }),
          besideTotal: z.object({ incidents: count, cost: ZMoney, rows: z.array(ZRule) }),
          notes: z.array(z.string()),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const ws = await checkedWorkspace(app, request, request.params.slug, request.query);
    const v = await getCostsView(db, ws, request.query.level);
    return {
      partnership: v.partnership.slug, period: v.period, prices: { priceBase: v.priceBase, ...v.prices }, suppression: v.suppression,
      total: v.total, byAgency: v.byAgency, byRule: v.byRule, byCostCategory: v.byCostCategory, byCategory: v.byCategory, byArea: v.byArea,
      besideTotal: v.besideTotal, notes: v.notes,
    };
  });

  app.get('/api/v1/partnerships/:slug/costs/avoided', {
    preHandler: apiAccess('overview:read'),
    schema: {
      summary: 'Costs avoided: what a fall of `reduction` per cent in one Home Office cost category, in the chosen areas and period, would save each agency',
      tags: ['costs'], params: ZSlugParams, querystring: ZAvoidedQuery,
      response: {
        200: z.object({
          partnership: z.string(), period: z.object({ from: z.string(), to: z.string() }), prices: ZPrices,
          suppression: z.object({ applied: z.boolean(), threshold: z.number() }),
          category: z.string(), label: z.string(), reduction: z.number(),
          unitCost: z.number().nullable().describe('£ per crime, 2015/16 prices; null when not verified'),
          baseline: z.object({ incidents: count, crimes: z.number().nullable().describe('Estimated crimes of the category in the period') }),
          withheld: z.boolean().describe('true when the baseline is a small number and the result is withheld'),
          avoided: z.object({
            crimes: z.number(), total: ZMoney,
            byAgency: z.array(z.object({ key: z.string(), label: z.string(), base: z.number(), today: z.number().nullable() })),
          }).nullable(),
          basis: z.array(z.object({ label: z.string(), mix: z.string(), basis: z.string() })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const { category, reduction, ...filters } = request.query;
    const ws = await checkedWorkspace(app, request, request.params.slug, filters);
    const a = await calculateCostsAvoided(db, ws, { category, reduction });
    return {
      partnership: ws.partnership.slug, period: { from: ws.filters.from, to: ws.filters.to },
      prices: { priceBase: '2015/16' as const, factor: a.factor, label: a.priceLabel, source: a.priceSource },
      suppression: { applied: ws.suppress, threshold: ws.threshold },
      category: a.category, label: a.label, reduction: a.reduction, unitCost: a.unit.total, baseline: a.baseline, withheld: a.withheld,
      avoided: a.result ? { crimes: a.result.crimesAvoided, total: a.result.total, byAgency: a.result.byAgency } : null,
      basis: a.basis,
    };
  });
}
