import type { FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import type { Role } from '../../db/schema.ts';
import { actorOf, pageAccess } from '../../server/guards.ts';
import { formErrors, renderPage } from '../../server/render.ts';
import { ROLE_LABELS, ROLES } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { readAuditTrail } from '../audit/audit.service.ts';
import { addAgency, addUser, createApiToken, listAgencies, listApiTokens, listUsers } from './partnership.service.ts';
import { AGENCY_TYPES, AGENCY_TYPE_LABELS } from './partnership.schema.ts';

type FormBody = Record<string, string | undefined>;

export async function adminRoutes(app: FastifyInstance) {
  const db = app.handle.db;

  app.get('/admin', { preHandler: pageAccess('users:manage') }, async (request, reply) =>
    renderPage(request, reply, 'admin/index.njk', { title: 'Admin' }));

  const agenciesPage = async (request: Parameters<typeof renderPage>[0], reply: Parameters<typeof renderPage>[1], values: FormBody = {}, errors: unknown[] = [], flash?: string) => {
    const agencies = await listAgencies(db, actorOf(request).partnershipId);
    return renderPage(request, reply, 'admin/agencies.njk', {
      title: 'Agencies', agencies, values, errors, flash, typeLabels: AGENCY_TYPE_LABELS,
      typeItems: [{ value: '', text: 'Choose a type' }, ...AGENCY_TYPES.map((t) => ({ value: t, text: AGENCY_TYPE_LABELS[t], selected: values.type === t }))],
    }, errors.length ? 400 : 200);
  };

  app.get('/admin/agencies', { preHandler: pageAccess('users:manage') }, async (request, reply) => agenciesPage(request, reply));
  app.post('/admin/agencies', { preHandler: pageAccess('users:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      const agency = await addAgency(db, actorOf(request), { name: body.name ?? '', type: body.type as never, odsCode: body.odsCode });
      return agenciesPage(request, reply, {}, [], `${agency.name} added.`);
    } catch (error) {
      if (error instanceof ZodError) return agenciesPage(request, reply, body, formErrors(error.issues));
      if (error instanceof LanternError && error.code === 'conflict') return agenciesPage(request, reply, body, [{ text: error.message, href: '#name', field: 'name' }]);
      throw error;
    }
  });

  const usersPage = async (request: Parameters<typeof renderPage>[0], reply: Parameters<typeof renderPage>[1], values: FormBody = {}, errors: unknown[] = [], flash?: string) => {
    const partnershipId = actorOf(request).partnershipId;
    const [users, agencies] = await Promise.all([listUsers(db, partnershipId), listAgencies(db, partnershipId)]);
    return renderPage(request, reply, 'admin/users.njk', {
      title: 'Users and roles', users, values, errors, flash, roleLabels: ROLE_LABELS,
      agencyItems: [{ value: '', text: 'Choose an agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name, selected: values.agencyId === String(a.id) }))],
      roleItems: ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r], checked: values.role === r })),
    }, errors.length ? 400 : 200);
  };

  app.get('/admin/users', { preHandler: pageAccess('users:manage') }, async (request, reply) => usersPage(request, reply));
  app.post('/admin/users', { preHandler: pageAccess('users:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    try {
      const user = await addUser(db, actorOf(request), {
        email: body.email ?? '', displayName: body.displayName ?? '', agencyId: Number(body.agencyId || 0), role: (body.role ?? '') as Role, password: body.password ?? '',
      });
      return usersPage(request, reply, {}, [], `${user.display_name} can now sign in as ${ROLE_LABELS[user.role]}.`);
    } catch (error) {
      if (error instanceof ZodError) return usersPage(request, reply, { ...body, password: '' }, formErrors(error.issues));
      if (error instanceof LanternError && error.code === 'conflict') return usersPage(request, reply, { ...body, password: '' }, [{ text: error.message, href: '#email', field: 'email' }]);
      throw error;
    }
  });

  const tokensPage = async (request: Parameters<typeof renderPage>[0], reply: Parameters<typeof renderPage>[1], extra: Record<string, unknown> = {}) => {
    const partnershipId = actorOf(request).partnershipId;
    const [tokens, agencies] = await Promise.all([listApiTokens(db, partnershipId), listAgencies(db, partnershipId)]);
    return renderPage(request, reply, 'admin/tokens.njk', {
      title: 'API tokens', tokens, roleLabels: ROLE_LABELS,
      agencyItems: [{ value: '', text: 'Choose an agency' }, ...agencies.map((a) => ({ value: String(a.id), text: a.name }))],
      roleItems: [{ value: 'data-provider', text: ROLE_LABELS['data-provider'] }, { value: 'analyst', text: ROLE_LABELS.analyst }, { value: 'viewer', text: ROLE_LABELS.viewer }],
      ...extra,
    }, (extra.errors as unknown[] | undefined)?.length ? 400 : 200);
  };

  app.get('/admin/tokens', { preHandler: pageAccess('tokens:manage') }, async (request, reply) => tokensPage(request, reply));
  app.post('/admin/tokens', { preHandler: pageAccess('tokens:manage'), preValidation: app.csrfProtection }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const errors = [];
    if (!body.name?.trim()) errors.push({ text: 'Enter a name for the token, such as the feed that will use it', href: '#name', field: 'name' });
    if (!body.agencyId) errors.push({ text: 'Choose the agency the token acts for', href: '#agencyId', field: 'agencyId' });
    if (errors.length) return tokensPage(request, reply, { errors, values: body });
    const role = (['data-provider', 'analyst', 'viewer'].includes(body.role ?? '') ? body.role : 'data-provider') as Role;
    const { token } = await createApiToken(db, actorOf(request), { agencyId: Number(body.agencyId), role, name: body.name!.trim() });
    return tokensPage(request, reply, { newToken: token });
  });

  app.get('/admin/audit', { preHandler: pageAccess('audit:read') }, async (request, reply) => {
    const query = request.query as { before?: string };
    const before = query.before && /^\d+$/.test(query.before) ? query.before : undefined;
    const trail = await readAuditTrail(db, actorOf(request), before ? { beforeId: before } : {});
    return renderPage(request, reply, 'admin/audit.njk', { title: 'Audit trail', ...trail });
  });
}
