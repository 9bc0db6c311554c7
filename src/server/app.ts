import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
// @ts-expect-error plain JavaScript shared with the install script
import { BUILT_CSS, buildAssets } from '../../bin/build-assets-lib.js';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import type { DatabaseHandle } from '../db/connection.ts';
import type { Actor } from '../shared/authorization.ts';
import { LanternError } from '../shared/errors.ts';
import { GeographyError } from '../modules/geography/geography.errors.ts';
import { FileRefusedError } from '../modules/ingestion/parsers/file-errors.ts';
import { actorForUser, resolveApiToken, resolveSession, type SignedInUser } from '../modules/partnerships/partnership.service.ts';
import { GOVUK_DIST, MOJ_DIST, WEB_DIR, renderPage } from './render.ts';
import { registerRoutes } from './routes.ts';

const MAPLIBRE_DIST = join(dirname(createRequire(import.meta.url).resolve('maplibre-gl/package.json')), 'dist');

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    signedIn: SignedInUser | null;
  }
  interface FastifyInstance {
    handle: DatabaseHandle;
  }
}

export const SESSION_COOKIE = 'lantern_session';

export type AppOptions = {
  handle: DatabaseHandle;
  logger?: boolean;
  /** Cookies marked Secure: on behind HTTPS (the default in production). */
  secureCookies?: boolean;
  /** Requests a minute per client before 429. */
  rateLimitPerMinute?: number;
  /** Sign-in attempts per client in five minutes before 429. */
  signInAttemptsPerFiveMinutes?: number;
};

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    bodyLimit: 2 * 1024 * 1024,
    trustProxy: process.env.LANTERN_TRUST_PROXY === '1',
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorate('handle', options.handle);
  app.decorateRequest('actor', null);
  app.decorateRequest('signedIn', null);

  const secure = options.secureCookies ?? process.env.NODE_ENV === 'production';
  await app.register(helmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    hsts: secure,
  });
  await app.register(rateLimit, { max: options.rateLimitPerMinute ?? 600, timeWindow: '1 minute' });
  await app.register(cookie);
  await app.register(csrf, {
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure, signed: false },
    // Streamed multipart forms (uploads) carry the token in their action URL, because
    // their bodies are read only after the check.
    getToken: (request) => (request.body as { _csrf?: string } | undefined)?._csrf
      ?? (request.headers['csrf-token'] as string | undefined)
      ?? (request.query as { _csrf?: string } | undefined)?._csrf,
  });
  await app.register(formbody);
  await app.register(multipart, { limits: { fileSize: 1024 * 1024 * 1024, files: 20, fields: 50 } });
  if (!existsSync(BUILT_CSS)) await buildAssets();
  // Images and icons of both design systems, at the /assets/ path their stylesheets expect.
  await app.register(fastifyStatic, { root: [join(GOVUK_DIST, 'govuk/assets'), join(MOJ_DIST, 'moj/assets')], prefix: '/assets/', decorateReply: false });
  await app.register(fastifyStatic, { root: join(GOVUK_DIST, 'govuk'), prefix: '/govuk/', decorateReply: false, allowedPath: (path) => /^\/govuk-frontend\.min\.js(\.map)?$/.test(path) });
  await app.register(fastifyStatic, { root: join(MOJ_DIST, 'moj'), prefix: '/moj/', decorateReply: false, allowedPath: (path) => /^\/moj-frontend\.min\.(css|js)$/.test(path) });
  // MapLibre's ES module build for the map island, served from node_modules: no CDN (pages must work
  // offline and the CSP allows only 'self'). The library finds its worker beside its own URL.
  await app.register(fastifyStatic, { root: MAPLIBRE_DIST, prefix: '/assets/maplibre/', decorateReply: false, allowedPath: (path) => /^\/maplibre-gl(-worker)?\.mjs(\.map)?$|^\/maplibre-gl\.css$/.test(path) });
  await app.register(fastifyStatic, { root: WEB_DIR, prefix: '/static/', decorateReply: false, allowedPath: (path) => !path.startsWith('/scss/') });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Lantern API', version: '1', description: 'Share depersonalised incident data under agreements and read the partnership picture. Authenticate with an agency API token: `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // Who is asking: a Bearer token (API and feeds) or a session cookie (pages), never both.
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ')) {
      request.actor = await resolveApiToken(app.handle.db, authorization.slice(7).trim());
      return;
    }
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId && !request.url.startsWith('/api/')) {
      const session = await resolveSession(app.handle.db, sessionId);
      if (session) {
        request.signedIn = session;
        request.actor = actorForUser(session);
      }
    }
  });

  app.setErrorHandler((error, request, reply) => respondWithError(error, request, reply));
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/')) return reply.code(404).send({ error: 'not-found-or-no-access', message: 'Not found, or you do not have access to it.' });
    return renderPage(request, reply, 'errors/not-found.njk', { title: 'Page not found' }, 404);
  });

  await registerRoutes(app, { secureCookies: secure, signInAttempts: options.signInAttemptsPerFiveMinutes ?? 10 });
  return app;
}

function respondWithError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  const api = request.url.startsWith('/api/') || request.headers.accept === 'application/json';
  if (error instanceof GeographyError || error instanceof FileRefusedError) {
    return respondWithError(new LanternError(error instanceof GeographyError ? 'geography-invalid' : 'file-refused', error.message, { details: error instanceof FileRefusedError ? error.problems : error.details }), request, reply);
  }
  if (error instanceof LanternError) {
    if (api) return reply.code(error.status).send({ error: error.code, message: error.message, details: error.details });
    if (error.code === 'not-found-or-no-access') return renderPage(request, reply, 'errors/not-found.njk', { title: 'Page not found' }, 404);
    return renderPage(request, reply, 'errors/problem.njk', { title: 'There is a problem', message: error.message }, error.status);
  }
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
    if (api) return reply.code(400).send({ error: 'invalid-input', message: 'The request is not valid.', details });
    return renderPage(request, reply, 'errors/problem.njk', { title: 'There is a problem', message: details.map((d) => `${d.field}: ${d.message}`).join('; ') }, 400);
  }
  const status = (error as { statusCode?: number }).statusCode ?? 500;
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  const code = (error as { code?: string }).code;
  const message = status === 429 ? 'Too many requests: wait a minute and try again.'
    : code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET' ? 'The form had expired. Go back, reload the page and try again.'
      : (error as { validation?: unknown }).validation ? (error as Error).message
        : status < 500 ? (error as Error).message : 'Something went wrong on our side. Nothing was changed. Try again, and tell your administrator if it keeps happening.';
  if (api) return reply.code(status).send({ error: status === 429 ? 'rate-limited' : status === 403 ? 'forbidden' : status < 500 ? 'invalid-input' : 'internal', message });
  return renderPage(request, reply, 'errors/problem.njk', { title: status === 429 ? 'Too many requests' : 'There is a problem', message }, status);
}
