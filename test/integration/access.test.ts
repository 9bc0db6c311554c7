import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { Browser, buildTestApp } from '../support/http.ts';

let handle: TestDatabase;
let app: FastifyInstance;
let north: TestPartnership;
let south: TestPartnership;
let southAgreementId: number;

beforeAll(async () => {
  handle = await createTestDatabase();
  north = await buildPartnership(handle, { slug: 'north' });
  south = await buildPartnership(handle, { slug: 'south' });
  await buildAgreement(handle, north);
  southAgreementId = (await buildAgreement(handle, south, { title: 'South secret agreement' })).id;
  app = await buildTestApp(handle);
});

afterAll(async () => {
  await app?.close();
  await handle?.drop();
});

describe('signing in', () => {
  it('refuses a wrong password without saying whether the account exists', async () => {
    const browser = new Browser(app);
    const wrong = await browser.signIn(north.emails.analyst, 'not the password');
    const unknown = await browser.signIn('nobody@nowhere.example', 'not the password');
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(wrong.body).toContain('The email address or password is not right');
    expect(unknown.body).toContain('The email address or password is not right');
  });

  it('opens a session with an HttpOnly cookie and shows the partnership and agency', async () => {
    const browser = new Browser(app);
    const response = await browser.signIn(north.emails.analyst, TEST_PASSWORD);
    expect(response.statusCode).toBe(302);
    const cookie = response.cookies.find((c) => c.name === 'lantern_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    const overview = await browser.get('/overview');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('Test partnership north');
    expect(overview.body).toContain('Test Council');
  });

  it('refuses a form post without the CSRF token', async () => {
    const browser = new Browser(app);
    await browser.get('/sign-in');
    const response = await browser.post('/sign-in', { email: north.emails.analyst, password: TEST_PASSWORD }, { csrf: false });
    expect(response.statusCode).toBe(403);
    expect(response.cookies.find((c) => c.name === 'lantern_session')).toBeUndefined();
  });

  it('rate-limits repeated sign-in attempts', async () => {
    const limited = await buildTestApp(handle, { signInAttempts: 10 });
    try {
      const browser = new Browser(limited);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await browser.signIn(north.emails.viewer, `guess ${i}`)).statusCode);
      expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await limited.close();
    }
  });

  it('sends the safe headers', async () => {
    const response = await app.inject({ method: 'GET', url: '/sign-in' });
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});

describe('default deny', () => {
  it('sends anonymous visitors to sign in', async () => {
    for (const url of ['/overview', '/data', '/data/agreements', '/admin/users', '/admin/audit']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(302);
      expect(response.headers.location).toContain('/sign-in');
    }
  });

  it('gives each role only its pages', async () => {
    const viewer = new Browser(app);
    await viewer.signIn(north.emails.viewer, TEST_PASSWORD);
    expect((await viewer.get('/overview')).statusCode).toBe(200);
    for (const url of ['/data', '/data/upload', '/admin', '/admin/users', '/admin/audit', '/data/agreements/new']) {
      expect((await viewer.get(url)).statusCode, url).toBe(404);
    }
    const provider = new Browser(app);
    await provider.signIn(north.emails['data-provider'], TEST_PASSWORD);
    expect((await provider.get('/data/upload')).statusCode).toBe(200);
    expect((await provider.get('/admin/users')).statusCode).toBe(404);
    const admin = new Browser(app);
    await admin.signIn(north.emails['partnership-admin'], TEST_PASSWORD);
    expect((await admin.get('/admin/users')).statusCode).toBe(200);
  });
});

describe('partnership isolation', () => {
  it('shows a user nothing of another partnership through the pages', async () => {
    const browser = new Browser(app);
    await browser.signIn(north.emails['partnership-admin'], TEST_PASSWORD);
    const agreements = await browser.get('/data/agreements');
    expect(agreements.body).not.toContain('South secret agreement');
    const users = await browser.get('/admin/users');
    expect(users.body).not.toContain(south.emails.analyst);
    const audit = await browser.get('/admin/audit');
    expect(audit.body).not.toContain(south.emails.analyst);
  });

  it('refuses another partnership through every API endpoint with the same answer as a missing one', async () => {
    const { token } = await createApiToken(handle.db, north.admin, { agencyId: north.agencies.police, role: 'data-provider', name: 'north feed' });
    const auth = { authorization: `Bearer ${token}` };
    const urls: Array<{ method: 'GET' | 'POST' | 'PUT'; url: string; payload?: string; type?: string }> = [
      { method: 'GET', url: '/api/v1/partnerships/south/stats' },
      { method: 'GET', url: '/api/v1/partnerships/south/uploads/1' },
      { method: 'POST', url: '/api/v1/partnerships/south/uploads/police-uk', payload: 'x', type: 'text/csv' },
      { method: 'POST', url: '/api/v1/partnerships/south/uploads/istv?periodStart=2024-01-01&periodEnd=2024-01-31&siteCode=XKB01', payload: 'x', type: 'text/csv' },
      { method: 'POST', url: '/api/v1/partnerships/south/uploads/incidents/council-asb', payload: 'x', type: 'text/csv' },
      { method: 'PUT', url: '/api/v1/partnerships/south/sources/council-asb/mapping', payload: JSON.stringify({ mapping: { dateTime: 'a', category: 'b' } }), type: 'application/json' },
    ];
    for (const { method, url, payload, type } of urls) {
      const response = await app.inject({ method, url, headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, ...(payload ? { payload } : {}) });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error, url).toBe('not-found-or-no-access');
      const missing = await app.inject({ method, url: url.replace('/south/', '/nowhere/'), headers: { ...auth, ...(type ? { 'content-type': type } : {}) }, ...(payload ? { payload } : {}) });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.json().message).toBe(response.json().message);
    }
    const own = await app.inject({ method: 'GET', url: '/api/v1/partnerships/north/stats', headers: auth });
    expect(own.statusCode).toBe(200);
    expect(southAgreementId).toBeGreaterThan(0);
  });

  it('does not accept a session cookie on the API, nor a missing or revoked token', async () => {
    const browser = new Browser(app);
    const signIn = await browser.signIn(north.emails.analyst, TEST_PASSWORD);
    const session = signIn.cookies.find((c) => c.name === 'lantern_session')!.value;
    const withCookie = await app.inject({ method: 'GET', url: '/api/v1/partnerships/north/stats', headers: { cookie: `lantern_session=${session}` } });
    expect(withCookie.statusCode).toBe(401);
    const bogus = await app.inject({ method: 'GET', url: '/api/v1/partnerships/north/stats', headers: { authorization: 'Bearer lt_nonsense' } });
    expect(bogus.statusCode).toBe(401);
  });
});

describe('audit trail', () => {
  it('is hash-chained, append-only, and shows tampering', async () => {
    const before = await verifyAuditChain(handle.db, north.id);
    expect(before.ok).toBe(true);
    expect(before.events).toBeGreaterThan(5);
    await expect(sql`UPDATE audit_events SET action = 'x' WHERE partnership_id = ${north.id}`.execute(handle.db)).rejects.toThrow(/append-only/);
    // Someone with the database owner's rights bypasses the trigger: the chain shows it.
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update`.execute(handle.db);
    await sql`UPDATE audit_events SET detail = '{"tampered":true}'::jsonb WHERE id = (SELECT min(id) + 1 FROM audit_events WHERE partnership_id = ${north.id})`.execute(handle.db);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update`.execute(handle.db);
    const after = await verifyAuditChain(handle.db, north.id);
    expect(after.ok).toBe(false);
    expect((await verifyAuditChain(handle.db, south.id)).ok).toBe(true);
  });
});
