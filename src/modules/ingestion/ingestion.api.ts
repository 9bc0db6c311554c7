import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorForSlug, actorOf, apiAccess } from '../../server/guards.ts';
import { getSourceStatistics, getUploadReport } from './data.service.ts';
import { importFile } from './import.service.ts';

import { saveColumnMapping, ZSourceMappingSchema } from './mapping.service.ts';

const ZSlugParams = z.object({ slug: z.string().max(63) });
const ZMode = z.enum(['all-or-nothing', 'quarantine']).default('all-or-nothing').describe('all-or-nothing refuses the whole file if any row is invalid; quarantine imports the valid rows and keeps the rest aside');
const ZProblem = z.object({ line: z.number(), field: z.string(), reason: z.string() });
const ZImportResult = z.object({
  uploadId: z.number(), status: z.enum(['imported', 'refused']), fileName: z.string(), source: z.string(), encoding: z.string().nullable(),
  rows: z.number(), imported: z.number(), replaced: z.number(), rejected: z.number(), quarantined: z.number(),
  withoutLocation: z.number(), outsideArea: z.number(), months: z.array(z.string()), problems: z.array(ZProblem), problemCount: z.number(),
  findings: z.array(z.object({ kind: z.string(), summary: z.string(), rowCount: z.number() }).passthrough()), message: z.string(),
});
const ZError = z.object({ error: z.string(), message: z.string(), details: z.unknown().optional() });
const FILE_TYPES = ['text/csv', 'application/csv', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

export async function ingestionApi(appBase: FastifyInstance) {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  // Files are streamed straight into the importer, never buffered whole.
  app.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload));
  const fileBody = { description: 'The file, sent as the raw request body (text/csv, or the XLSX media type for spreadsheets)' };
  const uploadResponses = { 200: ZImportResult, 403: ZError, 404: ZError, 422: ZError };

  app.post('/api/v1/partnerships/:slug/uploads/police-uk', {
    preHandler: apiAccess('data:upload'),
    schema: {
      summary: 'Upload one police.uk street-level crime CSV file', tags: ['uploads'], params: ZSlugParams,
      querystring: z.object({ fileName: z.string().max(255).default('upload.csv'), mode: ZMode }), consumes: ['text/csv'], body: z.any().describe(fileBody.description), response: uploadResponses,
    },
  }, async (request) => {
    const partnershipId = (await actorForSlug(request, request.params.slug)).partnershipId;
    return importFile(app.handle, { actor: actorOf(request), partnershipId, kind: 'police-uk', fileName: request.query.fileName, input: request.body as Readable, mode: request.query.mode, channel: 'api' });
  });

  app.post('/api/v1/partnerships/:slug/uploads/istv', {
    preHandler: apiAccess('data:upload'),
    schema: {
      summary: 'Upload A&E assault attendances to the ISTV minimum dataset (CSV, element names as headers)', tags: ['uploads'], params: ZSlugParams,
      querystring: z.object({
        fileName: z.string().max(255).default('istv.csv'), mode: ZMode,
        periodStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('REPORTING PERIOD START DATE'),
        periodEnd: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('REPORTING PERIOD END DATE'),
        siteCode: z.string().max(12).describe('SITE CODE (OF TREATMENT)'),
      }), consumes: ['text/csv'], body: z.any().describe(fileBody.description), response: uploadResponses,
    },
  }, async (request) => {
    const partnershipId = (await actorForSlug(request, request.params.slug)).partnershipId;
    const q = request.query;
    return importFile(app.handle, {
      actor: actorOf(request), partnershipId, kind: 'istv', fileName: q.fileName, input: request.body as Readable, mode: q.mode, channel: 'api',
      feed: { istv: { periodStart: q.periodStart, periodEnd: q.periodEnd, siteCode: q.siteCode.toUpperCase() } },
    });
  });

  app.post('/api/v1/partnerships/:slug/uploads/incidents/:source', {
    preHandler: apiAccess('data:upload'),
    schema: {
      summary: 'Upload any other incident list (CSV or XLSX) read with the source\'s saved column mapping', tags: ['uploads'],
      params: ZSlugParams.extend({ source: z.string().max(63) }),
      querystring: z.object({ fileName: z.string().max(255).default('incidents.csv'), mode: ZMode }), consumes: ['text/csv', FILE_TYPES[3]!], body: z.any().describe(fileBody.description), response: uploadResponses,
    },
  }, async (request) => {
    const partnershipId = (await actorForSlug(request, request.params.slug)).partnershipId;
    const xlsx = (request.headers['content-type'] ?? '').includes('spreadsheetml') || /\.xlsx$/i.test(request.query.fileName);
    return importFile(app.handle, {
      actor: actorOf(request), partnershipId, kind: 'incidents', sourceSlug: request.params.source, fileName: request.query.fileName,
      input: request.body as Readable, mode: request.query.mode, channel: 'api', feed: { format: xlsx ? 'xlsx' : 'csv' },
    });
  });

  app.put('/api/v1/partnerships/:slug/sources/:source/mapping', {
    preHandler: apiAccess('data:upload'),
    schema: {
      summary: 'Save the column mapping of an incident-list source (creates the source)', tags: ['sources'],
      params: ZSlugParams.extend({ source: z.string().max(63) }),
      body: z.object({ name: z.string().min(2).max(200).optional(), mapping: ZSourceMappingSchema }),
      response: { 200: z.object({ source: z.string(), saved: z.literal(true) }), 404: ZError },
    },
  }, async (request) => {
    (await actorForSlug(request, request.params.slug)).partnershipId;
    await saveColumnMapping(app.handle.db, actorOf(request), { sourceSlug: request.params.source, sourceName: request.body.name, mapping: request.body.mapping });
    return { source: request.params.source, saved: true as const };
  });

  app.get('/api/v1/partnerships/:slug/stats', {
    preHandler: apiAccess('data:read'),
    schema: {
      summary: 'What has been shared, per source', tags: ['data'], params: ZSlugParams,
      response: { 200: z.object({ partnership: z.string(), sources: z.array(z.object({
        source: z.string(), name: z.string(), kind: z.string(), rows: z.number(), withoutLocation: z.number(), outsideArea: z.number(), quarantined: z.number(), months: z.array(z.string()),
      })) }), 404: ZError },
    },
  }, async (request) => {
    (await actorForSlug(request, request.params.slug)).partnershipId;
    const sources = await getSourceStatistics(app.handle.db, actorOf(request));
    return { partnership: request.params.slug, sources: sources.map(toStatsJson) };
  });

  app.get('/api/v1/partnerships/:slug/uploads/:id', {
    preHandler: apiAccess('data:read'),
    schema: { summary: 'One upload and its report', tags: ['uploads'], params: ZSlugParams.extend({ id: z.coerce.number().int().positive() }) },
  }, async (request) => {
    (await actorForSlug(request, request.params.slug)).partnershipId;
    const report = await getUploadReport(app.handle.db, actorOf(request), request.params.id);
    return { upload: report.upload, findings: report.findings, quarantined: report.quarantined };
  });
}

export function toStatsJson(s: Awaited<ReturnType<typeof getSourceStatistics>>[number]) {
  return { source: s.slug, name: s.name, kind: s.kind, rows: s.rows, withoutLocation: s.without_location, outsideArea: s.outside_area, quarantined: s.quarantined, months: s.months };
}
