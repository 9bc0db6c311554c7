/**
 * The outcome indicators as JSON. Same figures and suppression as the pages: counts from
 * 1 to the partnership's threshold − 1 are null, with their rates and limits, unless the
 * token's role is analyst.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, apiAccess } from '../../server/guards.ts';
import { AREA_LEVELS } from '../analysis/filters.ts';
import { indicatorDetail, indicatorReport, type IndicatorReport, type IndicatorReportOptions, type IndicatorResult } from './indicators.service.ts';
import { parseBenchmark, ZPeriodParam } from './indicators.schema.ts';

const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const COMPARISONS = ['better', 'similar', 'worse', 'lower', 'higher'] as const;
const limit = z.number().nullable();

const ZQuery = z.object({
  period: ZPeriodParam.optional().describe('First and last month, YYYY-MM..YYYY-MM (default: the latest twelve months every counted source holds)'),
  area: z.string().regex(/^(lad|ward|lsoa21|lsoa11|msoa21|neighbourhood):[A-Za-z0-9_-]{1,40}$/, 'Area must be type:code, for example ward:E05000001').optional()
    .describe('The area to give figures for, as type:code (default: the whole partnership)'),
  type: z.enum(AREA_LEVELS).optional().describe('Type of the areas compared (default: wards when they have residents)'),
  benchmark: z.string().max(60).optional()
    .describe('partnership (default), parent:lad / parent:ward / parent:msoa21 / parent:neighbourhood (the area containing each), or value:<number> in the indicator\'s units'),
});

const ZBenchmark = z.object({ kind: z.enum(['partnership', 'parent', 'value', 'family']), label: z.string(), value: z.number().nullable() });
const ZFigure = z.object({
  type: z.string().describe('partnership, or the area type'), code: z.string(), name: z.string(),
  numerator: z.number().nullable().describe('null when suppressed (a small number, outside the analyst role)'),
  denominator: z.number().nullable().describe('Residents'),
  value: limit, lower95: limit, upper95: limit, lower998: limit, upper998: limit,
  benchmark: ZBenchmark,
  comparison95: z.enum(COMPARISONS).nullable().describe('Against the benchmark at 95%: better / similar / worse, or lower / similar / higher without polarity; null when not compared'),
  comparison998: z.enum(COMPARISONS).nullable().describe('The same at 99.8%'),
  missing: z.enum(['suppressed', 'no-population']).nullable(),
});
const ZIndicator = z.object({
  code: z.string(), name: z.string(), multiplier: z.number().describe('Value = numerator / denominator × multiplier'),
  polarity: z.enum(['low-is-good', 'high-is-good', 'none']), builtIn: z.boolean(), standardisation: z.enum(['crude', 'esp2013']).describe('esp2013: the published indicator is age-standardised; see notes for what Lantern gives'),
  available: z.boolean(), unavailableReason: z.string().nullable(), sources: z.array(z.string()),
  note: z.string(), notes: z.array(z.string()), missingMonths: z.array(z.object({ source: z.string(), months: z.array(z.string()) })),
});
const ZMeta = {
  partnership: z.string(), period: z.object({ from: z.string(), to: z.string(), months: z.number() }), areaType: z.enum(AREA_LEVELS),
  area: z.object({ type: z.string(), code: z.string(), name: z.string() }).nullable(),
  benchmark: z.object({ kind: z.string(), label: z.string() }), suppression: z.object({ applied: z.boolean(), threshold: z.number() }), notes: z.array(z.string()),
};

function optionsOf(query: z.output<typeof ZQuery>): Omit<IndicatorReportOptions, 'codes'> {
  const [from, to] = query.period ? query.period.split('..') as [string, string] : [undefined, undefined];
  return { ...(from ? { from, to } : {}), ...(query.area ? { area: query.area } : {}), ...(query.type ? { areaType: query.type } : {}), benchmark: parseBenchmark(query.benchmark) };
}

const meta = (r: IndicatorReport) => ({
  partnership: r.partnership.slug, period: r.period, areaType: r.areaType, area: r.area, benchmark: { kind: r.benchmark.kind, label: r.benchmark.label },
  suppression: r.suppression, notes: r.notes,
});
const describe = (i: IndicatorResult) => ({
  code: i.code, name: i.name, multiplier: i.multiplier, polarity: i.polarity, builtIn: i.builtIn, standardisation: i.standardisation,
  available: i.available, unavailableReason: i.unavailableReason, sources: i.sources, note: i.note, notes: i.notes, missingMonths: i.missingMonths,
});
const EMPTY = { numerator: null, denominator: null, value: null, lower95: null, upper95: null, lower998: null, upper998: null, benchmark: null, comparison95: null, comparison998: null };

export async function indicatorsApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const db = app.handle.db;
  const errors = { 400: ZError, 401: ZError, 404: ZError };

  app.get('/api/v1/partnerships/:slug/indicators', {
    preHandler: apiAccess('overview:read'),
    schema: {
      params: ZSlugParams, tags: ['indicators'], querystring: ZQuery,
      summary: 'Every outcome indicator (PHOF B12a, B12b, B12c, ASB and the partnership\'s own) for the partnership or one area, with 95% and 99.8% limits and the comparison with a benchmark',
      description: 'Rates are crude rates per 1,000 or 100,000 residents with Byar\'s limits (exact Poisson below ten events). The comparison is Fingertips\': better or worse (lower or higher without polarity) only when the whole interval lies on one side of the benchmark. An indicator the shared data cannot give is listed with available false and the reason, never with a number.',
      response: {
        200: z.object({
          ...ZMeta,
          indicators: z.array(ZIndicator.extend({
            numerator: z.number().nullable(), denominator: z.number().nullable(), value: limit, lower95: limit, upper95: limit, lower998: limit, upper998: limit,
            benchmark: ZBenchmark.nullable(), comparison95: z.enum(COMPARISONS).nullable(), comparison998: z.enum(COMPARISONS).nullable(),
          })),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const actor = await actorForSlug(request, request.params.slug);
    const report = await indicatorReport(db, actor, { ...optionsOf(request.query), trend: false });
    return {
      ...meta(report),
      indicators: report.indicators.map((i) => {
        const f = report.area ? i.selected : i.partnership;
        return {
          ...describe(i),
          ...(f ? { numerator: f.numerator, denominator: f.denominator, value: f.value, lower95: f.lower95, upper95: f.upper95, lower998: f.lower998, upper998: f.upper998, benchmark: f.benchmark, comparison95: f.comparison95, comparison998: f.comparison998 } : EMPTY),
        };
      }),
    };
  });

  app.get('/api/v1/partnerships/:slug/indicators/:code', {
    preHandler: apiAccess('overview:read'),
    schema: {
      params: ZSlugParams.extend({ code: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,19}$/) }), tags: ['indicators'],
      querystring: ZQuery.extend({ trend: z.enum(['rolling', 'year', 'none']).default('rolling').describe('Twelve-month periods ending each month (rolling), a year apart (year), or none') }),
      summary: 'One indicator for the partnership and every area of a type, with limits, comparisons and its trend',
      response: {
        200: z.object({
          ...ZMeta,
          indicator: ZIndicator.extend({
            partnership: ZFigure.nullable(), selected: ZFigure.nullable(), areas: z.array(ZFigure),
            spread: z.object({ areas: z.number(), min: z.number(), q1: z.number(), median: z.number(), q3: z.number(), max: z.number() }).nullable(),
            trend: z.object({
              mode: z.enum(['rolling', 'year']), place: z.string(), benchmarkLabel: z.string().nullable(),
              points: z.array(z.object({
                label: z.string(), from: z.string(), to: z.string(), numerator: z.number().nullable(), value: limit, lower95: limit, upper95: limit, lower998: limit, upper998: limit,
                benchmark: limit, comparison95: z.enum(COMPARISONS).nullable(), complete: z.boolean(),
              })),
            }).nullable(),
          }),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const actor = await actorForSlug(request, request.params.slug);
    const { trend } = request.query;
    const report = await indicatorDetail(db, actor, request.params.code, { ...optionsOf(request.query), trend: trend === 'none' ? false : trend });
    const i = report.indicator;
    return {
      ...meta(report),
      indicator: {
        ...describe(i), partnership: i.partnership, selected: i.selected, areas: i.areas,
        spread: i.spread, trend: i.trend,
      },
    };
  });
}
