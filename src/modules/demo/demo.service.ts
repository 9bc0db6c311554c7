import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DatabaseHandle } from '../../db/connection.ts';
import type { AgencyType, Role } from '../../db/schema.ts';
import { systemActor, type Actor } from '../../shared/authorization.ts';
import { LanternError } from '../../shared/errors.ts';
import { recordAgreement } from '../agreements/agreement.service.ts';
import { readImd, readPopulation, readWardLookup } from '../geography/area-csv.loader.ts';
import { readBoundaries } from '../geography/geojson.loader.ts';
import { loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from '../geography/geography.service.ts';
import { importFile, type ImportResult } from '../ingestion/import.service.ts';
import { saveColumnMapping } from '../ingestion/mapping.service.ts';
import { addAgency, addUser, createPartnership, requirePartnershipBySlug } from '../partnerships/partnership.service.ts';
import { listPartnerships, listUsers } from '../partnerships/partnership.repository.ts';
import { importPremisesRegister } from '../venues/venues.service.ts';
import { loadDemoFamily, loadRealFamily } from '../family/demo-family.loader.ts';
import { dataMonths } from '../analysis/analysis.repository.ts';
import { addMonths } from '../analysis/filters.ts';
import { generateAssessment, getAssessment, publishAssessment, saveSectionText } from '../assessments/assessment.service.ts';
import { COUNCIL_ASB_MAPPING } from './council-asb.model.ts';
import { writeDemoFiles } from './demo-files.generator.ts';

/**
 * The demo sign-ins' shared password. These accounts exist only in partnerships marked
 * synthetic or built from open data, which hold no personal or restricted data.
 */
export const DEMO_PASSWORD = 'lantern-demo-2026';
export const DEMO_SLUG = 'kingsbridge';
export const REAL_SLUG = 'city-of-london';

type Log = (line: string) => void;
type AgencySpec = { key: string; name: string; type: AgencyType; odsCode?: string };
type UserSpec = { email: string; name: string; agency: string; role: Role };

const DEMO_AGENCIES: AgencySpec[] = [
  { key: 'council', name: 'Kingsbridge Borough Council (synthetic)', type: 'local-authority' },
  { key: 'police', name: 'Kingsbridge Police (synthetic)', type: 'police' },
  { key: 'ae', name: 'Kingsbridge General Hospital A&E (synthetic)', type: 'ae-site', odsCode: 'XKB01' },
  { key: 'fire', name: 'Kingsbridge Fire and Rescue (synthetic)', type: 'fire-and-rescue' },
  { key: 'yot', name: 'Kingsbridge Youth Offending Team (synthetic)', type: 'youth-offending' },
  { key: 'probation', name: 'Kingsbridge Probation (synthetic)', type: 'probation' },
];

const DEMO_USERS: UserSpec[] = [
  { email: 'admin@kingsbridge.example', name: 'Alex Admin', agency: 'council', role: 'partnership-admin' },
  { email: 'analyst@kingsbridge.example', name: 'Sam Analyst', agency: 'council', role: 'analyst' },
  { email: 'police.data@kingsbridge.example', name: 'Priya Police-Data', agency: 'police', role: 'data-provider' },
  { email: 'ae.data@kingsbridge.example', name: 'Aisha A&E-Data', agency: 'ae', role: 'data-provider' },
  { email: 'practitioner@kingsbridge.example', name: 'Pat Practitioner', agency: 'yot', role: 'practitioner' },
  { email: 'viewer@kingsbridge.example', name: 'Vic Viewer', agency: 'fire', role: 'viewer' },
];

async function setUpMembers(handle: DatabaseHandle, actor: Actor, agencies: AgencySpec[], users: UserSpec[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const spec of agencies) {
    const agency = await addAgency(handle.db, actor, { name: spec.name, type: spec.type, ...(spec.odsCode ? { odsCode: spec.odsCode } : {}) });
    ids.set(spec.key, agency.id);
  }
  for (const user of users) {
    await addUser(handle.db, actor, { email: user.email, displayName: user.name, agencyId: ids.get(user.agency)!, role: user.role, password: DEMO_PASSWORD });
  }
  return ids;
}

async function agreementFor(handle: DatabaseHandle, actor: Actor, values: { title: string; purpose: string; legalBasis: string; agencyId: number; dataset: string; fields: string }) {
  await recordAgreement(handle.db, actor, {
    title: values.title, purpose: values.purpose, legalBasis: values.legalBasis, partyAgencyIds: [values.agencyId], datasets: [values.dataset],
    fieldsShared: values.fields, retentionMonths: 84, recordLevelExport: false, startDate: '2023-01-01', reviewDate: '2027-01-01',
  });
}

function summarise(log: Log, label: string, results: ImportResult[]): void {
  const refused = results.filter((r) => r.status === 'refused');
  const imported = results.reduce((sum, r) => sum + r.imported, 0);
  log(`${label}: ${imported} rows from ${results.length} files${refused.length ? `, ${refused.length} refused` : ''}`);
  for (const r of refused) log(`  refused ${r.fileName}: ${r.message} ${r.problems.slice(0, 3).map((p) => `line ${p.line} ${p.field}: ${p.reason}`).join('; ')}`);
}

async function csvFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
}

