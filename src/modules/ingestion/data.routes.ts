import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { listDatasetsOpenToAgency } from '../agreements/agreement.service.ts';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { renderPage } from '../../server/render.ts';
import { eachUploadedFile } from '../../server/multipart.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { getSourceDetail, getSourceStatistics, getUploadReport, listRecentUploads, listSources, withdrawUpload } from './data.service.ts';
import { importFile, type ImportResult } from './import.service.ts';
import { ZUploadFieldsSchema, feedOptionsFromFields, SOURCE_KIND_LABELS } from './upload.schema.ts';

export async function dataRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  app.get('/data', { preHandler: pageAccess('data:read') }, async (request, reply) => {
    const actor = actorOf(request);
    const [sources, uploads] = await Promise.all([getSourceStatistics(db, actor), listRecentUploads(db, actor, 15)]);
    return renderPage(request, reply, 'data/index.njk', { title: 'Data', sources, uploads, kindLabels: SOURCE_KIND_LABELS });
  });

  app.get('/data/sources/:slug', { preHandler: pageAccess('data:read') }, async (request, reply) => {
    const { slug } = z.object({ slug: z.string().max(64) }).parse(request.params);
    const detail = await getSourceDetail(db, actorOf(request), slug);
    return renderPage(request, reply, 'data/source.njk', { title: detail.source.name, ...detail, kindLabels: SOURCE_KIND_LABELS });
  });

  app.get('/data/uploads/:id', { preHandler: pageAccess('data:read') }, async (request, reply) => {
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(request.params);
    const report = await getUploadReport(db, actorOf(request), id);
    return renderPage(request, reply, 'data/upload-report.njk', { title: `Upload: ${report.upload.file_name}`, ...report });
  });

  // The row-by-row report as a spreadsheet, so a sender can work through it beside the file.
  app.get('/data/uploads/:id/problems.csv', { preHandler: pageAccess('data:read') }, async (request, reply) => {
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(request.params);
    const { upload, quarantined } = await getUploadReport(db, actorOf(request), id);
    const report = upload.report as { problems?: Array<{ line: number; field: string; reason: string }> };
    const listed = report.problems ?? quarantined.flatMap((q) => q.problems as Array<{ line: number; field: string; reason: string }>);
    reply.header('content-disposition', `attachment; filename="upload-${id}-problems.csv"`);
    return reply.type('text/csv; charset=utf-8').send(csvRows(['line', 'field', 'reason'], listed.map((p) => [p.line, p.field, p.reason])));
  });

  app.post('/data/uploads/:id/withdraw', { preHandler: pageAccess('data:upload'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { id } = z.object({ id: z.coerce.number().int().positive() }).parse(request.params);
    await withdrawUpload(db, actorOf(request), id);
    return reply.redirect(`/data/uploads/${id}`);
  });

  app.get('/data/upload', { preHandler: pageAccess('data:upload') }, async (request, reply) => {
    const actor = actorOf(request);
    const [sources, open] = await Promise.all([listSources(db, actor), listDatasetsOpenToAgency(db, actor)]);
    const query = request.query as { kind?: string };
    return renderPage(request, reply, 'data/upload.njk', {
      title: 'Upload data', kind: query.kind ?? 'police-uk', genericSources: sources.filter((s) => s.kind === 'incidents'), open,
    });
  });

  // Multipart: the CSRF token travels in a header (the upload script) or the query string
  // (the same form without JavaScript), because the body is streamed, not parsed up front.
  app.post('/data/upload', { preHandler: [pageAccess('data:upload'), app.csrfProtection] }, async (request, reply) => {
    const results = await importMultipart(app, request);
    const wantsJson = (request.headers.accept ?? '').includes('application/json');
    if (wantsJson) {
      return reply.send({ results: results.map((r) => ({ ...r, problems: r.problems.slice(0, 50), reportUrl: `/data/uploads/${r.uploadId}` })) });
    }
    if (results.length === 1) return reply.redirect(`/data/uploads/${results[0]!.uploadId}`);
    return renderPage(request, reply, 'data/upload-results.njk', { title: 'Upload results', results });
  });
}

/** Imports each file of the form in turn, as it streams in, each in its own transaction. */
async function importMultipart(app: FastifyInstance, request: FastifyRequest): Promise<ImportResult[]> {
  const actor = actorOf(request);
  const results: ImportResult[] = [];
  await eachUploadedFile(request, async ({ stream, fileName, fields }) => {
    const form = ZUploadFieldsSchema.parse(fields);
    results.push(await importFile(app.handle, {
      actor, partnershipId: actor.partnershipId, kind: form.kind, sourceSlug: form.source || undefined, fileName,
      input: stream, mode: form.mode, channel: 'web', feed: feedOptionsFromFields(form, fileName),
    }));
  });
  return results;
}
