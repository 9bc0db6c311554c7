/**
 * The family comparison as JSON: the same figures as the page, with the same suppression
 * (figures of 1 to threshold − 1 withheld unless the token's role is analyst).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, apiAccess } from '../../server/guards.ts';
import { ZFamilyQuerySchema } from './family.schema.ts';
import { familyComparison } from './family.service.ts';
import type { PeriodComparison } from './comparison.ts';
import type { Characteristics } from './similarity.ts';

const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const num = z.number().nullable();
const ZCharacteristics = z.object({
  population: num, areaKm2: num, density: num.describe('residents per km²'), deprivedShare: num.describe('share of residents in LSOAs in the most deprived 20% in England (IMD 2019)'),
  imdMeanRank: num.describe('population-weighted mean IMD 2019 rank, 1 = most deprived'), aged0to15: num, aged16to29: num, aged65plus: num,
});
const ZPeriod = z.object({ from: z.string().describe('first month, YYYY-MM'), to: z.string().describe('last month, YYYY-MM'), label: z.string() });
const ZPeriodComparison = z.object({
  period: ZPeriod,
  own: z.object({
    numerator: num.describe('null when withheld'), denominator: z.number(), rate: num, lower: num, upper: num, suppressed: z.boolean(),
    source: z.enum(['loaded', 'indicators']),
  }).nullable(),
  familyAverage: z.object({ value: z.number(), lower: num, upper: num, members: z.number() }).nullable().describe('mean of the members\' rates, with a 95% t interval'),
  rank: num.describe('1 = lowest rate among the partnership and the members with a figure'),
  rankedOf: z.number(),
  spread: z.object({ min: z.number(), lowerQuartile: z.number(), median: z.number(), upperQuartile: z.number(), max: z.number() }).nullable(),
  comparison: z.string().nullable().describe('better, similar, worse (or lower, similar, higher): the own 95% interval against the family average'),
  withheld: z.number().describe('members left out of the statistics because their figure is withheld'),
  members: z.array(z.object({ code: z.string(), name: z.string(), numerator: num, denominator: num, rate: num, suppressed: z.boolean() })),
});

const ZFamilyResponse = z.object({
  partnership: z.string(),
  suppression: z.object({ applied: z.boolean(), threshold: z.number() }),
  family: z.object({
    method: z.enum(['nearest', 'chosen']), k: z.number(), characteristics: z.array(z.string()), saved: z.boolean(), howChosen: z.string(),
    own: z.object({ name: z.string(), codes: z.array(z.string()), characteristics: ZCharacteristics }),
    members: z.array(z.object({ code: z.string(), name: z.string(), distance: num, characteristics: ZCharacteristics })),
  }),
  indicators: z.array(z.object({
    code: z.string(), label: z.string(), multiplier: z.number(),
    latest: ZPeriodComparison.nullable(),
    trend: z.array(ZPeriodComparison).describe('periods of the main kind (calendar or financial years), oldest first'),
    periods: z.array(ZPeriodComparison).describe('every period with a figure'),
    change: z.object({
      from: ZPeriod, to: ZPeriod, compared: z.number(), up: z.number(), down: z.number(), unchanged: z.number(), shareUp: num,
      ownChange: num, familyAverageChange: num, statement: z.string(),
    }).nullable(),
  })),
  definitions: z.record(z.string(), z.string()),
  notes: z.array(z.string()),
});

const period = (p: PeriodComparison) => ({ ...p, period: { from: p.period.from, to: p.period.to, label: p.period.label } });
const characteristics = (c: Characteristics) => ({ ...c });

export async function familyApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const db = app.handle.db;

  app.get('/api/v1/partnerships/:slug/family', {
    preHandler: apiAccess('overview:read'),
    schema: {
      summary: 'The partnership against its most similar partnerships (family): members and distances, and per indicator and period the family average, rank, spread and change',
      description: 'Family average: the mean of the members\' rates (each member counts once, as the Home Office most similar group average). Rank: 1 = lowest rate. Comparison: the own 95% interval (Byar) wholly above or below the family average.',
      tags: ['family'], params: z.object({ slug: z.string().max(63) }), querystring: ZFamilyQuerySchema,
      response: { 200: ZFamilyResponse, 400: ZError, 401: ZError, 404: ZError },
    },
  }, async (request) => {
    const actor = await actorForSlug(request, request.params.slug);
    const c = await familyComparison(db, actor, request.query);
    const f = c.family;
    return {
      partnership: c.partnership.slug,
      suppression: { applied: c.suppression.suppress, threshold: c.suppression.threshold },
      family: {
        method: f.definition.method, k: f.definition.k, characteristics: f.definition.characteristics, saved: f.definition.saved, howChosen: f.howChosen,
        own: { name: f.own.name, codes: f.own.codes, characteristics: characteristics(f.own.characteristics) },
        members: f.members.map((m) => ({ code: m.code, name: m.name, distance: m.distance, characteristics: characteristics(m.characteristics) })),
      },
      indicators: c.indicators.map((i) => ({
        code: i.code, label: i.label, multiplier: i.multiplier, latest: i.latest ? period(i.latest) : null,
        trend: i.trend.map(period), periods: i.periods.map(period), change: i.change,
      })),
      definitions: c.definitions, notes: c.notes,
    };
  });
}
