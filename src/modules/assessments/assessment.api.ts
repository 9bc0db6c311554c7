/** Strategic assessments for scripts and other systems: what is published, and its files. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorForSlug, apiAccess } from '../../server/guards.ts';
import { can } from '../../shared/authorization.ts';
import { getPublishedFile, listAssessmentsFor } from './assessment.service.ts';

const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZFileParams = ZSlugParams.extend({ id: z.coerce.number().int().min(1), version: z.coerce.number().int().min(1), format: z.enum(['html', 'pdf']) });

const ZAssessment = z.object({
  id: z.number(), title: z.string(), template: z.enum(['strategic-assessment', 'violence-problem-profile']),
  period: z.object({ from: z.string(), to: z.string() }),
  latestVersion: z.number().nullable().describe('Only for tokens that may edit assessments; null otherwise'),
  published: z.object({ version: z.number(), at: z.string(), html: z.string(), pdf: z.string() }).nullable(),
});

export async function assessmentApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const db = app.handle.db;

  app.get('/api/v1/partnerships/:slug/assessments', {
    preHandler: apiAccess('overview:read'),
    schema: {
      params: ZSlugParams, tags: ['assessments'], summary: 'Strategic assessments and problem profiles: every published one (and, for editors, drafts), with links to the published HTML and PDF',
      response: { 200: z.object({ partnership: z.string(), assessments: z.array(ZAssessment) }), 401: ZError, 404: ZError },
    },
  }, async (request) => {
    const { slug } = request.params;
    const actor = await actorForSlug(request, slug);
    const list = await listAssessmentsFor(db, actor);
    const editor = can(actor, 'assessments:edit');
    return {
      partnership: slug,
      assessments: list.map((a) => {
        const file = (format: string) => `/api/v1/partnerships/${slug}/assessments/${a.id}/versions/${a.published_version}/document.${format}`;
        return {
          id: a.id, title: a.title, template: a.template, period: { from: a.period_from.slice(0, 7), to: a.period_to.slice(0, 7) },
          latestVersion: editor ? a.latest_version : null,
          published: a.published_version !== null ? { version: a.published_version, at: a.published_at!.toISOString(), html: file('html'), pdf: file('pdf') } : null,
        };
      }),
    };
  });

  app.get('/api/v1/partnerships/:slug/assessments/:id/versions/:version/document.:format', {
    preHandler: apiAccess('overview:read'),
    schema: { params: ZFileParams, tags: ['assessments'], summary: 'A published version of an assessment as HTML or PDF (drafts are never served)' },
  }, async (request, reply) => {
    const { slug, id, version, format } = request.params;
    const file = await getPublishedFile(db, await actorForSlug(request, slug), id, version, format);
    reply.header('content-disposition', `attachment; filename="${file.name}"`);
    return reply.type(file.type).send(file.body);
  });
}
