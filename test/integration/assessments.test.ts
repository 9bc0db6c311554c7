import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { extractText, getDocumentProxy } from 'unpdf';
import { runAssessmentPublish } from '../../src/cli/assessment.command.ts';
import { DEMO_PASSWORD, DEMO_SLUG, loadDemoPartnership } from '../../src/modules/demo/demo.service.ts';
import { compareWithPrevious, generateAssessment, getAssessment, publishAssessment, saveConcern, saveSectionText } from '../../src/modules/assessments/assessment.service.ts';
import { openWorkspace } from '../../src/modules/analysis/workspace.ts';
import { parseFilters } from '../../src/modules/analysis/filters.ts';
import { getWhen } from '../../src/modules/analysis/patterns.service.ts';
import { createApiToken, listAgencies, requirePartnershipBySlug } from '../../src/modules/partnerships/partnership.service.ts';
import { systemActor, type Actor } from '../../src/shared/authorization.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildPartnership, TEST_PASSWORD } from '../support/factories.ts';
import { Browser, buildTestApp } from '../support/http.ts';

/**
 * Strategic assessments of the synthetic demo partnership: the published PDF read back as
 * text and checked against counts taken here from the generated files; versions, concern
 * scores, publication freezing, suppression and access.
 */

const FROM = '2024-06';
const TO = '2025-05';
const fmt = (n: number) => n.toLocaleString('en-GB');
const inPeriod = (month: string) => month >= FROM && month <= TO;
const yearLater = (month: string) => `${Number(month.slice(0, 4)) + 1}${month.slice(4)}`;

async function csvRows(dir: string): Promise<Array<Record<string, string>>> {
  const rows: Array<Record<string, string>> = [];
  for (const name of (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort()) {
    rows.push(...(parse(await readFile(join(dir, name)), { columns: true, bom: true }) as Array<Record<string, string>>));
  }
  return rows;
}

async function pdfText(pdf: Buffer | Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { totalPages, text } = await extractText(doc, { mergePages: true });
  return { pages: totalPages, text: text.replace(/\s+/g, ' ') };
}

let db: TestDatabase;
let app: FastifyInstance;
let files: string;
let partnershipId: number;
let analyst: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  files = await mkdtemp(join(tmpdir(), 'lantern-demo-'));
  await loadDemoPartnership(db, { dir: files });
  partnershipId = (await requirePartnershipBySlug(db.db, DEMO_SLUG)).id;
  analyst = { ...systemActor(partnershipId, 'analyst@test'), role: 'analyst' };
  app = await buildTestApp(db);
}, 180_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
  if (files) await rm(files, { recursive: true, force: true });
});

