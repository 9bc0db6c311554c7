import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { eachUploadedFile } from '../../server/multipart.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { can } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import type { RowProblem } from '../ingestion/incident.types.ts';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { countAliasesByStatus } from './venues.repository.ts';
import { NIGHT_HOURS, rankingCsv, WITHHELD } from './venue-ranking.ts';
import { ZVenueDecisionFormSchema, ZVenuePeriodSchema } from './venues.schema.ts';
import {
  countNewDescriptions, decideVenueMatch, getPremisesRegister, getReviewQueue, getVenueRanking, importPremisesRegister, matchVenueDescriptions,
  type RegisterImportResult,
} from './venues.service.ts';
import { venuesApi } from './venues.api.ts';

type FormBody = Record<string, string | undefined>;

/** Decisions are made a page at a time; the rest wait below the fold of the next visit. */
const REVIEW_PAGE_SIZE = 50;
const HOUR_LABELS = NIGHT_HOURS.map((h) => `${String(h).padStart(2, '0')}:00`);
const ZFlashQuery = z.object({
  added: z.coerce.number().int().min(0).optional(),
  updated: z.coerce.number().int().min(0).optional(),
  removed: z.coerce.number().int().min(0).optional(),
  restored: z.coerce.number().int().min(0).optional(),
  matched: z.coerce.number().int().min(0).optional(),
  review: z.coerce.number().int().min(0).optional(),
  decided: z.string().max(1000).optional(),
});

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;

function importFlash(q: z.infer<typeof ZFlashQuery>): string | undefined {
  if (q.added === undefined) return undefined;
  const parts = [`${plural(q.added, 'premises', 'premises')} added`, `${(q.updated ?? 0).toLocaleString('en-GB')} updated`];
  if (q.restored) parts.push(`${q.restored} back on the register`);
  if (q.removed) parts.push(`${q.removed} no longer listed (kept, marked removed)`);
  return `Register imported: ${parts.join(', ')}. Matching found ${plural(q.matched ?? 0, 'description')} for premises and ${plural(q.review ?? 0, 'description')} to review.`;
}

function importRedirect(result: RegisterImportResult): string {
  const q = new URLSearchParams({
    added: String(result.added), updated: String(result.updated), removed: String(result.removed), restored: String(result.restored),
    matched: String(result.matching.matched), review: String(result.matching.review),
  });
  return `/analysis/venues/register?${q.toString()}`;
}

/** The sub-navigation between the venues pages; people who cannot manage venues see only the ranking. */
function venueTabs(request: FastifyRequest, active: 'ranking' | 'review' | 'register', reviewCount?: number) {
  const tabs = [{ href: '/analysis/venues', text: 'Ranking', active: active === 'ranking' }];
  if (request.actor && can(request.actor, 'venues:manage')) {
    tabs.push({ href: '/analysis/venues/review', text: reviewCount ? `Matches to review (${reviewCount})` : 'Matches to review', active: active === 'review' });
    tabs.push({ href: '/analysis/venues/register', text: 'Licensed-premises register', active: active === 'register' });
  }
  return tabs;
}

