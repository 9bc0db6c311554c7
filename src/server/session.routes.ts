import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { signIn, signOut } from '../modules/partnerships/partnership.service.ts';
import { SESSION_COOKIE } from './app.ts';
import { renderPage } from './render.ts';

const ZSignInSchema = z.object({
  email: z.string().trim().max(320).default(''),
  password: z.string().max(200).default(''),
  next: z.string().max(2000).optional(),
});

/** Only same-site paths, so that sign-in cannot be used to send people elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/overview';
}

export async function sessionRoutes(app: FastifyInstance, options: { secureCookies: boolean; signInAttempts: number }) {
  app.get('/', async (request, reply) => reply.redirect(request.signedIn ? '/overview' : '/sign-in'));

  app.get('/sign-in', async (request, reply) => {
    const query = request.query as { next?: string };
    return renderPage(request, reply, 'sign-in.njk', { title: 'Sign in', next: safeNext(query.next) });
  });

  app.post('/sign-in', {
    preValidation: app.csrfProtection,
    config: { rateLimit: { max: options.signInAttempts, timeWindow: '5 minutes' } },
  }, async (request, reply) => {
    const form = ZSignInSchema.parse(request.body ?? {});
    const errors = [];
    if (!form.email) errors.push({ text: 'Enter your email address', href: '#email', field: 'email' });
    if (!form.password) errors.push({ text: 'Enter your password', href: '#password', field: 'password' });
    const result = errors.length ? null : await signIn(app.handle.db, form.email, form.password);
    if (!result) {
      if (!errors.length) errors.push({ text: 'The email address or password is not right', href: '#email', field: 'email' });
      return renderPage(request, reply, 'sign-in.njk', { title: 'Sign in', errors, email: form.email, next: safeNext(form.next) }, 400);
    }
    reply.setCookie(SESSION_COOKIE, result.sessionId, { path: '/', httpOnly: true, sameSite: 'lax', secure: options.secureCookies, maxAge: 10 * 3600 });
    return reply.redirect(safeNext(form.next));
  });

  app.post('/sign-out', { preValidation: app.csrfProtection }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) await signOut(app.handle.db, sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in');
  });
}
