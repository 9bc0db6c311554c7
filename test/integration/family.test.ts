import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts';
import {
  describeFamily, FamilyFileRefused, familyBenchmark, familyComparison, getFamilyFigures, loadFamilyFile, loadMetFamily, saveFamilyDefinition,
} from '../../src/modules/family/family.service.ts';
import { writeDemoFiles } from '../../src/modules/demo/demo-files.generator.ts';
import { loadDemoFamily } from '../../src/modules/family/demo-family.loader.ts';
import { readImd, readPopulation, readWardLookup } from '../../src/modules/geography/area-csv.loader.ts';
import { readBoundaries } from '../../src/modules/geography/geojson.loader.ts';
import { loadBoundaries, loadDeprivation, loadPopulation, loadWardLookup } from '../../src/modules/geography/geography.service.ts';
import { createApiToken } from '../../src/modules/partnerships/partnership.service.ts';
import type { Actor } from '../../src/shared/authorization.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { buildPartnership, hasSharedData, loadCityGeography, SHARED_DATA, TEST_PASSWORD, type TestPartnership } from '../support/factories.ts';
import { Browser, buildTestApp, multipartBody } from '../support/http.ts';

const MET_DIR = join(SHARED_DATA, 'recorded-crime-lsoa11-annual');
const hasMet = hasSharedData && existsSync(MET_DIR);
if (!hasMet) console.warn(`skipped: family tests on the Met recorded-crime files (${MET_DIR} not present)`);

const run = promisify(execFile);
type Row = Record<string, string>;
const csv = (path: string) => parse(readFileSync(path), { columns: true, bom: true }) as Row[];
const stream = (text: string) => Readable.from([Buffer.from(text, 'utf8')]);
const FIVE = ['density', 'deprivedShare', 'aged0to15', 'aged16to29', 'aged65plus'] as const;

// ---------------------------------------------------------------------------------------
// The independent reference, from the raw files with nothing of Lantern's.

/** Sum of a numeric column over the rows of one borough, as the file's own LAD11CD column names it. */
const sumFor = (rows: Row[], lad: string, column: string) => rows.filter((r) => r.LAD11CD === lad).reduce((s, r) => s + Number(r[column]), 0);

/**
 * Area on the WGS84 ellipsoid by Lambert's cylindrical equal-area projection of the
 * authalic sphere (x = R·λ, y = R·sin β, β the authalic latitude), which keeps areas
 * exactly: a different route from Lantern's British National Grid projection.
 */
function equalAreaKm2(geometry: { type: string; coordinates: unknown }): number {
  const a = 6_378_137;
  const e2 = 1 - (1 - 1 / 298.257223563) ** 2;
  const e = Math.sqrt(e2);
  const q = (phi: number) => { const s = Math.sin(phi); return (1 - e2) * (s / (1 - e2 * s * s) - Math.log((1 - e * s) / (1 + e * s)) / (2 * e)); };
  const qp = q(Math.PI / 2);
  const r2 = (a * a * qp) / 2;
  const ringArea = (ring: number[][]) => {
    let sum = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [x1, y1] = [(ring[j]![0]! * Math.PI) / 180, q((ring[j]![1]! * Math.PI) / 180) / qp];
      const [x2, y2] = [(ring[i]![0]! * Math.PI) / 180, q((ring[i]![1]! * Math.PI) / 180) / qp];
      sum += x1 * y2 - x2 * y1;
    }
    return Math.abs(sum / 2) * r2;
  };
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as number[][][][];
  return polygons.reduce((s, rings) => s + rings.reduce((t, ring, i) => t + (i === 0 ? 1 : -1) * ringArea(ring), 0), 0) / 1e6;
}

type Reference = Record<(typeof FIVE)[number], number>;

