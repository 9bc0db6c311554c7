import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { can } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { addMonths } from '../analysis/filters.ts';
import { dataMonths } from '../analysis/analysis.repository.ts';
import { sendFile } from '../analysis/analysis.routes.ts';
import { ASSESSMENT_TEMPLATES, ZConcernSchema, ZCreateAssessmentSchema, ZSectionTextSchema, ZVersionSchema } from './assessment.schema.ts';
import {
  compareWithPrevious, generateAssessment, getAssessment, getPublishedFile, listAssessmentsFor, publishAssessment, saveConcern, saveSectionText,
} from './assessment.service.ts';
import { documentView, paragraphs } from './document.render.ts';
import { TEMPLATES } from './evidence.service.ts';

type FormBody = Record<string, string | undefined>;

const ZIdParams = z.object({ id: z.coerce.number().int().min(1) });
const ZVersionParams = ZIdParams.extend({ version: z.coerce.number().int().min(1) });
const ZFileParams = ZVersionParams.extend({ format: z.enum(['html', 'pdf']) });
const ZSectionParams = ZIdParams.extend({ section: z.string().max(40) });
/** The banner after a change: chosen from fixed messages, so a link cannot put words in Lantern's mouth. */
const FLASH = {
  generated: 'Version {v} generated from the shared data.',
  edited: 'Saved as version {v}.',
  concern: 'Public concern saved and priorities rescored as version {v}.',
  regenerated: 'Figures gathered again from the shared data as version {v}.',
  published: 'Published as version {v}: the HTML and PDF are ready to share.',
} as const;
type FlashKind = keyof typeof FLASH;
const ZFlashQuery = z.object({ saved: z.enum(Object.keys(FLASH) as [FlashKind, ...FlashKind[]]).optional().catch(undefined), v: z.coerce.number().int().min(1).optional().catch(undefined) });

const templateItems = ASSESSMENT_TEMPLATES.map((t) => ({ value: t, text: TEMPLATES[t].title, hint: { text: TEMPLATES[t].description } }));

/** Form fields named concern[violence]=4 arrive flat; gather them into one record. */
function concernFields(body: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    const match = /^concern\[(.+)\]$/.exec(key);
    if (match) out[match[1]!] = value ?? '';
  }
  return out;
}

