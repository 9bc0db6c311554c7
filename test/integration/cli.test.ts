import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries } from '../../src/modules/geography/geography.service.ts';
import { resolveApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildAgreement, buildPartnership, CITY_POLICE_DIR, hasSharedData, SHARED_DATA, type TestPartnership } from '../support/factories.ts';

const run = promisify(execFile);

/** The `lantern` command as operators and other tools call it, against a real database. */
describe('the lantern command line', () => {
  let handle: TestDatabase;
  let p: TestPartnership;
  let dir: string;
  const lantern = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/lantern.js', ...args], { env: { ...process.env, DATABASE_URL: handle.url }, maxBuffer: 64 * 1024 * 1024 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'cli' });
    await buildAgreement(handle, p);
    dir = await mkdtemp(join(tmpdir(), 'lantern-cli-'));
    await writeDemoFiles(dir, { seed: 5, months: 2, endMonth: '2025-05' });
    await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
  });
  afterAll(async () => handle?.drop());

  it('imports police.uk files and closes with the summary line; a second run replaces', async () => {
    const files = (await readdir(join(dir, 'police-uk'))).sort().map((f) => join(dir, 'police-uk', f));
    const first = await lantern('import', 'police-uk', '--partnership', 'cli', ...files);
    expect(first.code, first.stderr).toBe(0);
    const summary = first.stdout.trim().split('\n').pop()!;
    const match = /^imported (\d+), replaced (\d+), rejected (\d+), quarantined (\d+)$/.exec(summary);
    expect(match).not.toBeNull();
    expect(Number(match![1])).toBeGreaterThan(1000);
    expect(Number(match![2])).toBe(0);
    const again = await lantern('import', 'police-uk', '--partnership', 'cli', ...files);
    expect(again.stdout.trim().split('\n').pop()).toBe(`imported ${match![1]}, replaced ${match![1]}, rejected 0, quarantined 0`);
  });

  it('exits non-zero with the row-level report on stderr when a file is refused', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n,2025-13,X,X,,,,,,Anti-social behaviour,,\n');
    const result = await lantern('import', 'police-uk', '--partnership', 'cli', bad);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 2, Month: not a real month');
    expect(result.stdout.trim().split('\n').pop()).toBe('imported 0, replaced 0, rejected 1, quarantined 0');
  });

  it('prints per-source stats as JSON', async () => {
    const result = await lantern('stats', '--partnership', 'cli', '--json');
    expect(result.code).toBe(0);
    const stats = JSON.parse(result.stdout) as { sources: Array<{ source: string; rows: number; withoutLocation: number; outsideArea: number; quarantined: number; months: string[] }> };
    expect(stats.sources[0]).toMatchObject({ source: 'police-uk', months: ['2025-04', '2025-05'], quarantined: 0 });
    expect(stats.sources[0]!.withoutLocation).toBeGreaterThan(0);
  });

  it('creates an API token and prints it on the last line', async () => {
    const result = await lantern('token', 'create', '--partnership', 'cli', '--role', 'data-provider', '--agency', 'Test Police');
    expect(result.code).toBe(0);
    const token = result.stdout.trim().split('\n').pop()!;
    const actor = await resolveApiToken(handle.db, token);
    expect(actor).toMatchObject({ partnershipId: p.id, agencyId: p.agencies.police, role: 'data-provider' });
  });

  it('imports an ISTV file, taking the reporting period from the file when none is given', async () => {
    await buildAgreement(handle, p, { title: 'ISTV', partyAgencyIds: [p.agencies.ae], datasets: ['istv'] });
    const file = join(dir, 'istv', (await readdir(join(dir, 'istv'))).filter((f) => f.endsWith('.csv')).sort()[0]!);
    const result = await lantern('import', 'istv', '--partnership', 'cli', '--site', 'XKB01', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/imported \d+, replaced 0, rejected 0, quarantined 0\n$/);
  });

  it('imports an incident list with a mapping file, then with the saved mapping', async () => {
    await buildAgreement(handle, p, { title: 'ASB', partyAgencyIds: [p.agencies.council], datasets: ['council-asb'] });
    const files = (await readdir(join(dir, 'council-asb'))).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, 'council-asb', f));
    const withMapping = await lantern('import', 'incidents', '--partnership', 'cli', '--source', 'council-asb', '--mapping', join(dir, 'council-asb/mapping.json'), files[0]!);
    expect(withMapping.code, withMapping.stderr).toBe(0);
    const saved = await lantern('import', 'incidents', '--partnership', 'cli', '--source', 'council-asb', files[1]!);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/imported [1-9]\d*, replaced 0/);
  });

  it.skipIf(!hasSharedData)('builds city-of-london from the open data with demo --real (needs ../shared/data)', async () => {
    const result = await lantern('demo', '--real', SHARED_DATA);
    expect(result.code, result.stderr).toBe(0);
    const stats = JSON.parse((await lantern('stats', '--partnership', 'city-of-london', '--json')).stdout) as { sources: Array<{ rows: number; months: string[] }> };
    expect(stats.sources[0]!.rows).toBe(19_950);
    expect(stats.sources[0]!.months).toHaveLength((await readdir(CITY_POLICE_DIR)).filter((f) => f.endsWith('.csv')).length);
  });
});