function referenceCharacteristics(lads: string[]): Map<string, Reference> {
  const pop = csv(join(SHARED_DATA, 'areas/population-lsoa11-mid2020-london.csv'));
  const imd = csv(join(SHARED_DATA, 'areas/imd2019-lsoa11-london.csv'));
  const boroughs = JSON.parse(readFileSync(join(SHARED_DATA, 'boundaries/london-boroughs.geojson'), 'utf8')) as { features: Array<{ properties: { LAD22CD: string }; geometry: { type: string; coordinates: unknown } }> };
  const decile = new Map(imd.map((r) => [r['LSOA code (2011)']!, Number(r['Index of Multiple Deprivation (IMD) Decile'])]));
  const out = new Map<string, Reference>();
  for (const lad of lads) {
    const rows = pop.filter((r) => r.LAD11CD === lad);
    const total = rows.reduce((s, r) => s + Number(r['Persons_All-Ages']), 0);
    const deprived = rows.filter((r) => decile.get(r.LSOA11CD!)! <= 2).reduce((s, r) => s + Number(r['Persons_All-Ages']), 0);
    const feature = boroughs.features.find((f) => f.properties.LAD22CD === lad)!;
    out.set(lad, {
      density: total / equalAreaKm2(feature.geometry),
      deprivedShare: deprived / total,
      aged0to15: sumFor(rows, lad, 'Persons_0-15') / total,
      aged16to29: sumFor(rows, lad, 'Persons_16-29') / total,
      aged65plus: sumFor(rows, lad, 'Persons_65+') / total,
    });
  }
  return out;
}

/** z-scores over the comparators and the partnership (sample sd), Euclidean distance, nearest first. */
function referenceNearest(own: Reference, others: Map<string, Reference>): Array<{ code: string; distance: number }> {
  const all = [own, ...others.values()];
  const stats = FIVE.map((k) => {
    const xs = all.map((c) => c[k]);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    return { k, mean, sd: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) };
  });
  return [...others].map(([code, c]) => ({ code, distance: Math.sqrt(stats.reduce((s, { k, sd }) => s + ((c[k] - own[k]) / sd) ** 2, 0)) }))
    .sort((x, y) => x.distance - y.distance);
}

// ---------------------------------------------------------------------------------------