/**
 * Builds the synthetic demo partnership: generates the Kingsbridge files in their real
 * formats, then loads them through the same importers users use.
 */
export async function loadDemoPartnership(handle: DatabaseHandle, options: { seed?: string | number; dir?: string; log?: Log } = {}): Promise<void> {
  const log = options.log ?? (() => undefined);
  const dir = resolve(options.dir ?? join(process.env.LANTERN_DATA_DIR ?? './data', 'demo-files'));
  const summary = await writeDemoFiles(dir, { seed: options.seed ?? 20261122 });
  log(`generated synthetic files in ${dir} (${summary.elapsedMs} ms)`);
  const partnership = await createPartnership(handle.db, { slug: DEMO_SLUG, name: 'Kingsbridge Community Safety Partnership (synthetic)', synthetic: true });
  const setup = systemActor(partnership.id, 'demo loader');
  const agencies = await setUpMembers(handle, setup, DEMO_AGENCIES, DEMO_USERS);

  await loadBoundaries(handle.db, setup, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11.geojson');
  await loadBoundaries(handle.db, setup, await readBoundaries(join(dir, 'boundaries/lsoa21.geojson'), { type: 'lsoa21' }), 'lsoa21.geojson');
  await loadBoundaries(handle.db, setup, await readBoundaries(join(dir, 'boundaries/lad.geojson'), { type: 'lad' }), 'lad.geojson');
  await loadWardLookup(handle.db, setup, await readWardLookup(join(dir, 'areas/lsoa11-ward-lad-lookup.csv')), 'lsoa11-ward-lad-lookup.csv');
  await loadPopulation(handle.db, setup, await readPopulation(join(dir, 'areas/population-lsoa11.csv')), 'population-lsoa11.csv');
  await loadDeprivation(handle.db, setup, await readImd(join(dir, 'areas/imd-lsoa11.csv')), 'imd-lsoa11.csv');
  log('geography loaded: LSOA 2011 and 2021, wards, population, deprivation');

  const police = agencies.get('police')!;
  const ae = agencies.get('ae')!;
  const council = agencies.get('council')!;
  await agreementFor(handle, setup, {
    title: 'Police recorded crime and ASB to the CSP (synthetic)', agencyId: police, dataset: 'police-uk',
    purpose: 'Joint strategic assessment, hotspot analysis and tasking by the Community Safety Partnership.',
    legalBasis: 'Crime and Disorder Act 1998 s.115', fields: 'police.uk street-level fields: month, category, snapped location, LSOA, outcome',
  });
  await agreementFor(handle, setup, {
    title: 'A&E assault data (ISTV) to the CSP (synthetic)', agencyId: ae, dataset: 'istv',
    purpose: 'Information Sharing to Tackle Violence: target policing and licensing at places where violence happens (Cardiff Model).',
    legalBasis: 'Crime and Disorder Act 1998 s.115; UK GDPR Article 6(1)(e) public task', fields: 'ISTV minimum dataset (ISB 1594): arrival and assault date and time, method, location type and description',
  });
  await agreementFor(handle, setup, {
    title: 'Council ASB cases to the CSP (synthetic)', agencyId: council, dataset: 'council-asb',
    purpose: 'A shared picture of anti-social behaviour across council and police records.',
    legalBasis: 'Crime and Disorder Act 1998 s.17A and the Crime and Disorder (Prescribed Information) Regulations 2007', fields: 'reference, date and time, category, location, easting and northing, ward, status',
  });

  const policeActor = systemActor(partnership.id, 'demo loader', police);
  const results: ImportResult[] = [];
  for (const file of await csvFiles(join(dir, 'police-uk'))) {
    results.push(await importFile(handle, { actor: policeActor, partnershipId: partnership.id, kind: 'police-uk', fileName: file.split('/').pop()!, input: createReadStream(file), channel: 'demo' }));
  }
  summarise(log, 'police.uk', results);

  const aeActor = systemActor(partnership.id, 'demo loader', ae);
  const manifest = JSON.parse(await readFile(join(dir, 'istv/manifest.json'), 'utf8')) as { files: Array<{ file: string; periodStart: string; periodEnd: string; siteCode: string }> };
  const istv: ImportResult[] = [];
  for (const entry of manifest.files) {
    istv.push(await importFile(handle, {
      actor: aeActor, partnershipId: partnership.id, kind: 'istv', fileName: entry.file, input: createReadStream(join(dir, 'istv', entry.file)), channel: 'demo',
      feed: { istv: { periodStart: entry.periodStart, periodEnd: entry.periodEnd, siteCode: entry.siteCode } },
    }));
  }
  summarise(log, 'A&E (ISTV)', istv);

  const councilActor = systemActor(partnership.id, 'demo loader', council);
  await saveColumnMapping(handle.db, councilActor, {
    sourceSlug: 'council-asb', sourceName: 'Council ASB cases (synthetic)',
    mapping: { ...COUNCIL_ASB_MAPPING, keep: [...COUNCIL_ASB_MAPPING.keep], taxonomy: { default: 'asb', map: { Graffiti: 'criminal-damage-arson' } } },
  });
  const asb: ImportResult[] = [];
  for (const file of await csvFiles(join(dir, 'council-asb'))) {
    asb.push(await importFile(handle, { actor: councilActor, partnershipId: partnership.id, kind: 'incidents', sourceSlug: 'council-asb', fileName: file.split('/').pop()!, input: createReadStream(file), channel: 'demo' }));
  }
  summarise(log, 'council ASB', asb);

  const register = await importPremisesRegister(handle.db, setup, { fileName: 'licensed-premises.csv', input: createReadStream(join(dir, 'premises/licensed-premises.csv')) });
  log(`licensed premises: ${register.premises} on the register; A&E descriptions: ${register.matching.matched} matched, ${register.matching.review} to review`);
  await loadDemoFamily(handle.db, setup, { dir, seed: options.seed ?? 20261122, months: summary.months, log });
}

/**
 * The demo's strategic assessment for its latest twelve months, with example words in its
 * summary, published so that a first visit finds one to read. Without Chromium it stays a
 * draft, and the log says why.
 */
export async function publishDemoAssessment(handle: DatabaseHandle, log: Log = () => undefined): Promise<void> {
  const partnership = await requirePartnershipBySlug(handle.db, DEMO_SLUG);
  const actor = { ...systemActor(partnership.id, 'demo loader'), role: 'analyst' as const };
  const latest = (await dataMonths(handle.db, partnership.id, null)).latest;
  if (!latest) return;
  const { assessment, version } = await generateAssessment(handle.db, actor, {
    template: 'strategic-assessment', from: addMonths(latest, -11), to: latest, title: 'Safer Kingsbridge Joint Strategic Assessment (synthetic example)',
  });
  // The example words name what the figures recommend, so they stay true whatever the generator draws.
  const evidence = (await getAssessment(handle.db, actor, assessment.id)).version.evidence;
  const recommended = evidence.priorities.filter((p) => p.recommended).map((p) => p.label.toLowerCase());
  const words = await saveSectionText(handle.db, actor, assessment.id, {
    version: version.version, section: 'summary',
    text: 'An example of the words an analyst writes: this demonstration assessment describes a synthetic borough, not a real place.\n\n'
      + `The scores recommend ${recommended.join(', ').replace(/, ([^,]*)$/, ' and $1')} as the partnership's priorities. `
      + 'A&E data shows assaults the police never hear about, concentrated around a few licensed premises on Friday and Saturday nights.',
  });
  try {
    const published = await publishAssessment(handle.db, actor, assessment.id, { version: words.version });
    log(`strategic assessment published (version ${published.version.version}) under Assessments and indicators`);
  } catch (error) {
    if (error instanceof LanternError && error.code === 'pdf-unavailable') log(`strategic assessment left as a draft: ${error.message}`);
    else throw error;
  }
}

/**
 * Builds the `city-of-london` partnership from open data laid out like shared/data: City
 * of London Police street crime, London boundaries filtered to the City, population and
 * deprivation, with the agreement recorded.
 */
export async function loadRealPartnership(handle: DatabaseHandle, dataDir: string, log: Log = () => undefined): Promise<void> {
  const need = ['police-uk/city-of-london', 'boundaries/london-lsoa11.geojson', 'boundaries/london-lsoa21.geojson', 'boundaries/london-boroughs.geojson',
    'areas/lsoa11-ward2019-lad2019-lookup-london.csv', 'areas/population-lsoa11-mid2020-london.csv', 'areas/imd2019-lsoa11-london.csv'];
  const missing = need.filter((p) => !existsSync(join(dataDir, p)));
  if (missing.length) throw new LanternError('invalid-input', `${dataDir} is not laid out like shared/data: missing ${missing.join(', ')}.`);
  const partnership = await createPartnership(handle.db, { slug: REAL_SLUG, name: 'City of London Community Safety Partnership', synthetic: false });
  const setup = systemActor(partnership.id, 'demo loader');
  const agencies = await setUpMembers(handle, setup, [
    { key: 'corporation', name: 'City of London Corporation', type: 'local-authority' },
    { key: 'police', name: 'City of London Police', type: 'police' },
  ], [
    { email: 'admin@city-of-london.example', name: 'City Admin', agency: 'corporation', role: 'partnership-admin' },
    { email: 'analyst@city-of-london.example', name: 'City Analyst', agency: 'corporation', role: 'analyst' },
    { email: 'police.data@city-of-london.example', name: 'City Police Data', agency: 'police', role: 'data-provider' },
  ]);
  const city = ['E09000001'];
  await loadBoundaries(handle.db, setup, await readBoundaries(join(dataDir, 'boundaries/london-lsoa11.geojson'), { type: 'lsoa11', filter: { property: 'LAD11CD', values: city } }), 'london-lsoa11.geojson');
  await loadBoundaries(handle.db, setup, await readBoundaries(join(dataDir, 'boundaries/london-lsoa21.geojson'), { type: 'lsoa21', filter: { property: 'LAD22CD', values: city } }), 'london-lsoa21.geojson');
  await loadBoundaries(handle.db, setup, await readBoundaries(join(dataDir, 'boundaries/london-boroughs.geojson'), { type: 'lad', filter: { property: 'LAD22CD', values: city } }), 'london-boroughs.geojson');
  await loadWardLookup(handle.db, setup, await readWardLookup(join(dataDir, 'areas/lsoa11-ward2019-lad2019-lookup-london.csv')), 'lsoa11-ward2019-lad2019-lookup-london.csv');
  await loadPopulation(handle.db, setup, await readPopulation(join(dataDir, 'areas/population-lsoa11-mid2020-london.csv')), 'population-lsoa11-mid2020-london.csv');
  await loadDeprivation(handle.db, setup, await readImd(join(dataDir, 'areas/imd2019-lsoa11-london.csv')), 'imd2019-lsoa11-london.csv');
  log('geography loaded: City of London LSOAs (2011 and 2021), wards, population mid-2020, IMD 2019');
  const police = agencies.get('police')!;
  await agreementFor(handle, setup, {
    title: 'City of London Police street-level crime (police.uk open data)', agencyId: police, dataset: 'police-uk',
    purpose: 'Strategic assessment and hotspot analysis for the City of London Community Safety Partnership.',
    legalBasis: 'Open Government Licence v3.0 publication; Crime and Disorder Act 1998 s.115 for the partnership\'s use', fields: 'police.uk street-level crime fields',
  });
  const actor = systemActor(partnership.id, 'demo loader', police);
  const results: ImportResult[] = [];
  for (const file of await csvFiles(join(dataDir, 'police-uk/city-of-london'))) {
    results.push(await importFile(handle, { actor, partnershipId: partnership.id, kind: 'police-uk', fileName: file.split('/').pop()!, input: createReadStream(file), channel: 'demo' }));
  }
  summarise(log, 'police.uk (City of London Police)', results);
  await loadRealFamily(handle.db, setup, dataDir, log);
}

export async function printDemoSignIns(handle: DatabaseHandle): Promise<void> {
  const partnerships = (await listPartnerships(handle.db)).filter((p) => p.slug === DEMO_SLUG || p.slug === REAL_SLUG);
  if (partnerships.length === 0) return;
  console.log(`\nDemo sign-ins (password for all: ${DEMO_PASSWORD}):`);
  for (const p of partnerships) {
    for (const u of await listUsers(handle.db, p.id)) console.log(`  ${p.slug.padEnd(15)} ${u.role.padEnd(18)} ${u.email}  (${u.agency_name})`);
  }
}
