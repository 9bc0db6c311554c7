import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { parse } from 'csv-parse/sync';
import { Readable } from 'node:stream';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { Browser, buildTestApp, multipartBody } from '../support/http.ts';

/** An administrator sets up geography and a provider uploads, through the pages as a browser does. */
describe('geography and upload pages', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let p: TestPartnership;
  let dir: string;
  const admin = () => { const b = new Browser(app); return b.signIn(p.emails['partnership-admin'], TEST_PASSWORD).then(() => b); };

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'pages' });
    await buildAgreement(handle, p);
    dir = await mkdtemp(join(tmpdir(), 'lantern-pages-'));
    await writeDemoFiles(dir, { seed: 9, months: 2, endMonth: '2025-05' });
    app = await buildTestApp(handle);
  });
  afterAll(async () => {
    await app?.close();
    await handle?.drop();
  });

  it('loads boundaries, the ward lookup, population and deprivation from uploaded files', async () => {
    const browser = await admin();
    await browser.get('/admin/geography');
    const upload = (what: string, file: string, fields: Record<string, string> = {}) =>
      browser.postMultipart(`/admin/geography/${what}`, multipartBody(fields, [{ name: 'file', fileName: file.split('/').pop()!, content: readFileSync(join(dir, file)) }]));
    expect((await upload('boundaries', 'boundaries/lsoa11.geojson', { type: 'lsoa11' })).body).toContain('Loaded 101 lsoa11 boundaries');
    expect((await upload('boundaries', 'boundaries/lsoa21.geojson', { type: 'lsoa21' })).body).toContain('Loaded 105 lsoa21 boundaries');
    expect((await upload('wards', 'areas/lsoa11-ward-lad-lookup.csv')).body).toContain('Linked 101 LSOAs to 12 wards in 1 local authority');
    expect((await upload('population', 'areas/population-lsoa11.csv')).body).toContain('Population loaded for 101 LSOAs');
    expect((await upload('deprivation', 'areas/imd-lsoa11.csv')).body).toContain('Deprivation loaded for 101 LSOAs');
    const population = (parse(readFileSync(join(dir, 'areas/population-lsoa11.csv')), { columns: true }) as Array<Record<string, string>>)
      .reduce((sum, r) => sum + Number(r['Persons_All-Ages']), 0);
    const { rows } = await sql<{ population: number }>`SELECT population FROM areas WHERE partnership_id = ${p.id} AND type = 'lad'`.execute(handle.db);
    expect(rows[0]!.population).toBe(population);
    const { rows: links } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM area_links l JOIN areas c ON c.id = l.child_id WHERE l.partnership_id = ${p.id} AND c.type = 'lsoa21'`.execute(handle.db);
    expect(links[0]!.n).toBeGreaterThanOrEqual(105);
  });

  it('explains a bad boundary file and keeps what was there', async () => {
    const browser = await admin();
    await browser.get('/admin/geography');
    const response = await browser.postMultipart('/admin/geography/boundaries', multipartBody({ type: 'lsoa11' }, [{ name: 'file', fileName: 'broken.geojson', content: '{"type":"FeatureCollection","features":[{"type":"Feature"' }]));
    expect(response.statusCode).toBe(422);
    expect(response.body).toContain('is not valid JSON');
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM areas WHERE partnership_id = ${p.id} AND type = 'lsoa11'`.execute(handle.db);
    expect(rows[0]!.n).toBe(101);
  });

  it('defines a custom neighbourhood from LSOA codes', async () => {
    const browser = await admin();
    await browser.get('/admin/geography');
    const codes = (await sql<{ code: string }>`SELECT code FROM areas WHERE partnership_id = ${p.id} AND type = 'lsoa11' ORDER BY code LIMIT 3`.execute(handle.db)).rows.map((r) => r.code);
    const response = await browser.post('/admin/geography-neighbourhoods', { name: 'Town centre', code: 'town-centre', members: codes.join(', ') });
    expect(response.body).toContain('Neighbourhood saved with 3 areas');
    const bad = await browser.post('/admin/geography-neighbourhoods', { name: 'Nowhere', code: 'nowhere', members: 'E01999999' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('not in the partnership: E01999999');
  });

  it('takes several police.uk files in one upload through the page, and refuses a multipart post without the CSRF token', async () => {
    const browser = new Browser(app);
    await browser.signIn(p.emails['data-provider'], TEST_PASSWORD);
    await browser.get('/data/upload');
    const files = (await readdir(join(dir, 'police-uk'))).sort();
    const body = () => multipartBody({ kind: 'police-uk', mode: 'all-or-nothing' }, files.map((f) => ({ name: 'files', fileName: f, content: readFileSync(join(dir, 'police-uk', f)), type: 'text/csv' })));
    const forged = await browser.postMultipart('/data/upload', body(), { csrf: false });
    expect(forged.statusCode).toBe(403);
    const response = await browser.postMultipart('/data/upload', body(), { accept: 'application/json' });
    expect(response.statusCode, response.body).toBe(200);
    const results = response.json().results as Array<{ status: string; imported: number; reportUrl: string }>;
    expect(results.map((r) => r.status)).toEqual(['imported', 'imported']);
    const expected = files.reduce((sum, f) => sum + (parse(readFileSync(join(dir, 'police-uk', f)), { columns: true }) as unknown[]).length, 0);
    expect(results.reduce((s, r) => s + r.imported, 0)).toBe(expected);
    const report = await browser.get(results[0]!.reportUrl);
    expect(report.body).toContain('rows imported');
    const source = await browser.get('/data/sources/police-uk');
    expect(source.statusCode).toBe(200);
    expect(source.body).toContain('Apr 2025');
  });

  it('adds an incident list with its column mapping through the form, then takes its files through the upload page', async () => {
    await buildAgreement(handle, p, { title: 'Council ASB', partyAgencyIds: [p.agencies.police], datasets: ['council-asb'] });
    const browser = new Browser(app);
    await browser.signIn(p.emails['data-provider'], TEST_PASSWORD);
    await browser.get('/data/sources/new');
    const incomplete = await browser.post('/data/sources/mapping', { existing: 'no', slug: 'council-asb', name: 'Council ASB', dateFormat: 'dmy' });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.body).toContain('map a date-and-time column');
    const saved = await browser.post('/data/sources/mapping', {
      existing: 'no', slug: 'council-asb', name: 'Council ASB', dateTime: 'Reported', dateFormat: 'dmy', category: 'Category', reference: 'Reference',
      location: 'Location', easting: 'Easting', northing: 'Northing', keep: 'Status', taxonomyDefault: 'asb', taxonomyMap: 'Graffiti = criminal-damage-arson',
    });
    expect(saved.statusCode, saved.body).toBe(302);
    const edit = await browser.get('/data/sources/council-asb/mapping');
    expect(edit.body).toContain('Graffiti = criminal-damage-arson');
    await browser.get('/data/upload');
    const file = (await readdir(join(dir, 'council-asb'))).filter((f) => f.endsWith('.csv')).sort()[0]!;
    const content = readFileSync(join(dir, 'council-asb', file));
    const response = await browser.postMultipart('/data/upload', multipartBody({ kind: 'incidents', source: 'council-asb', mode: 'all-or-nothing' }, [{ name: 'files', fileName: file, content, type: 'text/csv' }]), { accept: 'application/json' });
    expect(response.statusCode, response.body).toBe(200);
    const expected = (parse(content, { columns: true, bom: true }) as unknown[]).length;
    expect(response.json().results[0]).toMatchObject({ status: 'imported', imported: expected, source: 'council-asb' });
  });

  it('hides small counts from everyone but analysts on the source page', async () => {
    // Three rows for January 2024: a month whose count must not be shown outside the analyst role.
    const header = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const rows = [1, 2, 3].map(() => ',2024-01,Test Police,Test Police,,,No Location,,,Anti-social behaviour,,');
    const result = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: 'small.csv', input: Readable.from([Buffer.from([header, ...rows].join('\n'))]), channel: 'cli' });
    expect(result.imported).toBe(3);
    const january = (html: string) => /Jan 2024<\/th>\s*<td[^>]*>([^<]*(?:<span[^>]*>[^<]*<\/span>)?)/.exec(html)?.[1]?.trim();
    const provider = new Browser(app);
    await provider.signIn(p.emails['data-provider'], TEST_PASSWORD);
    expect(january((await provider.get('/data/sources/police-uk')).body)).toContain('[c]');
    const analyst = new Browser(app);
    await analyst.signIn(p.emails.analyst, TEST_PASSWORD);
    expect(january((await analyst.get('/data/sources/police-uk')).body)).toBe('3');
  });

  it('lets the sending agency withdraw an upload, deleting its rows and auditing it; other agencies cannot', async () => {
    const header = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const rows = [1, 2, 3, 4, 5, 6].map(() => ',2023-07,Mistake Police,Mistake Police,,,No Location,,,Anti-social behaviour,,');
    const result = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: 'mistake.csv', input: Readable.from([Buffer.from([header, ...rows].join('\n'))]), channel: 'cli' });
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents WHERE upload_id = ${result.uploadId}`.execute(handle.db)).rows[0]!.n;
    expect(await count()).toBe(6);
    const admin = new Browser(app);
    await admin.signIn(p.emails['partnership-admin'], TEST_PASSWORD);
    const outsider = await buildPartnership(handle, { slug: 'outsider' });
    const stranger = new Browser(app);
    await stranger.signIn(outsider.emails['partnership-admin'], TEST_PASSWORD);
    await stranger.get('/overview');
    expect((await stranger.post(`/data/uploads/${result.uploadId}/withdraw`, {})).statusCode).toBe(404);
    expect(await count()).toBe(6);
    const provider = new Browser(app);
    await provider.signIn(p.emails['data-provider'], TEST_PASSWORD);
    const report = await provider.get(`/data/uploads/${result.uploadId}`);
    expect(report.body).toContain('Withdraw upload');
    expect((await provider.post(`/data/uploads/${result.uploadId}/withdraw`, {})).statusCode).toBe(302);
    expect(await count()).toBe(0);
    expect((await provider.get(`/data/uploads/${result.uploadId}`)).body).toContain('Withdrawn on');
    const { rows: audit } = await sql<{ detail: { deleted: number } }>`SELECT detail FROM audit_events WHERE partnership_id = ${p.id} AND action = 'upload.withdraw'`.execute(handle.db);
    expect(audit.map((a) => a.detail.deleted)).toEqual([6]);
    expect((await provider.post(`/data/uploads/${result.uploadId}/withdraw`, {})).statusCode).toBe(409);
  });

  it('offers the row-by-row problems of a refused file as a spreadsheet', async () => {
    const header = 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context';
    const bad = [header, ',2024-13,Test Police,Test Police,,,No Location,,,Anti-social behaviour,,', ',2024-02,Test Police,Test Police,,,"=HYPERLINK(""x"")",,,Anti-social behaviour,,'].join('\n');
    const result = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: 'bad.csv', input: Readable.from([Buffer.from(bad)]), channel: 'cli' });
    expect(result.status).toBe('refused');
    const provider = new Browser(app);
    await provider.signIn(p.emails['data-provider'], TEST_PASSWORD);
    expect((await provider.get(`/data/uploads/${result.uploadId}`)).body).toContain(`/data/uploads/${result.uploadId}/problems.csv`);
    const csv = await provider.get(`/data/uploads/${result.uploadId}/problems.csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body).toBe('line,field,reason\r\n2,Month,not a real month\r\n3,Location,looks like a spreadsheet formula\r\n');
  });
});
