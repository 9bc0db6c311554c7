import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { withdrawUpload } from '../../src/modules/ingestion/data.service.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { createApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, CITY_POLICE_DIR, hasSharedData, loadCityGeography, type TestPartnership } from '../support/factories.ts';
import { files, isLocated, rawByFile } from '../support/city-reference.ts';
import { buildTestApp } from '../support/http.ts';

/**
 * Hotspot results are kept until the partnership's data changes: every import, withdrawal
 * and retention run must be seen by the next request, never a stale result.
 */
describe.skipIf(!hasSharedData)('analysis results follow the data version (needs ../shared/data)', () => {
  let handle: TestDatabase;
  let app: FastifyInstance;
  let p: TestPartnership;
  let auth: { authorization: string };
  const chosen = files.slice(0, 3);

  const importOne = (file: string) => importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: file, input: createReadStream(join(CITY_POLICE_DIR, file)), channel: 'cli' });
  const version = async () => (await sql<{ v: number }>`SELECT data_version AS v FROM partnerships WHERE id = ${p.id}`.execute(handle.db)).rows[0]!.v;
  const gridTotal = async () => {
    const response = await app.inject({ url: `/api/v1/partnerships/${p.slug}/hotspots?method=count&cell=250&from=2020-01&to=2026-12`, headers: auth });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { cells: Array<{ count: number }>; outsideGrid: number };
    return body.cells.reduce((s, c) => s + c.count, 0) + body.outsideGrid;
  };
  const located = (names: string[]) => names.reduce((s, f) => s + rawByFile.get(f)!.filter(isLocated).length, 0);

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'versions' });
    await buildAgreement(handle, p);
    await loadCityGeography(handle, p);
    app = await buildTestApp(handle);
    auth = { authorization: `Bearer ${(await createApiToken(handle.db, p.admin, { agencyId: p.agencies.council, role: 'analyst', name: 'dashboard' })).token}` };
  });
  afterAll(async () => {
    await app?.close();
    await handle?.drop();
  });

  it('bumps the version on import and withdrawal, and the next request sees the change', async () => {
    const v0 = await version();
    const first = await importOne(chosen[0]!);
    expect(await version()).toBeGreaterThan(v0);
    expect(await gridTotal()).toBe(located(chosen.slice(0, 1)));
    expect(await gridTotal()).toBe(located(chosen.slice(0, 1)));

    await importOne(chosen[1]!);
    expect(await gridTotal()).toBe(located(chosen.slice(0, 2)));

    const v1 = await version();
    await withdrawUpload(handle.db, p.actorFor('police'), first.uploadId);
    expect(await version()).toBeGreaterThan(v1);
    expect(await gridTotal()).toBe(located(chosen.slice(1, 2)));
  });

  it('does not bump the version for a refused file', async () => {
    const before = await version();
    const refused = await importFile(handle, {
      actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: 'bad.csv', channel: 'cli',
      input: (await import('node:stream')).Readable.from(['Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n,2025-13,X,X,,,,,,Burglary,,\n']),
    });
    expect(refused.status).toBe('refused');
    expect(await version()).toBe(before);
  });
});
