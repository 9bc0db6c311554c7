import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { listAgencies } from '../partnerships/partnership.repository.ts';
import { listSources } from '../ingestion/data.service.ts';
import { listAgreements, recordAgreement } from './agreement.service.ts';
import { LEGAL_BASES } from './agreement.schema.ts';

type FormBody = Record<string, string | string[] | undefined>;

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/[,\n]/)).map((v) => v.trim()).filter(Boolean);
}

/** GOV.UK date inputs send day, month and year separately. */
function dateFrom(body: FormBody, name: string): string | undefined {
  const day = String(body[`${name}-day`] ?? '').trim();
  const month = String(body[`${name}-month`] ?? '').trim();
  const year = String(body[`${name}-year`] ?? '').trim();
  if (!day && !month && !year) return undefined;
  return `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

export async function agreementRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  app.get('/data/agreements', { preHandler: pageAccess('agreements:read') }, async (request, reply) => {
    const agreements = await listAgreements(db, actorOf(request));
    return renderPage(request, reply, 'data/agreements.njk', { title: 'Data-sharing agreements', agreements });
  });

  const showForm = async (request: Parameters<typeof renderPage>[0], reply: Parameters<typeof renderPage>[1], values: FormBody, errors: unknown[] = []) => {
    const actor = actorOf(request);
    const [agencies, sources] = await Promise.all([listAgencies(db, actor.partnershipId), listSources(db, actor)]);
    return renderPage(request, reply, 'data/agreement-new.njk', {
      title: 'Record a data-sharing agreement', agencies, sources, legalBases: LEGAL_BASES, values, errors,
      selectedAgencies: list(values.partyAgencyIds).map(Number),
    }, errors.length ? 400 : 200);
  };

  app.get('/data/agreements/new', { preHandler: pageAccess('agreements:manage') }, async (request, reply) => showForm(request, reply, {}));

  app.post('/data/agreements/new', { preHandler: pageAccess('agreements:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      await recordAgreement(db, actorOf(request), {
        title: String(body.title ?? ''),
        purpose: String(body.purpose ?? ''),
        legalBasis: String(body.legalBasis === 'other' ? body.legalBasisOther ?? '' : body.legalBasis ?? ''),
        partyAgencyIds: list(body.partyAgencyIds).map(Number),
        datasets: list(body.datasets),
        fieldsShared: String(body.fieldsShared ?? ''),
        retentionMonths: Number(body.retentionMonths || Number.NaN),
        recordLevelExport: body.recordLevelExport === 'yes',
        startDate: dateFrom(body, 'startDate') ?? '',
        reviewDate: dateFrom(body, 'reviewDate') ?? '',
        endDate: dateFrom(body, 'endDate'),
      });
    } catch (error) {
      if (error instanceof ZodError) return showForm(request, reply, body, formErrors(error.issues));
      throw error;
    }
    return reply.redirect('/data/agreements?recorded=1');
  });
}
