import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { writeLargePoliceFile } from '../../src/modules/demo/large-police.generator.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries } from '../../src/modules/geography/geography.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, type TestPartnership } from '../support/factories.ts';

async function counts(handle: TestDatabase, partnershipId: number) {
  const { rows } = await sql<{ incidents: number; counts: number; uploads: number; quarantined: number; findings: number; audit: number }>`SELECT
    (SELECT count(*)::int FROM incidents WHERE partnership_id = ${partnershipId}) AS incidents,
    (SELECT count(*)::int FROM incident_counts WHERE partnership_id = ${partnershipId}) AS counts,
    (SELECT count(*)::int FROM uploads WHERE partnership_id = ${partnershipId}) AS uploads,
    (SELECT count(*)::int FROM quarantined_rows WHERE partnership_id = ${partnershipId}) AS quarantined,
    (SELECT count(*)::int FROM data_quality_findings WHERE partnership_id = ${partnershipId}) AS findings,
    (SELECT count(*)::int FROM audit_events WHERE partnership_id = ${partnershipId}) AS audit`.execute(handle.db);
  return rows[0]!;
}

describe('an import killed part-way', () => {
  let handle: TestDatabase;
  let p: TestPartnership;
  let bigFile: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'crash' });
    await buildAgreement(handle, p, { partyAgencyIds: [p.agencies.police] });
    const dir = await mkdtemp(join(tmpdir(), 'lantern-crash-'));
    await writeDemoFiles(dir, { seed: 3, months: 1, endMonth: '2025-05' });
    await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
    bigFile = join(dir, 'big.csv');
    await writeLargePoliceFile(bigFile, { rows: 400_000, seed: 3 });
  });
  afterAll(async () => handle?.drop());

  it('leaves nothing behind when the process is killed while rows are streaming in', async () => {
    const before = await counts(handle, p.id);
    const child = spawn(process.execPath, ['bin/lantern.js', 'import', 'police-uk', '--partnership', 'crash', '--quiet', bigFile], {
      env: { ...process.env, DATABASE_URL: handle.url }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? null : code)));
    // Wait until the import's COPY is running in the database, then kill the process hard.
    let copying = false;
    for (let i = 0; i < 600 && !copying; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY incidents%'`.execute(handle.db);
      copying = rows[0]!.n > 0;
    }
    expect(copying).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    expect(await exited).toBeNull();
    // The server notices the dropped connection and rolls the transaction back.
    for (let i = 0; i < 100; i++) {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY incidents%'`.execute(handle.db);
      if (rows[0]!.n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await counts(handle, p.id)).toEqual(before);
  });
});