export async function assessmentRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  app.get('/assessments', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const actor = actorOf(request);
    return renderPage(request, reply, 'assessments/index.njk', {
      title: 'Assessments and indicators', assessments: await listAssessmentsFor(db, actor), templates: TEMPLATES, canEdit: can(actor, 'assessments:edit'),
    });
  });

  const showNew = async (request: FastifyRequest, reply: FastifyReply, values: FormBody, errors: ReturnType<typeof formErrors> = []) => {
    const actor = actorOf(request);
    const months = await dataMonths(db, actor.partnershipId, null);
    // The default is the last twelve months with data: the usual strategic assessment year.
    const to = values.to ?? months.latest ?? undefined;
    const from = values.from ?? (to ? addMonths(to, -11) : undefined);
    return renderPage(request, reply, 'assessments/new.njk', {
      title: 'Generate an assessment', templateItems, values: { ...values, from, to, template: values.template ?? 'strategic-assessment' }, errors, dataMonths: months,
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/new', { preHandler: pageAccess('assessments:edit') }, async (request, reply) => showNew(request, reply, {}));

  app.post('/assessments', { preHandler: pageAccess('assessments:edit'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const parsed = ZCreateAssessmentSchema.safeParse(body);
    if (!parsed.success) return showNew(request, reply, body, formErrors(parsed.error.issues));
    try {
      const { assessment, version } = await generateAssessment(db, actorOf(request), parsed.data);
      return reply.redirect(`/assessments/${assessment.id}?saved=generated&v=${version.version}`);
    } catch (error) {
      if (error instanceof LanternError && error.code === 'invalid-input') return showNew(request, reply, body, [{ text: error.message, href: '#from', field: 'from' }]);
      throw error;
    }
  });

  const showDocument = async (request: FastifyRequest, reply: FastifyReply, id: number, versionNumber?: number, errors: ReturnType<typeof formErrors> = []) => {
    const view = await getAssessment(db, actorOf(request), id, versionNumber);
    const flash = ZFlashQuery.parse(request.query);
    return renderPage(request, reply, 'assessments/view.njk', {
      title: view.assessment.title, ...view, doc: documentView(view.version.evidence, view.version.narrative, view.assessment.title),
      basePath: `/assessments/${id}`, flash: flash.saved && flash.v ? FLASH[flash.saved].replace('{v}', String(flash.v)) : undefined, errors,
    }, errors.length ? 400 : 200);
  };

  app.get('/assessments/:id', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { id } = ZIdParams.parse(request.params);
    return showDocument(request, reply, id);
  });

  app.get('/assessments/:id/versions/:version', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { id, version } = ZVersionParams.parse(request.params);
    return showDocument(request, reply, id, version);
  });

  app.get('/assessments/:id/versions/:version/changes', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { id, version } = ZVersionParams.parse(request.params);
    const changes = await compareWithPrevious(db, actorOf(request), id, version);
    return renderPage(request, reply, 'assessments/changes.njk', {
      title: `What changed in version ${changes.to.version}`, changes, paragraphs,
    });
  });

  app.get('/assessments/:id/versions/:version/document.:format', { preHandler: pageAccess('overview:read') }, async (request, reply) => {
    const { id, version, format } = ZFileParams.parse(request.params);
    const file = await getPublishedFile(db, actorOf(request), id, version, format);
    return sendFile(reply, file);
  });

  /** Runs an edit; a stale version or bad value shows the document again with the reason. */
  const edit = async (request: FastifyRequest, reply: FastifyReply, id: number, change: () => Promise<{ version: number }>, saved: FlashKind) => {
    try {
      const version = await change();
      return reply.redirect(`/assessments/${id}?saved=${saved}&v=${version.version}`);
    } catch (error) {
      if (error instanceof ZodError) return showDocument(request, reply, id, undefined, formErrors(error.issues));
      if (error instanceof LanternError && (error.code === 'conflict' || error.code === 'invalid-input')) {
        return showDocument(request, reply, id, undefined, [{ text: error.message, href: '#main-content', field: 'document' }]);
      }
      throw error;
    }
  };

  app.post('/assessments/:id/sections/:section', { preHandler: pageAccess('assessments:edit'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { id, section } = ZSectionParams.parse(request.params);
    return edit(request, reply, id, async () => {
      const input = ZSectionTextSchema.parse(request.body ?? {});
      return saveSectionText(db, actorOf(request), id, { ...input, section });
    }, 'edited');
  });

  app.post('/assessments/:id/concern', { preHandler: pageAccess('assessments:edit'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { id } = ZIdParams.parse(request.params);
    return edit(request, reply, id, async () => {
      const body = (request.body ?? {}) as FormBody;
      const input = ZConcernSchema.parse({ version: body.version, concern: concernFields(body) });
      const concern = Object.fromEntries(Object.entries(input.concern).filter(([, v]) => v !== '').map(([k, v]) => [k, Number(v)]));
      return saveConcern(db, actorOf(request), id, { version: input.version, concern });
    }, 'concern');
  });

  app.post('/assessments/:id/regenerate', { preHandler: pageAccess('assessments:edit'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { id } = ZIdParams.parse(request.params);
    const view = await getAssessment(db, actorOf(request), id);
    const a = view.assessment;
    return edit(request, reply, id, async () => (await generateAssessment(db, actorOf(request), {
      template: a.template, from: a.period_from.slice(0, 7), to: a.period_to.slice(0, 7), title: a.title,
    })).version, 'regenerated');
  });

  app.post('/assessments/:id/publish', { preHandler: pageAccess('assessments:edit'), preValidation: app.csrfProtection }, async (request, reply) => {
    const { id } = ZIdParams.parse(request.params);
    return edit(request, reply, id, async () => {
      const input = ZVersionSchema.parse(request.body ?? {});
      return (await publishAssessment(db, actorOf(request), id, input)).version;
    }, 'published');
  });
}
