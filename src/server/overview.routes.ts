import type { FastifyInstance } from 'fastify';
import { listAgreements } from '../modules/agreements/agreement.service.ts';
import { describeGeography } from '../modules/geography/geography.service.ts';
import { getSourceStatistics, listRecentUploads } from '../modules/ingestion/data.service.ts';
import { can } from '../shared/authorization.ts';
import { actorOf, pageAccess } from './guards.ts';
import { renderPage } from './render.ts';

export async function overviewRoutes(app: FastifyInstance) {
  const db = app.handle.db;
  app.get('/overview', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const actor = actorOf(request);
    const canSeeData = can(actor, 'data:read');
    const [sources, uploads, agreements, geography] = await Promise.all([
      canSeeData ? getSourceStatistics(db, actor) : [],
      canSeeData ? listRecentUploads(db, actor, 5) : [],
      can(actor, 'agreements:read') ? listAgreements(db, actor) : [],
      describeGeography(db, actor),
    ]);
    const latest = sources.reduce((max, s) => (s.last_month && s.last_month > max ? s.last_month : max), '');
    const late = sources.filter((s) => s.rows > 0 && s.last_month && s.last_month < latest);
    const empty = sources.filter((s) => s.rows === 0);
    const reviewDue = agreements.filter((a) => a.status === 'active' && a.reviewOverdue);
    const population = geography.lads.reduce((sum, l) => sum + (l.population ?? 0), 0);
    return renderPage(request, reply, 'overview.njk', {
      title: 'Overview', sources, uploads, agreements, reviewDue, late, empty, latest, geography, population,
      totalRows: sources.reduce((sum, s) => sum + s.rows, 0),
    });
  });
}
