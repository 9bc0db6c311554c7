import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, actorOf, apiAccess } from '../../server/guards.ts';
import { LanternError } from '../../shared/errors.ts';
import { NIGHT_HOURS } from './venue-ranking.ts';
import { ZMatchSummarySchema, ZRegisterImportSchema, ZReviewQueueSchema, ZVenueDecisionSchema, ZVenueRankingSchema } from './venues.schema.ts';
import { decideVenueMatch, getReviewQueue, getVenueRanking, importPremisesRegister, matchVenueDescriptions } from './venues.service.ts';

const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export async function venuesApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  // The register arrives as the raw body and is read as it streams.
  app.addContentTypeParser(['text/csv', 'application/csv'], (_request, payload, done) => done(null, payload));

  app.get('/api/v1/partnerships/:slug/venues', {
    preHandler: apiAccess('overview:read'),
    schema: {
      summary: 'Licensed premises ranked by the A&E assault attendances matched to them, with each one\'s time-of-night profile (Cardiff Model)',
      description: 'Counts from 1 to the partnership\'s suppression threshold − 1 are withheld (null) unless the token\'s role is analyst.',
      tags: ['venues'], params: ZSlugParams,
      querystring: z.object({
        from: month.optional().describe('First month, YYYY-MM; by default 11 months before `to`'),
        to: month.optional().describe('Last month, YYYY-MM; by default the latest month of A&E data'),
      }),
      response: { 200: ZVenueRankingSchema, 400: ZError, 404: ZError },
    },
  }, async (request) => {
    await actorForSlug(request, request.params.slug);
    const ranking = await getVenueRanking(app.handle.db, actorOf(request), request.query);
    return {
      partnership: request.params.slug,
      period: ranking.period,
      suppressed: ranking.suppressed,
      threshold: ranking.threshold,
      totalAttendances: ranking.total.value,
      allAttendances: ranking.allAttendances.value,
      premisesWithoutAttendances: ranking.premisesWithout,
      venues: ranking.venues.map((v) => ({
        premisesId: v.premisesId, name: v.name, address: v.address, postcode: v.postcode, licensedHours: v.licensedHours, onRegister: !v.removed,
        attendances: v.attendances.value, share: v.share, fridaySaturdayShare: v.fridaySaturdayShare, peakHours: v.peakHours,
        night: v.night.map((cell, i) => ({ hour: NIGHT_HOURS[i]!, attendances: cell.value })),
      })),
    };
  });

  app.get('/api/v1/partnerships/:slug/venues/review', {
    preHandler: apiAccess('venues:manage'),
    schema: {
      summary: 'A&E location descriptions the matcher was unsure of, with the premises they might mean', tags: ['venues'], params: ZSlugParams,
      response: { 200: ZReviewQueueSchema, 404: ZError },
    },
  }, async (request) => {
    await actorForSlug(request, request.params.slug);
    const queue = await getReviewQueue(app.handle.db, actorOf(request));
    return {
      partnership: request.params.slug,
      items: queue.items.map((item) => ({
        description: item.description, examples: item.examples, attendances: item.attendances.value,
        candidates: item.candidates.map((c) => ({ premisesId: c.premisesId, name: c.name, address: c.address, postcode: c.postcode, score: c.score })),
      })),
    };
  });

  app.post('/api/v1/partnerships/:slug/venues/review', {
    preHandler: apiAccess('venues:manage'),
    schema: {
      summary: 'Decide what a location description means: one premises, or no licensed premises (null). Matching never overrides it.', tags: ['venues'],
      params: ZSlugParams, body: ZVenueDecisionSchema,
      response: { 200: z.object({ description: z.string(), status: z.enum(['confirmed', 'rejected']), premisesId: z.number().int().nullable() }), 404: ZError },
    },
  }, async (request) => {
    await actorForSlug(request, request.params.slug);
    const saved = await decideVenueMatch(app.handle.db, actorOf(request), request.body);
    return { description: saved.description_norm, status: saved.status as 'confirmed' | 'rejected', premisesId: saved.premises_id };
  });

  app.post('/api/v1/partnerships/:slug/venues/match', {
    preHandler: apiAccess('venues:manage'),
    schema: {
      summary: 'Match new A&E location descriptions to the licensed-premises register', tags: ['venues'], params: ZSlugParams,
      querystring: z.object({ rescore: z.enum(['true', 'false']).default('false').describe('Also score again every description the matcher (not a person) decided before') }),
      response: { 200: ZMatchSummarySchema, 404: ZError },
    },
  }, async (request) => {
    await actorForSlug(request, request.params.slug);
    return matchVenueDescriptions(app.handle.db, actorOf(request), { rescore: request.query.rescore === 'true' });
  });

  app.post('/api/v1/partnerships/:slug/venues/register', {
    preHandler: apiAccess('venues:manage'),
    schema: {
      summary: 'Import the licensed-premises register (CSV: name, address, postcode, longitude, latitude, licensed hours); all rows or none', tags: ['venues'],
      params: ZSlugParams, querystring: z.object({ fileName: z.string().max(255).default('licensed-premises.csv') }), consumes: ['text/csv'],
      body: z.any().describe('The register, sent as the raw request body (text/csv)'),
      response: { 200: ZRegisterImportSchema, 404: ZError, 422: ZError },
    },
  }, async (request) => {
    await actorForSlug(request, request.params.slug);
    const body = request.body as Readable | undefined;
    if (!body || typeof body[Symbol.asyncIterator] !== 'function') throw new LanternError('invalid-input', 'Send the register as the request body, with Content-Type: text/csv.');
    return importPremisesRegister(app.handle.db, actorOf(request), { fileName: request.query.fileName, input: body });
  });
}
