import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../src/db/connection.ts';
import type { AgencyType, Role } from '../../src/db/schema.ts';
import { recordAgreement } from '../../src/modules/agreements/agreement.service.ts';
import type { TAgreement } from '../../src/modules/agreements/agreement.schema.ts';
import { readImd, readPopulation, readWardLookup } from '../../src/modules/geography/area-csv.loader.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from '../../src/modules/geography/geography.service.ts';
import { importFile } from '../../src/modules/ingestion/import.service.ts';
import { addAgency, addUser, createApiToken, createPartnership } from '../../src/modules/partnerships/partnership.service.ts';
import { systemActor, type Actor } from '../../src/shared/authorization.ts';

/** The shared open data, read in place; tests that need it skip, saying so, when it is absent. */
export const SHARED_DATA = resolve(process.cwd(), '../shared/data');
export const CITY_POLICE_DIR = join(SHARED_DATA, 'police-uk/city-of-london');
export const hasSharedData = existsSync(CITY_POLICE_DIR);
export const TEST_PASSWORD = 'correct horse battery staple';

export type TestPartnership = {
  id: number;
  slug: string;
  admin: Actor;
  agencies: Record<'police' | 'council' | 'ae', number>;
  actorFor: (agency: 'police' | 'council' | 'ae', role?: Role) => Actor;
  emails: Record<Role, string>;
};

/** A partnership with police, council and A&E agencies and one user per role (password TEST_PASSWORD). */
export async function buildPartnership(handle: DatabaseHandle, overrides: { slug?: string; name?: string } = {}): Promise<TestPartnership> {
  const slug = overrides.slug ?? `p-${randomBytes(4).toString('hex')}`;
  const partnership = await createPartnership(handle.db, { slug, name: overrides.name ?? `Test partnership ${slug}`, synthetic: true });
  const admin = systemActor(partnership.id, 'test setup');
  const make = async (name: string, type: AgencyType) => (await addAgency(handle.db, admin, { name, type })).id;
  const agencies = { police: await make('Test Police', 'police'), council: await make('Test Council', 'local-authority'), ae: await make('Test A&E', 'ae-site') };
  const roles: Role[] = ['partnership-admin', 'analyst', 'data-provider', 'practitioner', 'viewer'];
  const emails = {} as Record<Role, string>;
  for (const role of roles) {
    emails[role] = `${role}@${slug}.example`;
    await addUser(handle.db, admin, { email: emails[role], displayName: `Test ${role}`, agencyId: role === 'data-provider' ? agencies.police : agencies.council, role, password: TEST_PASSWORD });
  }
  return {
    id: partnership.id, slug, admin, agencies, emails,
    actorFor: (agency, role = 'data-provider') => ({ ...systemActor(partnership.id, `test ${agency}`, agencies[agency]), role }),
  };
}

export async function buildAgreement(handle: DatabaseHandle, p: TestPartnership, overrides: Partial<TAgreement> = {}) {
  return recordAgreement(handle.db, p.admin, {
    title: 'Test agreement', purpose: 'Testing the sharing of depersonalised data.', legalBasis: 'Crime and Disorder Act 1998 s.115',
    partyAgencyIds: [p.agencies.police], datasets: ['police-uk'], fieldsShared: 'police.uk fields', retentionMonths: 84,
    recordLevelExport: false, startDate: '2020-01-01', reviewDate: '2030-01-01', ...overrides,
  });
}

/** City of London geography from the shared open data: both LSOA vintages, wards, population, IMD. */
export async function loadCityGeography(handle: DatabaseHandle, p: TestPartnership): Promise<void> {
  const city = ['E09000001'];
  await loadBoundaries(handle.db, p.admin, await readBoundaries(join(SHARED_DATA, 'boundaries/london-lsoa11.geojson'), { type: 'lsoa11', filter: { property: 'LAD11CD', values: city } }), 'lsoa11');
  await loadBoundaries(handle.db, p.admin, await readBoundaries(join(SHARED_DATA, 'boundaries/london-lsoa21.geojson'), { type: 'lsoa21', filter: { property: 'LAD22CD', values: city } }), 'lsoa21');
  await loadWardLookup(handle.db, p.admin, await readWardLookup(join(SHARED_DATA, 'areas/lsoa11-ward2019-lad2019-lookup-london.csv')), 'lookup');
  await loadPopulation(handle.db, p.admin, await readPopulation(join(SHARED_DATA, 'areas/population-lsoa11-mid2020-london.csv')), 'population');
  await loadDeprivation(handle.db, p.admin, await readImd(join(SHARED_DATA, 'areas/imd2019-lsoa11-london.csv')), 'imd');
}

/** Every City of London police.uk file, imported as the police agency would send it; any refusal stops the test. */
export async function importCityPoliceFiles(handle: DatabaseHandle, p: TestPartnership): Promise<void> {
  for (const file of readdirSync(CITY_POLICE_DIR).filter((f) => f.endsWith('.csv')).sort()) {
    const result = await importFile(handle, { actor: p.actorFor('police'), partnershipId: p.id, kind: 'police-uk', fileName: file, input: createReadStream(join(CITY_POLICE_DIR, file)), channel: 'cli' });
    if (result.status !== 'imported') throw new Error(`${file} was not imported: ${result.message}`);
  }
}

/** Bearer headers for an analyst and a viewer token of the partnership, and an analyst token of another one. */
export async function apiHeaders(handle: DatabaseHandle, p: TestPartnership, other: TestPartnership) {
  const bearer = async (of: TestPartnership, role: Role) => ({ authorization: `Bearer ${(await createApiToken(handle.db, of.admin, { agencyId: of.agencies.council, role, name: `${role} token` })).token}` });
  return { analyst: await bearer(p, 'analyst'), viewer: await bearer(p, 'viewer'), outsider: await bearer(other, 'analyst') };
}
