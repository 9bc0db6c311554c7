import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, type TestPartnership } from '../support/factories.ts';

const CORPUS = resolve('test/fixtures/malformed');

/**
 * Every malformed file of the corpus, through the real import into real PostgreSQL: the
 * right reasons, and the store exactly as it was (the upload itself is recorded as refused).
 */
describe('the malformed corpus through the import', () => {
  let handle: TestDatabase;
  let p: TestPartnership;

  const snapshot = async () => {
    const { rows } = await sql<{ incidents: number; quarantined: number; findings: number; imported: number }>`SELECT
      (SELECT count(*)::int FROM incidents WHERE partnership_id = ${p.id}) AS incidents,
      (SELECT count(*)::int FROM quarantined_rows WHERE partnership_id = ${p.id}) AS quarantined,
      (SELECT count(*)::int FROM data_quality_findings WHERE partnership_id = ${p.id}) AS findings,
      (SELECT count(*)::int FROM uploads WHERE partnership_id = ${p.id} AND status = 'imported') AS imported`.execute(handle.db);
    return rows[0]!;
  };

  const police = (file: string) => importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: file, input: createReadStream(join(CORPUS, file)), channel: 'cli' });
  const istv = (file: string) => importFile(handle, {
    actor: p.actorFor('ae'), partnershipId: p.id, kind: 'istv', fileName: file, input: createReadStream(join(CORPUS, file)), channel: 'cli',
    feed: { istv: { periodStart: '2023-02-01', periodEnd: '2023-02-28', siteCode: 'RYJ01' } },
  });

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'corpus' });
    await buildAgreement(handle, p, { partyAgencyIds: [p.agencies.police] });
    await buildAgreement(handle, p, { title: 'ISTV', partyAgencyIds: [p.agencies.ae], datasets: ['istv'] });
  });
  afterAll(async () => handle?.drop());

  const refusedPolice: Array<[string, { line: number; field: string; reason: string }]> = [
    ['police-bad-quoting.csv', { line: 3, field: 'Location', reason: 'quotation mark never closed' }],
    ['police-missing-columns.csv', { line: 0, field: 'LSOA code', reason: 'column missing' }],
    ['police-impossible-month.csv', { line: 3, field: 'Month', reason: 'not a real month' }],
    ['police-outside-uk.csv', { line: 2, field: 'Longitude', reason: 'coordinates outside the UK' }],
    ['police-formula-injection.csv', { line: 3, field: 'Location', reason: 'looks like a spreadsheet formula' }],
    ['police-oversized-field.csv', { line: 2, field: 'Context', reason: 'field longer than 1000 characters' }],
    ['police-nhs-number.csv', { line: 2, field: 'Context', reason: 'looks like an NHS number' }],
  ];

  it.each(refusedPolice)('%s is refused with its reason and changes nothing', async (file, problem) => {
    const before = await snapshot();
    const result = await police(file);
    expect(result.status).toBe('refused');
    expect(result.problems).toContainEqual(problem);
    expect(await snapshot()).toEqual(before);
    const { rows } = await sql<{ status: string; report: { problems: unknown[] } }>`SELECT status, report FROM uploads WHERE id = ${result.uploadId}`.execute(handle.db);
    expect(rows[0]!.status).toBe('refused');
    expect(rows[0]!.report.problems).toContainEqual(problem);
  });

  it('never stores or reports the NHS number it refused', async () => {
    const result = await police('police-nhs-number.csv');
    expect(JSON.stringify(result)).not.toMatch(/943\s?476\s?5919/);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM uploads WHERE report::text ~ '943 ?476 ?5919'`.execute(handle.db);
    expect(rows[0]!.n).toBe(0);
  });

  it.each([
    ['istv-impossible-date.csv', { line: 3, field: 'ASSAULT DATE AND TIME', reason: 'not a real date' }],
    ['istv-postcode-and-email.csv', { line: 2, field: 'ASSAULT LOCATION DESCRIPTION', reason: 'looks like a full postcode' }],
    ['istv-patient-name-column.csv', { line: 0, field: 'Patient Name', reason: 'column not in the ISTV minimum dataset' }],
  ] as const)('%s is refused with its reason and changes nothing', async (file, problem) => {
    const before = await snapshot();
    const result = await istv(file);
    expect(result.status).toBe('refused');
    expect(result.problems).toContainEqual(problem);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an empty file', async () => {
    const result = await police('empty.csv');
    expect(result.status).toBe('refused');
    expect(result.imported).toBe(0);
  });

  it('reads Latin-1 and UTF-8-with-BOM files correctly', async () => {
    const latin = await police('police-latin1.csv');
    expect(latin.status).toBe('imported');
    expect(latin.encoding).toContain('windows-1252');
    const { rows } = await sql<{ location_desc: string }>`SELECT location_desc FROM incidents WHERE upload_id = ${latin.uploadId} ORDER BY line`.execute(handle.db);
    expect(rows.map((r) => r.location_desc)).toEqual(['On or near Café Rouge', 'On or near The £1 Shop']);
    const bom = await police('police-utf8-bom.csv');
    expect(bom.status).toBe('imported');
    expect(bom.imported).toBe(2);
  });
});