export async function venuesRoutes(app: FastifyInstance) {
  const db = app.handle.db;
  await app.register(venuesApi);

  const reviewCount = async (request: FastifyRequest) => {
    const actor = actorOf(request);
    return can(actor, 'venues:manage') ? (await countAliasesByStatus(db, actor.partnershipId)).review ?? 0 : 0;
  };
  const newDescriptions = async (request: FastifyRequest) => {
    const actor = actorOf(request);
    return can(actor, 'venues:manage') ? countNewDescriptions(db, actor) : 0;
  };

  app.get('/analysis/venues', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const actor = actorOf(request);
    const query = request.query as FormBody;
    const period = ZVenuePeriodSchema.safeParse({ from: query.from, to: query.to });
    const errors = period.success ? [] : formErrors(period.error.issues);
    const ranking = await getVenueRanking(db, actor, period.success ? period.data : {});
    const values = period.success ? { from: ranking.period?.from, to: ranking.period?.to } : { from: query.from, to: query.to };
    const csvQuery = ranking.period ? `?from=${ranking.period.from}&to=${ranking.period.to}` : '';
    return renderPage(request, reply, 'venues/ranking.njk', {
      title: 'Venues: assaults at licensed premises', ranking, values, errors, hourLabels: HOUR_LABELS, withheld: WITHHELD, csvHref: `/analysis/venues/licensing-review.csv${csvQuery}`,
      tabs: venueTabs(request, 'ranking', await reviewCount(request)), newDescriptions: await newDescriptions(request),
    }, errors.length ? 400 : 200);
  });

  app.get('/analysis/venues/licensing-review.csv', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const period = ZVenuePeriodSchema.parse(request.query);
    const ranking = await getVenueRanking(db, actorOf(request), period);
    const name = ranking.period ? `venues-${ranking.period.from}-to-${ranking.period.to}.csv` : 'venues.csv';
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return reply.type('text/csv; charset=utf-8').send(rankingCsv(ranking));
  });

  const showReview = async (request: FastifyRequest, reply: FastifyReply, errors: Array<{ text: string; href: string; field: string }> = [], flash?: string) => {
    const queue = await getReviewQueue(db, actorOf(request));
    return renderPage(request, reply, 'venues/review.njk', {
      title: 'Matches to review', ...queue, items: queue.items.slice(0, REVIEW_PAGE_SIZE), waiting: queue.items.length, errors, flash, withheld: WITHHELD,
      newDescriptions: await newDescriptions(request),
      tabs: venueTabs(request, 'review', queue.items.length),
    }, errors.length ? 400 : 200);
  };

  app.get('/analysis/venues/review', { preHandler: pageAccess('venues:manage') }, async (request, reply) => {
    const q = ZFlashQuery.parse(request.query);
    let flash: string | undefined;
    if (q.decided) flash = `Saved your decision for “${q.decided}”.`;
    else if (q.matched !== undefined) flash = `Matching finished: ${plural(q.matched, 'description')} matched to premises, ${plural(q.review ?? 0, 'description')} to review.`;
    return showReview(request, reply, [], flash);
  });

  app.post('/analysis/venues/review', { preHandler: pageAccess('venues:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      const decision = ZVenueDecisionFormSchema.parse(body);
      const saved = await decideVenueMatch(db, actorOf(request), decision);
      return reply.redirect(`/analysis/venues/review?decided=${encodeURIComponent(saved.description_norm)}`);
    } catch (error) {
      if (error instanceof ZodError) {
        return showReview(request, reply, error.issues.map((i) => ({ text: i.message, href: '#review-queue', field: String(i.path[0] ?? 'choice') })));
      }
      throw error;
    }
  });

  app.post('/analysis/venues/match', { preHandler: pageAccess('venues:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const summary = await matchVenueDescriptions(db, actorOf(request));
    return reply.redirect(`/analysis/venues/review?matched=${summary.matched}&review=${summary.review}`);
  });

  const showRegister = async (request: FastifyRequest, reply: FastifyReply, options: { problems?: RowProblem[]; message?: string; flash?: string | undefined } = {}) => {
    const register = await getPremisesRegister(db, actorOf(request));
    const errors = options.message ? [{ text: options.message, href: '#register', field: 'register' }] : [];
    return renderPage(request, reply, 'venues/register.njk', {
      title: 'Licensed-premises register', ...register, errors, problems: options.problems ?? [], flash: options.flash,
      tabs: venueTabs(request, 'register', register.statuses.review ?? 0),
    }, options.message ? 422 : 200);
  };

  app.get('/analysis/venues/register', { preHandler: pageAccess('venues:manage') }, async (request, reply) => {
    return showRegister(request, reply, { flash: importFlash(ZFlashQuery.parse(request.query)) });
  });

  // Multipart: the CSRF token travels in the query string, because the body is streamed.
  app.post('/analysis/venues/register', { preHandler: [pageAccess('venues:manage'), app.csrfProtection] }, async (request, reply) => {
    let result: RegisterImportResult | null = null;
    try {
      await eachUploadedFile(request, async ({ stream, fileName }) => {
        if (result !== null) {
          stream.resume();
          throw new LanternError('invalid-input', 'Upload one register at a time: the register is the whole list of licensed premises.');
        }
        result = await importPremisesRegister(db, actorOf(request), { fileName, input: stream });
      });
    } catch (error) {
      if (error instanceof FileRefusedError) return showRegister(request, reply, { problems: error.problems, message: error.message });
      if (error instanceof LanternError && (error.code === 'file-refused' || error.code === 'invalid-input')) {
        return showRegister(request, reply, { problems: (error.details as RowProblem[] | undefined) ?? [], message: error.message });
      }
      throw error;
    }
    return reply.redirect(importRedirect(result!));
  });
}