describe.skipIf(!hasMet)('family: the Met files against an independent reference (needs ../shared/data)', () => {
  let handle: TestDatabase;
  let city: TestPartnership;
  let other: TestPartnership;
  let analyst: Actor;
  let viewer: Actor;
  let app: FastifyInstance;
  const violence = hasMet ? csv(join(MET_DIR, 'london-2011-2021-major-violence.csv')) : [];
  const sexual = hasMet ? csv(join(MET_DIR, 'london-2011-2021-major-sexual.csv')) : [];
  const robbery = hasMet ? csv(join(MET_DIR, 'london-2011-2021-major-robbery.csv')) : [];
  const pop2019 = hasMet ? csv(join(SHARED_DATA, 'areas/population-lsoa11-mid2019-london.csv')) : [];
  const pop2020 = hasMet ? csv(join(SHARED_DATA, 'areas/population-lsoa11-mid2020-london.csv')) : [];
  const boroughs = [...new Set(violence.map((r) => r.LAD11CD!))].sort();
  const SAMPLE = ['E09000002', 'E09000012', 'E09000030', 'E09000033'];
  /** The reference rate per 1,000: the raw LSOA counts of the borough over its residents. */
  const referenceRate = (rows: Row[], lad: string, year: number) => {
    const residents = sumFor(year <= 2019 ? pop2019 : pop2020, lad, 'Persons_All-Ages');
    return { numerator: sumFor(rows, lad, String(year)), denominator: residents, rate: (sumFor(rows, lad, String(year)) / residents) * 1000 };
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
    city = await buildPartnership(handle, { slug: 'family-city', name: 'City of London CSP' });
    other = await buildPartnership(handle, { slug: 'family-other' });
    await loadCityGeography(handle, city);
    await loadBoundaries(handle.db, city.admin, await readBoundaries(join(SHARED_DATA, 'boundaries/london-boroughs.geojson'), { type: 'lad', filter: { property: 'LAD22CD', values: ['E09000001'] } }), 'boroughs');
    analyst = { ...city.admin, role: 'analyst', label: 'test analyst' };
    viewer = { ...city.admin, role: 'viewer', label: 'test viewer' };
    await loadMetFamily(handle.db, analyst, SHARED_DATA);
    app = await buildTestApp(handle);
  });
  afterAll(async () => {
    await app?.close();
    await handle?.drop();
  });

  it('holds B12b (and robbery) per 1,000 for every borough and year exactly as the raw files give them', async () => {
    expect(boroughs).toHaveLength(32);
    await saveFamilyDefinition(handle.db, analyst, { method: 'chosen', k: 10, characteristics: [...FIVE], members: SAMPLE });
    for (const [code, rows] of [['B12b', violence], ['ROBBERY', robbery]] as const) {
      const result = await familyComparison(handle.db, analyst, { indicator: code });
      const indicator = result.indicators.find((i) => i.code === code)!;
      expect(indicator.trend.map((p) => p.period.label)).toEqual(['2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018', '2019', '2020', '2021']);
      for (const year of [2011, 2015, 2019, 2020, 2021]) {
        const period = indicator.trend.find((p) => p.period.label === String(year))!;
        for (const lad of SAMPLE) {
          const ref = referenceRate(rows, lad, year);
          const member = period.members.find((m) => m.code === lad)!;
          expect(member.numerator, `${code} ${lad} ${year}`).toBe(ref.numerator);
          expect(member.denominator, `${code} ${lad} ${year}`).toBe(ref.denominator);
          expect(member.rate!).toBeCloseTo(ref.rate, 9);
        }
        const rates = SAMPLE.map((lad) => referenceRate(rows, lad, year).rate);
        expect(period.familyAverage!.value).toBeCloseTo(rates.reduce((s, r) => s + r, 0) / rates.length, 9);
      }
    }
  });

  it('does not load B12c from the sexual offences file, whose every count is 0 (withheld by the Met), and says so', async () => {
    const years = ['2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018', '2019', '2020', '2021'];
    expect(sexual.every((r) => years.every((y) => Number(r[y]) === 0))).toBe(true);
    const result = await familyComparison(handle.db, analyst);
    expect(result.indicators.map((i) => i.code)).toEqual(['B12b', 'ROBBERY', 'BURGLARY', 'WEAPONS', 'DRUGS', 'PUBLIC-ORDER', 'ARSON-DAMAGE', 'THEFT', 'VEHICLE']);
    expect(result.notes.join(' ')).toContain('Sexual offences (B12c) have no family figures from the Met files');
    expect(await familyBenchmark(handle.db, city.id, 'B12c', '2019-01', '2019-12')).toBeNull();
  });

  it('finds the ten nearest boroughs to the City as computed by hand from the raw files', async () => {
    await saveFamilyDefinition(handle.db, analyst, { method: 'nearest', k: 10, characteristics: [...FIVE], members: [] });
    const reference = referenceCharacteristics(['E09000001', ...boroughs]);
    const own = reference.get('E09000001')!;
    reference.delete('E09000001');
    const expected = referenceNearest(own, reference).slice(0, 10);
    const family = await describeFamily(handle.db, viewer);
    expect(family.own.codes).toEqual(['E09000001']);
    // Density differs from the reference only by the datum (OSGB36 against WGS84): about 6 parts in 100,000.
    const close = (got: number, want: number, k: string) => (k === 'density' ? expect(Math.abs(got - want) / want).toBeLessThan(1e-4) : expect(got).toBeCloseTo(want, 9));
    for (const k of FIVE) close(family.own.characteristics[k]!, own[k], k);
    expect(family.members.map((m) => m.code)).toEqual(expected.map((e) => e.code));
    family.members.forEach((m, i) => expect(m.distance!).toBeCloseTo(expected[i]!.distance, 2));
    for (const c of family.candidates) for (const k of FIVE) close(c.characteristics[k]!, reference.get(c.code)![k], k);
    expect(family.howChosen).toMatch(/The 10 comparators nearest/);
  });

  it('gives the family average as a benchmark for the indicators module', async () => {
    const family = await describeFamily(handle.db, analyst);
    const rates = family.members.map((m) => referenceRate(violence, m.code, 2019).rate);
    const benchmark = await familyBenchmark(handle.db, city.id, 'B12b', '2019-01', '2019-12');
    expect(benchmark!.value).toBeCloseTo(rates.reduce((s, r) => s + r, 0) / rates.length, 9);
    expect(benchmark!.members).toBe(10);
    expect(benchmark!.lower!).toBeLessThan(benchmark!.value);
    expect(benchmark!.label).toBe('Family average (10 most similar partnerships), 2019');
    expect(await familyBenchmark(handle.db, city.id, 'B12b', '2019-04', '2020-03')).toBeNull();
  });

  it('shows the City\'s own figure from the indicators seam or from figures loaded under its code', async () => {
    const none = await familyComparison(handle.db, analyst, { indicator: 'B12b' });
    expect(none.indicators[0]!.latest!.own).toBeNull();
    const fromIndicators = await familyComparison(handle.db, analyst, { indicator: 'B12b', ownValue: (code, period) => (code === 'B12b' && period.from === '2021-01' ? { numerator: 640, denominator: 8000 } : null) });
    const latest = fromIndicators.indicators[0]!.latest!;
    expect(latest.own).toMatchObject({ rate: 80, source: 'indicators' });
    expect(latest.rank).toBe(11);
    expect(latest.rankedOf).toBe(11);
    await loadFamilyFile(handle.db, analyst, { fileName: 'city.csv', input: stream('area code,area name,indicator,period,numerator,denominator\nE09000001,City of London,B12b,2021,700,8000\n') });
    const loaded = (await familyComparison(handle.db, analyst, { indicator: 'B12b', ownValue: () => ({ numerator: 1, denominator: 1 }) })).indicators[0]!.latest!;
    expect(loaded.own).toMatchObject({ numerator: 700, rate: 87.5, source: 'loaded' });
    const change = (await familyComparison(handle.db, analyst, { indicator: 'B12b' })).indicators[0]!.change!;
    const members = (await describeFamily(handle.db, analyst)).members.map((m) => m.code);
    const up = members.filter((lad) => referenceRate(violence, lad, 2021).rate > referenceRate(violence, lad, 2020).rate).length;
    expect([change.up, change.compared]).toEqual([up, 10]);
    expect(change.statement).toContain(`went up in ${up} of the 10 family members`);
  });

  it('loads again without duplicating anything: the same figures, every one replaced', async () => {
    const count = async () => Number((await handle.db.selectFrom('family_figures').select((eb) => eb.fn.countAll().as('n')).where('partnership_id', '=', city.id).executeTakeFirstOrThrow()).n);
    const before = await count();
    const again = await loadMetFamily(handle.db, analyst, MET_DIR);
    expect(again.rows).toBe(32 * 11 * 9);
    expect(again.notes.join(' ')).toContain('B12c was not loaded: every count in london-2011-2021-major-sexual.csv is 0');
    expect(again.replaced).toBe(again.rows);
    expect(await count()).toBe(before);
    const text = 'area code,area name,indicator,period,numerator,denominator\nE09000002,Barking and Dagenham,KNIFE,2019/20,40,212906\nE09000012,Hackney,KNIFE,2019/20,60,281120\n';
    const first = await loadFamilyFile(handle.db, analyst, { fileName: 'knife.csv', input: stream(text) });
    const second = await loadFamilyFile(handle.db, analyst, { fileName: 'knife.csv', input: stream(text) });
    expect([first.rows, first.replaced, second.rows, second.replaced]).toEqual([2, 0, 2, 2]);
    expect(await count()).toBe(before + 2);
    expect(await verifyAuditChain(handle.db, city.id)).toMatchObject({ ok: true });
  });

  it('refuses a bad file whole, naming line and column, and writes nothing', async () => {
    const loadsBefore = (await getFamilyFigures(handle.db, analyst)).loads.length;
    const bad = 'area code,area name,indicator,period,numerator,denominator\nE09000002,Barking and Dagenham,KNIFE,2020/21,41,212906\nE09000012,Hackney,KNIFE,2020/22,61,281120\nE09000030,Tower Hamlets,KNIFE,2020/21,x,300000\n';
    const error = await loadFamilyFile(handle.db, analyst, { fileName: 'bad.csv', input: stream(bad) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FamilyFileRefused);
    expect((error as FamilyFileRefused).problems).toEqual([
      { line: 3, field: 'period', reason: '"2020/22" is not a financial year: the second year must follow the first (2019/20)' },
      { line: 4, field: 'numerator', reason: 'not a number (write 1234 or 1,234.5, without units)' },
    ]);
    const figures = await getFamilyFigures(handle.db, analyst);
    expect(figures.loads.length).toBe(loadsBefore);
    expect(figures.indicators.find((i) => i.indicator === 'KNIFE')!.periods).toBe(1);
    const mixed = await loadFamilyFile(handle.db, analyst, { fileName: 'mixed.csv', input: stream('area code,area name,indicator,period,numerator,denominator,multiplier\nE09000002,Barking and Dagenham,KNIFE,2021,41,212906,100000\n') }).catch((e: unknown) => e);
    expect((mixed as FamilyFileRefused).problems).toEqual([{ line: 2, field: 'multiplier', reason: 'KNIFE is already held per 1,000, not per 100,000; one indicator has one multiplier' }]);
  });

  it('keeps each partnership\'s comparators to itself', async () => {
    const theirs = { ...other.admin, role: 'analyst' as const };
    const seen = await familyComparison(handle.db, theirs);
    expect(seen.indicators).toEqual([]);
    expect(seen.family.candidates).toEqual([]);
    expect(await familyBenchmark(handle.db, other.id, 'B12b', '2019-01', '2019-12')).toBeNull();
    await expect(saveFamilyDefinition(handle.db, theirs, { method: 'chosen', k: 10, characteristics: [...FIVE], members: ['E09000002'] })).rejects.toThrow(/not among the comparators held/);
    await expect(loadFamilyFile(handle.db, { ...theirs, role: 'viewer' }, { fileName: 'x.csv', input: stream('') })).rejects.toThrow(/Not found, or you do not have access/);
    const token = (await createApiToken(handle.db, other.admin, { agencyId: other.agencies.council, role: 'analyst', name: 'other' })).token;
    const response = await app.inject({ method: 'GET', url: `/api/v1/partnerships/${city.slug}/family`, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(404);
  });

  it('serves the family as JSON to an agency token', async () => {
    const token = (await createApiToken(handle.db, city.admin, { agencyId: city.agencies.council, role: 'viewer', name: 'dashboards' })).token;
    const response = await app.inject({ method: 'GET', url: `/api/v1/partnerships/${city.slug}/family?indicator=ROBBERY`, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { family: { members: Array<{ code: string; distance: number }> }; indicators: Array<{ code: string; trend: unknown[] }>; suppression: { applied: boolean } };
    expect(body.family.members).toHaveLength(10);
    expect(body.indicators.map((i) => i.code)).toEqual(['ROBBERY']);
    expect(body.indicators[0]!.trend).toHaveLength(11);
    expect(body.suppression.applied).toBe(true);
    const bad = await app.inject({ method: 'GET', url: `/api/v1/partnerships/${city.slug}/family?from=2019`, headers: { authorization: `Bearer ${token}` } });
    expect(bad.statusCode).toBe(400);
  });

  it('shows the pages: the comparison to everyone, choosing and loading to analysts', async () => {
    const browser = new Browser(app);
    await browser.signIn(city.emails.analyst, TEST_PASSWORD);
    const page = await browser.get('/assessments/family?indicator=ROBBERY');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-table="latest"');
    expect(page.body).toContain('Robbery offences per 1,000 over time');
    expect(page.body).toContain('<svg');
    expect(page.body).toContain('Choose the family');
    expect(page.body).toContain('Met figures: crimes recorded by the Metropolitan Police');
    const png = await browser.get('/assessments/family/chart/B12b.png');
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    const svg = await browser.get('/assessments/family/chart/B12b.svg');
    expect(svg.body).toMatch(/^<svg/);
    const exported = await browser.get('/assessments/family/export.csv?indicator=B12b');
    expect(exported.body.split('\r\n')[0]).toBe('indicator,indicator_label,period,first_month,last_month,area,area_code,numerator,denominator,rate,rank,family_average');

    const edit = await browser.get('/assessments/family/edit');
    expect(edit.statusCode).toBe(200);
    const saved = await browser.post('/assessments/family/edit', { method: 'chosen', k: '10', characteristics: [...FIVE], members: ['E09000002', 'E09000012', 'E09000030'] });
    expect(saved.statusCode).toBe(302);
    expect((await describeFamily(handle.db, analyst)).members.map((m) => m.code).sort()).toEqual(['E09000002', 'E09000012', 'E09000030']);
    const invalid = await browser.post('/assessments/family/edit', { method: 'chosen', k: '2', characteristics: [] });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('A family has at least 3 members.');
    expect(invalid.body).toContain('Choose at least one characteristic.');

    const refused = await browser.postMultipart('/assessments/family/figures', multipartBody({}, [{ name: 'figures-file', fileName: 'bad.csv', content: 'area code,area name,indicator,period,numerator,denominator\nA1,Alpha,KNIFE,2019,1,0\n', type: 'text/csv' }]));
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('data-testid="problems"');
    expect(refused.body).toMatch(/<td class="govuk-table__cell govuk-table__cell--numeric">2<\/td>\s*<td class="govuk-table__cell">denominator<\/td>\s*<td class="govuk-table__cell">must be more than 0<\/td>/);
    const accepted = await browser.postMultipart('/assessments/family/figures', multipartBody({}, [{ name: 'figures-file', fileName: 'ok.csv', content: 'area code,area name,population,area km2\nA1,Alpha,1000,2\n', type: 'text/csv' }]));
    expect(accepted.statusCode).toBe(302);
    expect((await browser.get(accepted.headers.location as string)).body).toContain('Characteristics loaded for 1 area');
    await saveFamilyDefinition(handle.db, analyst, { method: 'nearest', k: 10, characteristics: [...FIVE], members: [] });
  });

  it('withholds small counts from viewers, on the page and in the statistics', async () => {
    await loadFamilyFile(handle.db, analyst, { fileName: 'small.csv', input: stream('area code,area name,indicator,period,numerator,denominator\nE09000002,Barking and Dagenham,RARE,2021,3,212906\nE09000012,Hackney,RARE,2021,40,281120\nE09000030,Tower Hamlets,RARE,2021,50,300000\n') });
    await saveFamilyDefinition(handle.db, analyst, { method: 'chosen', k: 10, characteristics: [...FIVE], members: ['E09000002', 'E09000012', 'E09000030'] });
    const seenByViewer = (await familyComparison(handle.db, viewer, { indicator: 'RARE' })).indicators[0]!.latest!;
    expect(seenByViewer.members.find((m) => m.code === 'E09000002')).toMatchObject({ numerator: null, rate: null, suppressed: true });
    expect(seenByViewer.familyAverage!.members).toBe(2);
    const seenByAnalyst = (await familyComparison(handle.db, analyst, { indicator: 'RARE' })).indicators[0]!.latest!;
    expect(seenByAnalyst.members.find((m) => m.code === 'E09000002')!.numerator).toBe(3);
    const browser = new Browser(app);
    await browser.signIn(city.emails.viewer, TEST_PASSWORD);
    const page = await browser.get('/assessments/family?indicator=RARE');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('[c]');
    expect(page.body).not.toContain('Choose the family');
    expect((await browser.get('/assessments/family/edit')).statusCode).toBe(404);
    expect((await browser.get('/assessments/family/figures')).statusCode).toBe(404);
    await saveFamilyDefinition(handle.db, analyst, { method: 'nearest', k: 10, characteristics: [...FIVE], members: [] });
  });

  it('loads from the command line, with a summary line, and exits non-zero with the reasons for a bad file', async () => {
    const lantern = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await run(process.execPath, ['bin/lantern.js', ...args], { env: { ...process.env, DATABASE_URL: handle.url }, maxBuffer: 16 * 1024 * 1024 });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const e = error as { code: number; stdout: string; stderr: string };
        return { code: e.code, stdout: e.stdout, stderr: e.stderr };
      }
    };
    const met = await lantern('family', 'load-met', '--partnership', other.slug, MET_DIR);
    expect(met.code).toBe(0);
    expect(met.stderr).toContain('london-2011-2021-major-violence.csv: 4,829 LSOAs → B12b');
    expect(met.stderr).toContain('london-2011-2021-major-sexual.csv: every count is 0, so B12c is not loaded');
    expect(met.stdout.trim().split('\n').pop()).toBe(`loaded ${32 * 11 * 9}, replaced 0`);
    const dir = await mkdtemp(join(tmpdir(), 'lantern-family-'));
    await writeFile(join(dir, 'bad.csv'), 'area code,area name,indicator,period,numerator,denominator\nA1,Alpha,B12b,2019,5,100\nA1,Alpha,B12b,20199,5,100\n');
    const bad = await lantern('family', 'load', '--partnership', other.slug, join(dir, 'bad.csv'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line 3, period: "20199" is not a period');
    expect(bad.stdout.trim()).toBe('loaded 0, replaced 0');
  });
});

describe('family: the synthetic demo partnership', () => {
  let handle: TestDatabase;
  let p: TestPartnership;
  let dir: string;

  beforeAll(async () => {
    handle = await createTestDatabase();
    p = await buildPartnership(handle, { slug: 'family-demo', name: 'Kingsbridge CSP (synthetic)' });
    dir = await mkdtemp(join(tmpdir(), 'lantern-family-demo-'));
    await writeDemoFiles(dir, { seed: 11, months: 1, endMonth: '2025-05' });
    await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lsoa11.geojson'), { type: 'lsoa11' }), 'lsoa11');
    await loadBoundaries(handle.db, p.admin, await readBoundaries(join(dir, 'boundaries/lad.geojson'), { type: 'lad' }), 'lad');
    await loadWardLookup(handle.db, p.admin, await readWardLookup(join(dir, 'areas/lsoa11-ward-lad-lookup.csv')), 'lookup');
    await loadPopulation(handle.db, p.admin, await readPopulation(join(dir, 'areas/population-lsoa11.csv')), 'population');
    await loadDeprivation(handle.db, p.admin, await readImd(join(dir, 'areas/imd-lsoa11.csv')), 'imd');
  });
  afterAll(async () => handle?.drop());

  it('says what to do while nothing is loaded', async () => {
    const app = await buildTestApp(handle);
    const browser = new Browser(app);
    await browser.signIn(p.emails.analyst, TEST_PASSWORD);
    const page = await browser.get('/assessments/family');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('No figures to compare yet');
    expect(page.body).toContain('href="/assessments/family/figures"');
    await app.close();
  });

  it('gets fifteen synthetic comparators and the ten nearest as its family; its own figures come from its shared data, not the file', async () => {
    const months = Array.from({ length: 24 }, (_, i) => { const m = 2023 * 12 + 5 + i; return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`; });
    const files = await loadDemoFamily(handle.db, p.admin, { dir, seed: 11, months });
    expect(files.map((f) => f.slice(dir.length))).toEqual(['/family/characteristics.csv', '/family/figures.csv']);
    const result = await familyComparison(handle.db, { ...p.admin, role: 'analyst' });
    expect(result.family.own.codes).toEqual(['E09990001']);
    expect(result.family.candidates).toHaveLength(15);
    expect(result.family.members).toHaveLength(10);
    expect(result.family.members.every((m) => m.name.endsWith('(synthetic)') && m.distance !== null)).toBe(true);
    expect(result.indicators.map((i) => i.code)).toEqual(['B12a', 'B12b', 'B12c', 'ASB']);
    for (const i of result.indicators) {
      expect(i.trend.map((t) => t.period.label)).toEqual(['2020/21', '2021/22', '2022/23', '2023/24', '2024/25']);
      // This partnership has shared no incidents, so it has no figure of its own to set beside the family's.
      expect(i.latest!.own).toBeNull();
      expect(i.latest!.familyAverage!.members).toBe(10);
    }
    expect(result.notes.join(' ')).toContain('Synthetic demonstration data');
  });
});
