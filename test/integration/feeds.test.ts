import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { COUNCIL_ASB_MAPPING } from '../../src/modules/demo/council-asb.model.ts';
import { readImd, readPopulation, readWardLookup } from '../../src/modules/geography/area-csv.loader.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from '../../src/modules/geography/geography.service.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { saveColumnMapping } from '../../src/modules/ingestion/mapping.service.ts';
import { runRetentionJob } from '../../src/modules/agreements/retention.service.ts';
import { createApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, type TestPartnership } from '../support/factories.ts';
import { buildTestApp } from '../support/http.ts';
import { expectUploadCountsMatchIncidents } from '../support/counts-reference.ts';

let handle: TestDatabase;
let p: TestPartnership;
let dir: string;
let app: FastifyInstance;

const incidentsOf = async (source: string) => {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents i JOIN sources s ON s.id = i.source_id WHERE i.partnership_id = ${p.id} AND s.slug = ${source}`.execute(handle.db);
  return rows[0]!.n;
};

beforeAll(async () => {
  handle = await createTestDatabase();
  p = await buildPartnership(handle, { slug: 'feeds' });
  dir = await mkdtemp(join(tmpdir(), 'lantern-feeds-'));
  await writeDemoFiles(dir, { seed: 11, months: 3, endMonth: '2025-05' });
  await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
  await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lsoa21.geojson'), { type: 'lsoa21' }), 'lsoa21');
  await loadWardLookup(handle.db, p.admin, await readWardLookup(join(dir, 'areas/lsoa11-ward-lad-lookup.csv')), 'lookup');
  await loadPopulation(handle.db, p.admin, await readPopulation(join(dir, 'areas/population-lsoa11.csv')), 'population');
  await loadDeprivation(handle.db, p.admin, await readImd(join(dir, 'areas/imd-lsoa11.csv')), 'imd');
  app = await buildTestApp(handle);
});
afterAll(async () => {
  await app?.close();
  await handle?.drop();
});

describe('agreements gate every upload', () => {
  it('refuses an upload with no agreement, and one under an ended agreement, saying why', async () => {
    const file = join(dir, 'police-uk', (await readdir(join(dir, 'police-uk'))).sort()[0]!);
    await expect(importFile(handle, { actor: p.actorFor('council'), partnershipId: p.id, kind: 'police-uk', fileName: 'x.csv', input: createReadStream(file), channel: 'cli' }))
      .rejects.toThrow(/no data-sharing agreement that covers "police-uk"/);
    await buildAgreement(handle, p, { title: 'Old council sharing', partyAgencyIds: [p.agencies.council], startDate: '2020-01-01', reviewDate: '2021-01-01', endDate: '2021-12-31' });
    await expect(importFile(handle, { actor: p.actorFor('council'), partnershipId: p.id, kind: 'police-uk', fileName: 'x.csv', input: createReadStream(file), channel: 'cli' }))
      .rejects.toThrow(/"Old council sharing" ended on 2021-12-31/);
    expect(await incidentsOf('police-uk')).toBe(0);
  });
});

describe('A&E assaults to the ISTV minimum dataset', () => {
  it('imports each month with minute-precision times, all as violence, and replaces a re-sent period', async () => {
    await buildAgreement(handle, p, { title: 'ISTV', partyAgencyIds: [p.agencies.ae], datasets: ['istv'] });
    const manifest = JSON.parse(readFileSync(join(dir, 'istv/manifest.json'), 'utf8')) as { files: Array<{ file: string; periodStart: string; periodEnd: string; siteCode: string; rows: number }> };
    let expected = 0;
    for (const entry of manifest.files) {
      const result = await importFile(handle, {
        actor: p.actorFor('ae'), partnershipId: p.id, kind: 'istv', fileName: entry.file, input: createReadStream(join(dir, 'istv', entry.file)), channel: 'cli',
        feed: { istv: { periodStart: entry.periodStart, periodEnd: entry.periodEnd, siteCode: entry.siteCode } },
      });
      expect(result.status, JSON.stringify(result.problems.slice(0, 3))).toBe('imported');
      expected += entry.rows;
    }
    expect(await incidentsOf('istv')).toBe(expected);
    const { rows } = await sql<{ n: number; timed: number; violence: number }>`SELECT count(*)::int AS n, count(occurred_at)::int AS timed, count(*) FILTER (WHERE category = 'violence')::int AS violence
      FROM incidents i JOIN sources s ON s.id = i.source_id WHERE i.partnership_id = ${p.id} AND s.slug = 'istv'`.execute(handle.db);
    expect(rows[0]).toEqual({ n: expected, timed: expected, violence: expected });
    const last = manifest.files[manifest.files.length - 1]!;
    const again = await importFile(handle, {
      actor: p.actorFor('ae'), partnershipId: p.id, kind: 'istv', fileName: last.file, input: createReadStream(join(dir, 'istv', last.file)), channel: 'cli',
      feed: { istv: { periodStart: last.periodStart, periodEnd: last.periodEnd, siteCode: last.siteCode } },
    });
    expect(again.replaced).toBe(last.rows);
    expect(await incidentsOf('istv')).toBe(expected);
    // Each stored time is the file's local assault time, read back in Europe/London.
    const rawRows = parse(readFileSync(join(dir, 'istv', last.file)), { columns: true }) as Array<Record<string, string>>;
    const stored = await sql<{ line: number; at: string }>`SELECT line, to_char(occurred_at AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI') AS at
      FROM incidents WHERE upload_id = ${again.uploadId} ORDER BY line`.execute(handle.db);
    expect(stored.rows.map((r) => r.at)).toEqual(rawRows.map((r) => r['ASSAULT DATE AND TIME']));
    expect(stored.rows.map((r) => r.line)).toEqual(rawRows.map((_, i) => i + 2));
    // Counted by Europe/London weekday and hour as the rows streamed, across the clocks going forward in March.
    await expectUploadCountsMatchIncidents(handle.db, p.id);
  });

  it('refuses a file with a column outside the minimum dataset, naming it', async () => {
    const csv = 'ARRIVAL DATE AND TIME AT ACCIDENT AND EMERGENCY DEPARTMENT,ASSAULT DATE AND TIME,ASSAULT METHOD,ASSAULT METHOD OTHER DESCRIPTION,ASSAULT LOCATION TYPE,ASSAULT LOCATION DESCRIPTION,Patient Name\n'
      + '2025-05-03 23:40,2025-05-03 23:10,body-part,,street,outside Liquid,John Smith\n';
    const result = await importFile(handle, {
      actor: p.actorFor('ae'), partnershipId: p.id, kind: 'istv', fileName: 'named.csv', input: Readable.from([Buffer.from(csv)]), channel: 'cli',
      feed: { istv: { periodStart: '2025-05-01', periodEnd: '2025-05-31', siteCode: 'XKB01' } },
    });
    expect(result.status).toBe('refused');
    expect(result.problems.map((pr) => pr.field)).toContain('Patient Name');
    expect(JSON.stringify(result)).not.toContain('John Smith');
  });
});

describe('a generic incident list with a saved column mapping', () => {
  it('imports council ASB with the mapping, then reuses it, converting grid references', async () => {
    await buildAgreement(handle, p, { title: 'Council ASB', partyAgencyIds: [p.agencies.council], datasets: ['council-asb'] });
    const actor = p.actorFor('council');
    await saveColumnMapping(handle.db, actor, { sourceSlug: 'council-asb', mapping: { ...COUNCIL_ASB_MAPPING, keep: ['Status'], taxonomy: { default: 'asb', map: { Graffiti: 'criminal-damage-arson' } } } });
    const files = (await readdir(join(dir, 'council-asb'))).filter((f) => f.endsWith('.csv')).sort();
    let expected = 0;
    let graffiti = 0;
    for (const f of files) {
      const raw = parse(readFileSync(join(dir, 'council-asb', f)), { columns: true, bom: true }) as Array<Record<string, string>>;
      expected += raw.length;
      graffiti += raw.filter((r) => r.Category === 'Graffiti').length;
      const result = await importFile(handle, { actor, partnershipId: p.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: f, input: createReadStream(join(dir, 'council-asb', f)), channel: 'cli' });
      expect(result.status, JSON.stringify(result.problems.slice(0, 3))).toBe('imported');
    }
    expect(await incidentsOf('council-asb')).toBe(expected);
    const { rows } = await sql<{ located: number; damage: number }>`SELECT count(*) FILTER (WHERE i.lon IS NOT NULL AND i.ward_id IS NOT NULL)::int AS located,
      count(*) FILTER (WHERE i.category = 'criminal-damage-arson')::int AS damage
      FROM incidents i JOIN sources s ON s.id = i.source_id WHERE i.partnership_id = ${p.id} AND s.slug = 'council-asb'`.execute(handle.db);
    expect(rows[0]!.located).toBeGreaterThan(expected * 0.95);
    expect(rows[0]!.damage).toBe(graffiti);
  });

  it('imports the valid rows and quarantines the rest when asked, listing every quarantined row', async () => {
    const csv = 'Reference,Reported,Category,Location,Easting,Northing,Ward,Status\n'
      + 'ASB/25/1,01/05/2025 22:10,Noise,High Street,,,Central,Open\n'
      + 'ASB/25/2,31/02/2025 22:10,Noise,High Street,,,Central,Open\n'
      + 'ASB/25/3,02/05/2025 10:00,Noise,call 07700 900123,,,Central,Open\n'
      + 'ASB/25/4,03/05/2025 11:00,Begging,Market Square,,,Central,Closed\n';
    const all = await importFile(handle, { actor: p.actorFor('council'), partnershipId: p.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: 'mixed.csv', input: Readable.from([Buffer.from(csv)]), channel: 'cli' });
    expect(all.status).toBe('refused');
    expect(all.rejected).toBe(2);
    const quarantine = await importFile(handle, { actor: p.actorFor('council'), partnershipId: p.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: 'mixed.csv', input: Readable.from([Buffer.from(csv)]), mode: 'quarantine', channel: 'cli' });
    expect(quarantine.status).toBe('imported');
    expect(quarantine.imported).toBe(2);
    expect(quarantine.quarantined).toBe(2);
    const { rows } = await sql<{ line: number; raw: Record<string, string> }>`SELECT line, raw FROM quarantined_rows WHERE upload_id = ${quarantine.uploadId} ORDER BY line`.execute(handle.db);
    expect(rows.map((r) => r.line)).toEqual([3, 4]);
    expect(JSON.stringify(rows)).not.toContain('07700 900123');
  });
});

describe('the JSON API', () => {
  it('takes a police.uk file from an agency token and reports it in stats', async () => {
    await buildAgreement(handle, p, { title: 'Police', partyAgencyIds: [p.agencies.police], datasets: ['police-uk'] });
    const { token } = await createApiToken(handle.db, p.admin, { agencyId: p.agencies.police, role: 'data-provider', name: 'feed' });
    const files = (await readdir(join(dir, 'police-uk'))).sort();
    const body = readFileSync(join(dir, 'police-uk', files[0]!));
    const expected = (parse(body, { columns: true }) as unknown[]).length;
    const response = await app.inject({ method: 'POST', url: `/api/v1/partnerships/feeds/uploads/police-uk?fileName=${files[0]}`, headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, payload: body });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'imported', imported: expected });
    const stats = await app.inject({ method: 'GET', url: '/api/v1/partnerships/feeds/stats', headers: { authorization: `Bearer ${token}` } });
    const police = stats.json().sources.find((s: { source: string }) => s.source === 'police-uk');
    expect(police).toMatchObject({ rows: expected, months: [files[0]!.slice(0, 7)] });
    const openapi = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(Object.keys(openapi.json().paths)).toEqual(expect.arrayContaining(['/api/v1/partnerships/{slug}/uploads/police-uk', '/api/v1/partnerships/{slug}/uploads/istv', '/api/v1/partnerships/{slug}/stats', '/api/v1/health']));
    const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(health.json()).toEqual({ status: 'ok', database: 'up' });
  });
});

describe('retention', () => {
  it('deletes data past its agreement retention period and audits it', async () => {
    const before = await incidentsOf('istv');
    expect(before).toBeGreaterThan(0);
    // 84 months after May 2025 nothing has expired; the day after the last month's retention ends, everything has.
    expect(await runRetentionJob(handle.db, '2026-01-01')).toEqual([]);
    const results = await runRetentionJob(handle.db, '2032-07-01');
    expect(results.find((r) => r.agreement === 'ISTV')?.deleted).toBe(before);
    expect(await incidentsOf('istv')).toBe(0);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${p.id} AND action = 'retention.delete'`.execute(handle.db);
    expect(rows[0]!.n).toBeGreaterThan(0);
    // Quarantined rows expire with the retention period counted from their upload (today).
    const quarantined = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM quarantined_rows WHERE partnership_id = ${p.id}`.execute(handle.db)).rows[0]!.n;
    expect(await quarantined()).toBe(2);
    await runRetentionJob(handle.db, '2099-01-01');
    expect(await quarantined()).toBe(0);
    expect((await verifyAuditChain(handle.db, p.id)).ok).toBe(true);
  });
});
