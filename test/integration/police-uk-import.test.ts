import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { importFile, type ImportResult } from '../../src/modules/ingestion/import.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, CITY_POLICE_DIR, hasSharedData, loadCityGeography, SHARED_DATA, type TestPartnership } from '../support/factories.ts';

/**
 * Imports every City of London Police file of the open data and checks the store against
 * figures computed here, independently, from the raw files.
 */
describe.skipIf(!hasSharedData)('police.uk import of the real City of London files (needs ../shared/data)', () => {
  let handle: TestDatabase;
  let p: TestPartnership;
  const files = hasSharedData ? readdirSync(CITY_POLICE_DIR).filter((f) => f.endsWith('.csv')).sort() : [];
  const raw = files.flatMap((f) => (parse(readFileSync(join(CITY_POLICE_DIR, f)), { columns: true, bom: true }) as Array<Record<string, string>>));
  let first: ImportResult[] = [];

  const importAll = async () => {
    const results: ImportResult[] = [];
    for (const f of files) {
      results.push(await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: f, input: createReadStream(join(CITY_POLICE_DIR, f)), channel: 'cli' }));
    }
    return results;
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'city' });
    await buildAgreement(handle, p);
    await loadCityGeography(handle, p);
    first = await importAll();
  });
  afterAll(async () => handle?.drop());

  it('imports every row of every file', async () => {
    expect(first.every((r) => r.status === 'imported'), first.filter((r) => r.status !== 'imported').map((r) => `${r.fileName}: ${r.message} ${JSON.stringify(r.problems.slice(0, 3))}`).join('\n')).toBe(true);
    expect(raw.length).toBe(19_950);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents WHERE partnership_id = ${p.id}`.execute(handle.db);
    expect(rows[0]!.n).toBe(raw.length);
  });

  it('keeps the counts per month and per crime type of the raw files', async () => {
    const expected = new Map<string, number>();
    for (const r of raw) expected.set(`${r.Month}|${r['Crime type']}`, (expected.get(`${r.Month}|${r['Crime type']}`) ?? 0) + 1);
    const { rows } = await sql<{ k: string; n: number }>`SELECT to_char(month, 'YYYY-MM') || '|' || source_category AS k, count(*)::int AS n FROM incidents WHERE partnership_id = ${p.id} GROUP BY 1`.execute(handle.db);
    expect(new Map(rows.map((r) => [r.k, r.n]))).toEqual(expected);
  });

  it('counts rows without location exactly as the files have them', async () => {
    const noLocation = raw.filter((r) => r.Longitude === '' && r.Latitude === '' && r['LSOA code'] === '').length;
    expect(noLocation).toBeGreaterThan(1000);
    expect(first.reduce((s, r) => s + r.withoutLocation, 0)).toBe(noLocation);
  });

  it('flags rows outside the City, and only those', async () => {
    // Independently: a located row is inside when its LSOA code is a City LSOA (either vintage).
    const cityCodes = new Set<string>();
    for (const file of ['london-lsoa11.geojson', 'london-lsoa21.geojson']) {
      const doc = JSON.parse(readFileSync(join(SHARED_DATA, 'boundaries', file), 'utf8')) as { features: Array<{ properties: Record<string, string> }> };
      for (const f of doc.features) {
        if (f.properties.LAD11CD === 'E09000001' || f.properties.LAD22CD === 'E09000001') cityCodes.add(f.properties.LSOA11CD ?? f.properties.LSOA21CD!);
      }
    }
    const located = raw.filter((r) => r['LSOA code'] !== '' || r.Longitude !== '');
    const outsideByCode = located.filter((r) => !cityCodes.has(r['LSOA code']!)).length;
    const outside = first.reduce((s, r) => s + r.outsideArea, 0);
    expect(outsideByCode).toBeGreaterThan(500);
    expect(outside).toBe(outsideByCode);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents WHERE partnership_id = ${p.id} AND location_status = 'located' AND (lsoa11_id IS NULL OR lsoa21_id IS NULL OR ward_id IS NULL OR lad_id IS NULL)`.execute(handle.db);
    expect(rows[0]!.n).toBe(0);
  });

  it('keeps rows that share a Crime ID and identical ASB rows, and reports them', async () => {
    const ids = new Map<string, number>();
    for (const r of raw) if (r['Crime ID']) ids.set(r['Crime ID'], (ids.get(r['Crime ID']) ?? 0) + 1);
    const shared = [...ids.values()].filter((n) => n > 1).length;
    expect(shared).toBe(388);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT source_ref FROM incidents WHERE partnership_id = ${p.id} AND source_ref IS NOT NULL GROUP BY source_ref HAVING count(*) > 1) s`.execute(handle.db);
    expect(rows[0]!.n).toBe(shared);
    // Shared IDs within one monthly file are reported on that file's upload.
    const reported = first.flatMap((r) => r.findings).filter((f) => f.kind === 'shared-crime-id').reduce((s, f) => s + (f.detail.ids as number), 0);
    expect(reported).toBeGreaterThan(0);
    expect(first.some((r) => r.findings.some((f) => f.kind === 'identical-rows'))).toBe(true);
  });

  it('leaves the same totals when every file is imported again, replacing each batch', async () => {
    const second = await importAll();
    expect(second.every((r) => r.status === 'imported')).toBe(true);
    expect(second.reduce((s, r) => s + r.replaced, 0)).toBe(raw.length);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents WHERE partnership_id = ${p.id}`.execute(handle.db);
    expect(rows[0]!.n).toBe(raw.length);
    const audit = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events WHERE partnership_id = ${p.id} AND action = 'upload.import-replace'`.execute(handle.db);
    expect(audit.rows[0]!.n).toBe(files.length);
  });

  it('keeps on each row only what nothing else records: context, and the LSOA name of rows placed outside the City', async () => {
    const withContext = raw.filter((r) => r.Context !== '').length;
    const { rows } = await sql<{ context: number; outside_named: number; outside_with_name_in_file: number }>`SELECT
      count(*) FILTER (WHERE attributes ? 'context')::int AS context,
      count(*) FILTER (WHERE location_status = 'outside-area' AND attributes ? 'lsoaName')::int AS outside_named,
      count(*) FILTER (WHERE location_status = 'located' AND attributes ? 'lsoaName')::int AS outside_with_name_in_file
      FROM incidents WHERE partnership_id = ${p.id}`.execute(handle.db);
    expect(rows[0]!.context).toBe(withContext);
    expect(rows[0]!.outside_named).toBe(first.reduce((s, r) => s + r.outsideArea, 0));
    expect(rows[0]!.outside_with_name_in_file).toBe(0);
  });

  it('records provenance on every row', async () => {
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM incidents i JOIN uploads u ON u.id = i.upload_id
      WHERE i.partnership_id = ${p.id} AND u.agency_id = ${p.agencies.police} AND u.agreement_id IS NOT NULL AND u.status = 'imported'`.execute(handle.db);
    expect(rows[0]!.n).toBe(raw.length);
  });
});
