import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { analysisApi } from '../modules/analysis/analysis.api.ts';
import { analysisRoutes } from '../modules/analysis/analysis.routes.ts';
import { agreementRoutes } from '../modules/agreements/agreement.routes.ts';
import { geographyRoutes } from '../modules/geography/geography.routes.ts';
import { dataRoutes } from '../modules/ingestion/data.routes.ts';
import { mappingRoutes } from '../modules/ingestion/mapping.routes.ts';
import { ingestionApi } from '../modules/ingestion/ingestion.api.ts';
import { adminRoutes } from '../modules/partnerships/admin.routes.ts';
import { venuesRoutes } from '../modules/venues/venues.routes.ts';
import { familyRoutes } from '../modules/family/family.routes.ts';
import { indicatorsRoutes } from '../modules/indicators/indicators.routes.ts';
import { indicatorsApi } from '../modules/indicators/indicators.api.ts';
import { costsRoutes } from '../modules/costs/costs.routes.ts';
import { assessmentApi } from '../modules/assessments/assessment.api.ts';
import { assessmentRoutes } from '../modules/assessments/assessment.routes.ts';
import { overviewRoutes } from './overview.routes.ts';
import { sessionRoutes } from './session.routes.ts';

export async function registerRoutes(app: FastifyInstance, options: { secureCookies: boolean; signInAttempts: number }) {
  await app.register(sessionRoutes, options);
  await app.register(overviewRoutes);
  await app.register(analysisRoutes);
  await app.register(mappingRoutes);
  await app.register(dataRoutes);
  await app.register(agreementRoutes);
  await app.register(adminRoutes);
  await app.register(geographyRoutes);
  await app.register(ingestionApi);
  await app.register(analysisApi);
  await app.register(venuesRoutes);
  await app.register(familyRoutes);
  await app.register(indicatorsRoutes);
  await app.register(indicatorsApi);
  await app.register(costsRoutes);
  await app.register(assessmentRoutes);
  await app.register(assessmentApi);

  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/v1/health', {
    schema: { summary: 'Whether the app and its database are up', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok'), database: z.literal('up') }), 503: z.object({ status: z.literal('unavailable'), database: z.literal('down') }) } },
  }, async (_request, reply) => {
    try {
      await sql`SELECT 1`.execute(app.handle.db);
      return { status: 'ok' as const, database: 'up' as const };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: 'down' });
    }
  });
  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
