import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { LanternError } from '../../shared/errors.ts';
import { listCategories } from '../partnerships/partnership.repository.ts';
import { findSavedMapping, saveColumnMapping, type TSourceMapping } from './mapping.service.ts';
import { findSource } from './ingestion.repository.ts';

type FormBody = Record<string, string | undefined>;

const COLUMN_FIELDS = ['dateTime', 'date', 'time', 'category', 'reference', 'location', 'longitude', 'latitude', 'easting', 'northing', 'areaCode', 'outcome'] as const;

/** The form's flat fields → a mapping; blank fields are left out. */
function mappingFromForm(body: FormBody): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  for (const field of COLUMN_FIELDS) {
    const value = body[field]?.trim();
    if (value) mapping[field] = value;
  }
  if (body.dateFormat) mapping.dateFormat = body.dateFormat;
  if (body.categoryFixed?.trim()) mapping.categoryFixed = body.categoryFixed.trim();
  const keep = (body.keep ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (keep.length) mapping.keep = keep;
  const overrides: Record<string, string> = {};
  for (const line of (body.taxonomyMap ?? '').split('\n')) {
    const [from, to] = line.split('=').map((part) => part?.trim());
    if (from && to) overrides[from] = to;
  }
  mapping.taxonomy = { ...(body.taxonomyDefault ? { default: body.taxonomyDefault } : {}), ...(Object.keys(overrides).length ? { map: overrides } : {}) };
  return mapping;
}

function formFromMapping(mapping: TSourceMapping | null): FormBody {
  if (!mapping) return { dateFormat: 'dmy' };
  const form: FormBody = {};
  for (const field of COLUMN_FIELDS) form[field] = mapping[field];
  form.dateFormat = mapping.dateFormat ?? 'dmy';
  form.categoryFixed = mapping.categoryFixed;
  form.keep = mapping.keep?.join(', ');
  form.taxonomyDefault = mapping.taxonomy?.default;
  form.taxonomyMap = Object.entries(mapping.taxonomy?.map ?? {}).map(([k, v]) => `${k} = ${v}`).join('\n');
  return form;
}

export async function mappingRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  const show = async (request: FastifyRequest, reply: FastifyReply, values: FormBody, existing: boolean, errors: unknown[] = []) => {
    const categories = await listCategories(db, actorOf(request).partnershipId);
    return renderPage(request, reply, 'data/mapping.njk', {
      title: existing ? `Column mapping: ${values.name ?? values.slug}` : 'Add an incident list', values, errors, existing,
      categoryItems: [{ value: '', text: 'No default: unmapped categories go to Other' }, ...categories.map((c) => ({ value: c.code, text: c.label, selected: values.taxonomyDefault === c.code }))],
    }, errors.length ? 400 : 200);
  };

  app.get('/data/sources/new', { preHandler: pageAccess('data:upload') }, async (request, reply) => show(request, reply, { dateFormat: 'dmy' }, false));

  app.get('/data/sources/:slug/mapping', { preHandler: pageAccess('data:upload') }, async (request, reply) => {
    const { slug } = request.params as { slug: string };
    const actor = actorOf(request);
    const source = await findSource(db, actor.partnershipId, slug);
    if (!source || source.kind !== 'incidents') throw new LanternError('not-found-or-no-access', 'Not found, or you do not have access to it.');
    const mapping = await findSavedMapping(db, actor.partnershipId, source.id);
    return show(request, reply, { ...formFromMapping(mapping), slug: source.slug, name: source.name }, true);
  });

  app.post('/data/sources/mapping', { preHandler: pageAccess('data:upload'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const existing = body.existing === 'yes';
    const slug = (body.slug ?? '').trim().toLowerCase();
    try {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) {
        return show(request, reply, body, existing, [{ text: 'Enter a dataset name of lower-case letters, digits and hyphens, such as council-asb', href: '#slug', field: 'slug' }]);
      }
      await saveColumnMapping(db, actorOf(request), { sourceSlug: slug, sourceName: body.name?.trim() || slug, mapping: mappingFromForm(body) });
    } catch (error) {
      if (error instanceof ZodError) return show(request, reply, body, existing, formErrors(error.issues));
      if (error instanceof LanternError && error.code === 'invalid-input') return show(request, reply, body, existing, [{ text: error.message, href: '#slug', field: 'slug' }]);
      throw error;
    }
    return reply.redirect(`/data/sources/${slug}`);
  });
}