describe('publishing the demo partnership’s strategic assessment', () => {
  it('writes HTML and a PDF whose text has every section and the counts of the generated files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lantern-assessment-'));
    try {
      await runAssessmentPublish(db, { partnership: DEMO_SLUG, period: `${FROM}..${TO}`, out, template: 'strategic-assessment', quiet: true });
      const written = (await readdir(out)).sort();
      expect(written).toEqual([`${DEMO_SLUG}-strategic-assessment-${FROM}-to-${TO}.html`, `${DEMO_SLUG}-strategic-assessment-${FROM}-to-${TO}.pdf`]);
      const pdf = await readFile(join(out, written[1]!));
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const { pages, text } = await pdfText(pdf);
      expect(pages).toBeGreaterThan(3);

      for (const heading of ['1. Summary', '2. Recommended priorities', '3. Analysis of each priority', '4. Outcome indicators',
        '5. Comparison with similar partnerships', '6. Cost of crime to each agency', '7. Data sources, coverage and caveats']) {
        expect(text, heading).toContain(heading);
      }
      expect(text).toContain('Synthetic demonstration data');

      // Categories only the police share: this period and the same months a year earlier, from the raw files.
      const police = await csvRows(join(files, 'police-uk'));
      for (const [label, crimeType] of [['Robbery', 'Robbery'], ['Burglary', 'Burglary'], ['Vehicle crime', 'Vehicle crime'], ['Drugs', 'Drugs']] as const) {
        const now = police.filter((r) => r['Crime type'] === crimeType && inPeriod(r.Month!)).length;
        const before = police.filter((r) => r['Crime type'] === crimeType && inPeriod(yearLater(r.Month!))).length;
        expect(now, label).toBeGreaterThan(4);
        expect(text, `${label} row`).toContain(`${label} ${fmt(now)} ${fmt(before)}`);
      }

      // Violence: police "Violence and sexual offences" plus A&E attendances, by the month of the assault.
      const istv = await csvRows(join(files, 'istv'));
      const violence = police.filter((r) => r['Crime type'] === 'Violence and sexual offences' && inPeriod(r.Month!)).length
        + istv.filter((r) => inPeriod(r['ASSAULT DATE AND TIME']!.slice(0, 7))).length;
      expect(text).toContain(`Violence (including sexual offences) ${fmt(violence)}`);

      // B12a, the A&E proxy: attendances per 100,000 residents, with Byar's 95% interval written out here.
      const attendances = istv.filter((r) => inPeriod(r['ASSAULT DATE AND TIME']!.slice(0, 7))).length;
      const residents = (parse(await readFile(join(files, 'areas/population-lsoa11.csv')), { columns: true, bom: true }) as Array<Record<string, string>>)
        .reduce((sum, r) => sum + Number(r['Persons_All-Ages']), 0);
      const z = 1.959963984540054;
      const byarLower = attendances * (1 - 1 / (9 * attendances) - z / (3 * Math.sqrt(attendances))) ** 3;
      const byarUpper = (attendances + 1) * (1 - 1 / (9 * (attendances + 1)) + z / (3 * Math.sqrt(attendances + 1))) ** 3;
      const per100k = (n: number) => ((n / residents) * 100_000).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
      expect(text).toContain(`${fmt(attendances)} ${per100k(attendances)} ${per100k(byarLower)} to ${per100k(byarUpper)}`);

      // Agencies that shared nothing are named.
      expect(text).toMatch(/Not shared for this period: .*Kingsbridge Fire and Rescue \(synthetic\)/);
      const html = await readFile(join(out, written[0]!), 'utf8');
      expect(html).not.toMatch(/<script|<link|src="http/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('drafts, versions and publication', () => {
  it('keeps every edit as a version, refuses a stale save, and freezes what was published', async () => {
    const { assessment, version } = await generateAssessment(db.db, analyst, { template: 'strategic-assessment', from: '2024-01', to: '2024-12' });
    expect(version.version).toBe(1);
    const words = 'Violence rose in the town centre.\n\nThe night-time economy is the main driver. <script>alert(1)</script>';
    const v2 = await saveSectionText(db.db, analyst, assessment.id, { version: 1, section: 'summary', text: words });
    expect(v2.version).toBe(2);
    await expect(saveSectionText(db.db, analyst, assessment.id, { version: 1, section: 'summary', text: 'lost words' })).rejects.toMatchObject({ code: 'conflict' });
    await expect(saveSectionText(db.db, analyst, assessment.id, { version: 2, section: 'not-a-section', text: 'x' })).rejects.toMatchObject({ code: 'invalid-input' });

    const first = await getAssessment(db.db, analyst, assessment.id, 1);
    expect(first.version.narrative).toEqual({});
    const second = await getAssessment(db.db, analyst, assessment.id);
    expect(second.version.narrative.summary).toBe(words);

    const changes = await compareWithPrevious(db.db, analyst, assessment.id, 2);
    expect(changes.from.version).toBe(1);
    expect(changes.figuresGathered).toBeNull();
    expect(changes.sections.filter((c) => c.changed).map((c) => [c.key, c.before, c.after])).toEqual([['summary', '', words]]);
    await expect(compareWithPrevious(db.db, analyst, assessment.id, 1)).rejects.toMatchObject({ code: 'not-found-or-no-access' });

    const published = await publishAssessment(db.db, analyst, assessment.id, { version: 2 });
    expect(published.version.version).toBe(3);
    expect(published.html).toContain('Violence rose in the town centre.</p>');
    expect(published.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const { text } = await pdfText(published.pdf);
    expect(text).toContain('The night-time economy is the main driver.');

    await expect(sql`UPDATE assessment_versions SET narrative = '{}'::jsonb WHERE assessment_id = ${assessment.id} AND version = 3`.execute(db.db))
      .rejects.toThrow(/published assessment versions cannot be changed/);
    await expect(publishAssessment(db.db, analyst, assessment.id, { version: 3 })).rejects.toMatchObject({ code: 'conflict' });

    const audit = await db.db.selectFrom('audit_events').select(['action']).where('record_type', '=', 'assessment').where('record_id', '=', String(assessment.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['assessment.create', 'assessment.edit', 'assessment.publish']);
  }, 60_000);

  it('publishes nothing when the PDF cannot be made, and says why', async () => {
    const { assessment, version } = await generateAssessment(db.db, analyst, { template: 'strategic-assessment', from: '2023-08', to: '2024-07' });
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      await expect(publishAssessment(db.db, analyst, assessment.id, { version: version.version })).rejects.toMatchObject({ code: 'pdf-unavailable', message: expect.stringContaining('CHROMIUM_PATH') });
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
    const versions = await db.db.selectFrom('assessment_versions').select(['version', 'status']).where('assessment_id', '=', assessment.id).execute();
    expect(versions).toEqual([{ version: 1, status: 'draft' }]);
  }, 60_000);

  it('rescores the priorities when public concern is entered', async () => {
    const { assessment, version } = await generateAssessment(db.db, analyst, { template: 'strategic-assessment', from: '2024-02', to: '2025-01' });
    const before = (await getAssessment(db.db, analyst, assessment.id)).version.evidence.priorities;
    const drugs = before.find((p) => p.category === 'drugs')!;
    expect(drugs.concern).toBe(3);
    expect(drugs.concernEntered).toBe(false);
    await saveConcern(db.db, analyst, assessment.id, { version: version.version, concern: { drugs: 5, asb: 0 } });
    const after = (await getAssessment(db.db, analyst, assessment.id)).version.evidence.priorities;
    const drugsAfter = after.find((p) => p.category === 'drugs')!;
    expect(drugsAfter).toMatchObject({ concern: 5, concernEntered: true, total: drugs.total + 2 });
    expect(after.find((p) => p.category === 'asb')!.total).toBe(before.find((p) => p.category === 'asb')!.total - 3);
    // Scores are ranked highest first and the top three are recommended.
    expect(after.map((p) => p.total)).toEqual([...after.map((p) => p.total)].sort((a, b) => b - a));
    expect(after.filter((p) => p.recommended).map((p) => p.category)).toEqual(after.slice(0, 3).map((p) => p.category));
    await expect(saveConcern(db.db, analyst, assessment.id, { version: 2, concern: { nonsense: 1 } })).rejects.toMatchObject({ code: 'invalid-input' });
  }, 60_000);

  it('gathers figures as every agency will read them: counts of 1 to 4 never appear', async () => {
    const { assessment } = await generateAssessment(db.db, analyst, { template: 'violence-problem-profile', from: FROM, to: TO });
    const evidence = (await getAssessment(db.db, analyst, assessment.id)).version.evidence;
    const ws = await openWorkspace(db.db, analyst, parseFilters({ from: FROM, to: TO, category: ['violence'] }));
    const own = await getWhen(db.db, ws);
    const published = evidence.when!.heatmap.values.flat();
    const analystView = own.heatmap.values.flat();
    expect(analystView.some((v) => v !== null && v > 0 && v < 5)).toBe(true);
    analystView.forEach((v, i) => {
      if (v !== null && v > 0 && v < 5) expect(published[i], `cell ${i}`).toBeNull();
      else if (published[i] !== null) expect(published[i]).toBe(v);
    });
    expect(published.some((v) => v !== null && v > 0 && v < 5)).toBe(false);
  }, 60_000);
});

describe('who can see what', () => {
  it('shows drafts to editors only, published versions to everyone in the partnership, and nothing to other partnerships', async () => {
    const { assessment, version } = await generateAssessment(db.db, analyst, { template: 'strategic-assessment', from: '2023-07', to: '2024-06' });
    const viewer = new Browser(app);
    await viewer.signIn('viewer@kingsbridge.example', DEMO_PASSWORD);
    expect((await viewer.get(`/assessments/${assessment.id}`)).statusCode).toBe(404);
    expect((await viewer.get('/assessments/new')).statusCode).toBe(404);
    expect((await viewer.get('/assessments')).body).not.toContain(assessment.title);

    const editor = new Browser(app);
    await editor.signIn('analyst@kingsbridge.example', DEMO_PASSWORD);
    const page = await editor.get(`/assessments/${assessment.id}`);
    expect(page.statusCode).toBe(200);
    // The banner's words come from Lantern, never from the link.
    const spoofed = await editor.get(`/assessments/${assessment.id}?saved=${encodeURIComponent('Your password has expired: sign in at evil.example')}&v=2`);
    expect(spoofed.statusCode).toBe(200);
    expect(spoofed.body).not.toContain('evil.example');
    const publish = await editor.post(`/assessments/${assessment.id}/publish`, { version: String(version.version) });
    expect(publish.statusCode).toBe(302);
    const publishedVersion = version.version + 1;

    const listed = await viewer.get('/assessments');
    expect(listed.body).toContain(assessment.title);
    const pdf = await viewer.get(`/assessments/${assessment.id}/versions/${publishedVersion}/document.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await viewer.get(`/assessments/${assessment.id}/versions/${version.version}`)).statusCode).toBe(404);
    // A viewer cannot write: the edit routes are refused before anything is read.
    expect((await viewer.post(`/assessments/${assessment.id}/sections/summary`, { version: String(publishedVersion), text: 'x' })).statusCode).toBe(404);

    const other = await buildPartnership(db);
    const outsider = new Browser(app);
    await outsider.signIn(other.emails.analyst, TEST_PASSWORD);
    expect((await outsider.get(`/assessments/${assessment.id}`)).statusCode).toBe(404);
    expect((await outsider.get(`/assessments/${assessment.id}/versions/${publishedVersion}/document.pdf`)).statusCode).toBe(404);
    expect((await outsider.post(`/assessments/${assessment.id}/sections/summary`, { version: String(publishedVersion), text: 'x' })).statusCode).toBe(404);
  }, 60_000);

  it('lists published assessments through the API and serves their files, never a draft', async () => {
    const { assessment, version } = await generateAssessment(db.db, analyst, { template: 'violence-problem-profile', from: '2023-09', to: '2024-08' });
    const viewerToken = (await createApiToken(db.db, systemActor(partnershipId, 'test'), { agencyId: (await listAgencies(db.db, partnershipId))[0]!.id, role: 'viewer', name: 'board pack' })).token;
    const get = (url: string, token = viewerToken) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    const before = (await get(`/api/v1/partnerships/${DEMO_SLUG}/assessments`)).json() as { assessments: Array<{ id: number; published: unknown; latestVersion: number | null }> };
    expect(before.assessments.find((a) => a.id === assessment.id)).toBeUndefined();
    await publishAssessment(db.db, analyst, assessment.id, { version: version.version });
    const after = (await get(`/api/v1/partnerships/${DEMO_SLUG}/assessments`)).json() as { assessments: Array<{ id: number; latestVersion: number | null; published: { version: number; pdf: string } | null }> };
    const listed = after.assessments.find((a) => a.id === assessment.id)!;
    expect(listed).toMatchObject({ latestVersion: null, published: { version: version.version + 1 } });
    const pdf = await get(listed.published!.pdf);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await get(`/api/v1/partnerships/${DEMO_SLUG}/assessments/${assessment.id}/versions/${version.version}/document.pdf`)).statusCode).toBe(404);
    const other = await buildPartnership(db);
    const outsider = (await createApiToken(db.db, other.admin, { agencyId: other.agencies.council, role: 'analyst', name: 'x' })).token;
    expect((await get(listed.published!.pdf, outsider)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: listed.published!.pdf })).statusCode).toBe(401);
  }, 60_000);

  it('generates a draft through the form, with clear errors for a bad period', async () => {
    const editor = new Browser(app);
    await editor.signIn('analyst@kingsbridge.example', DEMO_PASSWORD);
    await editor.get('/assessments/new');
    const bad = await editor.post('/assessments', { template: 'strategic-assessment', from: '2024-13', to: '2024-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the first month as YYYY-MM');
    const backwards = await editor.post('/assessments', { template: 'strategic-assessment', from: '2024-06', to: '2024-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('The last month must be the same as or after the first month.');
    const ok = await editor.post('/assessments', { template: 'violence-problem-profile', from: '2024-09', to: '2025-02', title: 'Night-time violence profile' });
    expect(ok.statusCode).toBe(302);
    const page = await editor.get(ok.headers.location as string);
    expect(page.body).toContain('Night-time violence profile');
    expect(page.body).toContain('Violence the police do not hear about');
  }, 60_000);
});
