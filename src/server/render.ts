import nunjucks from 'nunjucks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { can, type Permission } from '../shared/authorization.ts';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

export const GOVUK_DIST = resolve(dirname(require.resolve('govuk-frontend/package.json')), 'dist');
export const MOJ_DIST = resolve(dirname(require.resolve('@ministryofjustice/frontend/package.json')));
export const WEB_DIR = resolve(here, '../../web');

const env = new nunjucks.Environment(
  new nunjucks.FileSystemLoader([join(here, 'views'), GOVUK_DIST, MOJ_DIST], { noCache: process.env.NODE_ENV !== 'production' }),
  { autoescape: true, throwOnUndefined: false },
);

const numberFormat = new Intl.NumberFormat('en-GB');
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

env.addFilter('number', (value: unknown) => (value == null || value === '' ? '' : numberFormat.format(Number(value))));
env.addFilter('datetime', (value: unknown) => (value ? dateTimeFormat.format(new Date(value as string)) : ''));
env.addFilter('date', (value: unknown) => (value ? dateFormat.format(new Date(`${String(value).slice(0, 10)}T00:00:00Z`)) : ''));
env.addFilter('month', (value: unknown) => (value ? monthFormat.format(new Date(`${String(value).slice(0, 7)}-01T00:00:00Z`)) : ''));
env.addFilter('json', (value: unknown) => JSON.stringify(value, null, 2));
env.addFilter('fixed', (value: unknown, digits = 1) => (value == null || !Number.isFinite(Number(value)) ? '' : Number(value).toLocaleString('en-GB', { minimumFractionDigits: Number(digits), maximumFractionDigits: Number(digits) })));
env.addFilter('signedPercent', (value: unknown) => (value == null ? '' : `${Number(value) >= 0 ? '+' : '−'}${Math.abs(Number(value) * 100).toFixed(0)}%`));
env.addFilter('selectItems', (items: Array<{ value: string; text: string }>, selected: unknown) => items.map((i) => ({ ...i, selected: i.value === selected })));
env.addFilter('percent', (value: unknown) => `${(Number(value) * 100).toFixed(1)}%`);

type NavItem = { href: string; text: string; active?: boolean; permission: Permission };
const NAVIGATION: NavItem[] = [
  { href: '/overview', text: 'Overview', permission: 'overview:read' },
  { href: '/analysis', text: 'Analysis', permission: 'overview:read' },
  { href: '/assessments', text: 'Assessments and indicators', permission: 'overview:read' },
  { href: '/data', text: 'Data', permission: 'data:read' },
  { href: '/admin', text: 'Admin', permission: 'users:manage' },
];

/** Renders a template outside any request: standalone documents (published assessments). */
export function renderTemplate(template: string, context: Record<string, unknown>): string {
  return env.render(template, context);
}

/** Renders a page with what every page needs: the user, the navigation, CSRF and CSP nonce. */
export function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown> = {}, status = 200) {
  const user = request.signedIn;
  const path = request.url.split('?')[0] ?? '/';
  const navigation = user
    ? NAVIGATION.filter((n) => can(request.actor!, n.permission)).map((n) => ({ href: n.href, text: n.text, active: path === n.href || path.startsWith(`${n.href}/`) }))
    : [];
  const html = env.render(template, {
    ...context,
    user,
    navigation,
    can: (permission: Permission) => (request.actor ? can(request.actor, permission) : false),
    csrfToken: reply.generateCsrf(),
    cspNonce: (reply as unknown as { cspNonce?: { script: string } }).cspNonce?.script,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** Turns zod issues into the GOV.UK error summary list, linking each to its field. */
export function formErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Array<{ text: string; href: string; field: string }> {
  return issues.map((issue) => {
    const field = String(issue.path[0] ?? 'form');
    return { text: issue.message, href: `#${field}`, field };
  });
}

export function errorFor(errors: Array<{ field: string; text: string }> | undefined, field: string): { text: string } | undefined {
  const found = errors?.find((e) => e.field === field);
  return found ? { text: found.text } : undefined;
}

env.addGlobal('errorFor', errorFor);
