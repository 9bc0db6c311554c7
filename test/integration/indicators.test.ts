import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { indicatorReport } from '../../src/modules/indicators/indicators.service.ts';
import { familyComparison, loadFamilyFile } from '../../src/modules/family/family.service.ts';
import { hasSharedData, SHARED_DATA, TEST_PASSWORD } from '../support/factories.ts';
import { Browser } from '../support/http.ts';
import { openCityApi, type CityApi } from '../support/city-api.ts';
import { CITY_LSOAS, inPeriod, isLocated, raw, type RawRow, THRESHOLD } from '../support/city-reference.ts';
import { countLimits } from '../support/poisson-reference.ts';

/**
 * Outcome indicators on the real City of London police.uk files, checked against rates and
 * intervals computed here from the raw CSV files and the ONS population file: B12b and ASB
 * per 1,000 for the City and its LSOAs, intervals at 95% and 99.8%, benchmark classes,
 * suppression for a viewer, access from another partnership, and a custom indicator.
 */

// ---- The reference, written out here ------------------------------------------------------

const VIOLENCE = 'Violence and sexual offences';
const ASB = 'Anti-social behaviour';
const FROM = '2024-06';
const TO = '2025-05';

/** Residents of each City LSOA (mid-2020, all ages), read straight from the ONS file. */
const population = new Map<string, number>(hasSharedData
  ? (parse(readFileSync(join(SHARED_DATA, 'areas/population-lsoa11-mid2020-london.csv')), { columns: true, bom: true }) as Array<Record<string, string>>)
    .filter((r) => CITY_LSOAS.includes(r.LSOA11CD!)).map((r) => [r.LSOA11CD!, Number(r['Persons_All-Ages'])])
  : []);
const cityPopulation = [...population.values()].reduce((a, b) => a + b, 0);
/** Wards of the City LSOAs, from the ONS lookup. */
const wardOf = new Map<string, { code: string; name: string }>(hasSharedData
  ? (parse(readFileSync(join(SHARED_DATA, 'areas/lsoa11-ward2019-lad2019-lookup-london.csv')), { columns: true, bom: true }) as Array<Record<string, string>>)
    .filter((r) => CITY_LSOAS.includes(r.LSOA11CD!)).map((r) => [r.LSOA11CD!, { code: r.WD19CD!, name: r.WD19NM! }])
  : []);

const ofType = (type: string, from = FROM, to = TO) => raw.filter(inPeriod(from, to)).filter((r) => r['Crime type'] === type);
/** The City's count: rows in its LSOAs, and rows with no location (City of London Police crimes placed nowhere); not rows placed elsewhere. */
const cityCount = (rows: RawRow[]) => rows.filter((r) => CITY_LSOAS.includes(r['LSOA code']!) || !isLocated(r)).length;
const lsoaCount = (rows: RawRow[], lsoa: string) => rows.filter((r) => r['LSOA code'] === lsoa).length;

function rate(o: number, n: number, per: number) {
  const [l95, u95] = countLimits(o, 0.95);
  const [l998, u998] = countLimits(o, 0.998);
  return { value: (o / n) * per, lower95: (l95 / n) * per, upper95: (u95 / n) * per, lower998: (l998 / n) * per, upper998: (u998 / n) * per };
}
/** Fingertips: different only when the whole interval lies on one side; low is good for every built-in indicator. */
function fingertips(lower: number, upper: number, benchmark: number): 'better' | 'similar' | 'worse' {
  return lower > benchmark ? 'worse' : upper < benchmark ? 'better' : 'similar';
}

type Figure = {
  type: string; code: string; name: string; numerator: number | null; denominator: number | null; value: number | null;
  lower95: number | null; upper95: number | null; lower998: number | null; upper998: number | null;
  benchmark: { kind: string; label: string; value: number | null }; comparison95: string | null; comparison998: string | null;
};
type ListJson = {
  period: { from: string; to: string }; suppression: { applied: boolean };
  indicators: Array<Omit<Figure, 'type' | 'code' | 'name' | 'benchmark'> & { code: string; available: boolean; unavailableReason: string | null; multiplier: number; notes: string[]; benchmark: Figure['benchmark'] | null }>;
};
type DetailJson = { indicator: { partnership: Figure; areas: Figure[]; trend: { points: Array<{ from: string; to: string; numerator: number | null; value: number | null; benchmark: number | null }> } | null } };

function expectFigure(actual: Pick<Figure, 'numerator' | 'value' | 'lower95' | 'upper95' | 'lower998' | 'upper998'>, count: number, residents: number, per: number) {
  const r = rate(count, residents, per);
  expect(actual.numerator).toBe(count);
  for (const key of ['value', 'lower95', 'upper95', 'lower998', 'upper998'] as const) expect(actual[key], key).toBeCloseTo(r[key], 6);
}

// ---- Pages ------------------------------------------------------------------------------------

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
const text = (html: string) => decode(html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
function tableRows(html: string, name: string): string[][] {
  const match = new RegExp(`<table[^>]*data-table="${name}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!match) throw new Error(`The page has no table "${name}"`);
  const tbody = /<tbody[\s\S]*?<\/tbody>/.exec(match[1]!)![0];
  return [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]!)));
}

describe.skipIf(!hasSharedData)('outcome indicators on the real City of London files (needs ../shared/data)', () => {
  let city: CityApi;
  let handle: CityApi['handle'];
  let app: CityApi['app'];
  let p: CityApi['p'];
  let analyst: Record<string, string>;
  let viewer: Record<string, string>;
  let outsider: Record<string, string>;

  beforeAll(async () => {
    city = await openCityApi();
    ({ handle, app, p, analyst, viewer, outsider } = city);
  });
  afterAll(async () => city?.close());

  const get = async <T>(url: string, headers: Record<string, string>) => {
    const response = await app.inject({ method: 'GET', url, headers });
    return { status: response.statusCode, body: response.json() as T & { message?: string; error?: string } };
  };

  it('reads its reference from the raw files: six City LSOAs with residents, and violence in the period', () => {
    expect(population.size).toBe(6);
    expect(cityPopulation).toBeGreaterThan(5000);
    expect(ofType(VIOLENCE).length).toBeGreaterThan(1000);
  });

  describe('the partnership', () => {
    it('defaults to the latest twelve months police.uk holds, and gives B12b and ASB per 1,000 as the raw files do, at 95% and 99.8%', async () => {
      const { status, body } = await get<ListJson>('/api/v1/partnerships/city/indicators', analyst);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.period).toMatchObject({ from: FROM, to: TO });
      expect(body.suppression.applied).toBe(false);
      const b12b = body.indicators.find((i) => i.code === 'B12b')!;
      expect(b12b).toMatchObject({ available: true, multiplier: 1000, denominator: cityPopulation });
      expectFigure(b12b, cityCount(ofType(VIOLENCE)), cityPopulation, 1000);
      expect(b12b.notes.join(' ')).toMatch(/includes sexual offences/);
      const asb = body.indicators.find((i) => i.code === 'ASB')!;
      expectFigure(asb, cityCount(ofType(ASB)), cityPopulation, 1000);
      // The partnership is the default benchmark: it is not compared with itself.
      expect(b12b.comparison95).toBeNull();
    });

    it('says B12a and B12c are not available from the shared data, with the reason, and gives no number', async () => {
      const { body } = await get<ListJson>(`/api/v1/partnerships/city/indicators?period=${FROM}..${TO}`, analyst);
      for (const code of ['B12a', 'B12c']) {
        const i = body.indicators.find((x) => x.code === code)!;
        expect(i.available).toBe(false);
        expect(i.unavailableReason).toMatch(/^Not available from the shared data/);
        expect([i.numerator, i.value, i.lower95, i.upper998]).toEqual([null, null, null, null]);
      }
      expect(body.indicators.find((x) => x.code === 'B12c')!.unavailableReason).toMatch(/Violence and sexual offences/);
    });

    it('compares the partnership with a value entered, at each level', async () => {
      const count = cityCount(ofType(VIOLENCE));
      const r = rate(count, cityPopulation, 1000);
      // A benchmark just inside the 99.8% interval but outside the 95% one, if the data allow; else any value.
      const benchmark = Number((r.upper95 + (r.upper998 - r.upper95) / 2).toFixed(3));
      const { body } = await get<ListJson>(`/api/v1/partnerships/city/indicators?benchmark=value:${benchmark}`, analyst);
      const b12b = body.indicators.find((i) => i.code === 'B12b')!;
      expect(b12b.benchmark).toMatchObject({ kind: 'value', value: benchmark });
      expect(b12b.comparison95).toBe(fingertips(r.lower95, r.upper95, benchmark));
      expect(b12b.comparison998).toBe(fingertips(r.lower998, r.upper998, benchmark));
      expect([b12b.comparison95, b12b.comparison998]).toEqual(['better', 'similar']);
    });

    it('compares with the family only for periods the family has figures for, and refuses a benchmark it cannot read', async () => {
      // No comparator figures are loaded here: every figure is left uncompared, and the label says why.
      const family = await get<ListJson>('/api/v1/partnerships/city/indicators?benchmark=family', analyst);
      expect(family.status).toBe(200);
      const b12b = family.body.indicators.find((i) => i.code === 'B12b')!;
      expect(b12b.benchmark).toMatchObject({ kind: 'family', value: null });
      expect(b12b.benchmark!.label).toMatch(/no family figures for this period/);
      expect(b12b.comparison95).toBeNull();
      expect((await get<ListJson>('/api/v1/partnerships/city/indicators?benchmark=england', analyst)).status).toBe(400);
      expect((await get<ListJson>('/api/v1/partnerships/city/indicators?period=2025-13..2025-05', analyst)).status).toBe(400);
    });
  });

  describe('the LSOAs', () => {
    it('gives each LSOA’s B12b from its own rows and residents, compared with the City at both levels', async () => {
      const { status, body } = await get<DetailJson>(`/api/v1/partnerships/city/indicators/B12b?type=lsoa11&period=${FROM}..${TO}`, analyst);
      expect(status, JSON.stringify(body)).toBe(200);
      const city = rate(cityCount(ofType(VIOLENCE)), cityPopulation, 1000);
      expect(body.indicator.areas.map((a) => a.code).sort()).toEqual([...CITY_LSOAS].sort());
      for (const area of body.indicator.areas) {
        const count = lsoaCount(ofType(VIOLENCE), area.code);
        const r = rate(count, population.get(area.code)!, 1000);
        expectFigure(area, count, population.get(area.code)!, 1000);
        expect(area.benchmark.value).toBeCloseTo(city.value, 9);
        expect(area.comparison95, area.code).toBe(fingertips(r.lower95, r.upper95, city.value));
        expect(area.comparison998, area.code).toBe(fingertips(r.lower998, r.upper998, city.value));
      }
      // The LSOA holding the City's night-time economy is worse than the City at both levels; the others are not.
      expect(body.indicator.areas.find((a) => a.code === 'E01032739')!.comparison998).toBe('worse');
    });

    it('compares each LSOA with its own ward when asked (parent:ward)', async () => {
      const { body } = await get<DetailJson>(`/api/v1/partnerships/city/indicators/ASB?type=lsoa11&benchmark=parent:ward&trend=none`, analyst);
      for (const area of body.indicator.areas) {
        const ward = wardOf.get(area.code)!;
        const siblings = CITY_LSOAS.filter((l) => wardOf.get(l)!.code === ward.code);
        const wardRate = (siblings.reduce((s, l) => s + lsoaCount(ofType(ASB), l), 0) / siblings.reduce((s, l) => s + population.get(l)!, 0)) * 1000;
        expect(area.benchmark.label).toBe(ward.name);
        expect(area.benchmark.value!, area.code).toBeCloseTo(wardRate, 9);
        const r = rate(lsoaCount(ofType(ASB), area.code), population.get(area.code)!, 1000);
        expect(area.comparison95).toBe(fingertips(r.lower95, r.upper95, wardRate));
      }
      // Cripplegate holds two City LSOAs; an LSOA alone in its ward equals its benchmark.
      expect(body.indicator.areas.find((a) => a.code === 'E01000005')!.comparison95).toBe('similar');
    });

    it('gives a year-by-year trend whose windows match the raw files', async () => {
      const { body } = await get<DetailJson>(`/api/v1/partnerships/city/indicators/B12b?trend=year`, analyst);
      const points = body.indicator.trend!.points;
      expect(points.map((pt) => [pt.from, pt.to])).toEqual([['2023-06', '2024-05'], ['2024-06', '2025-05']]);
      for (const pt of points) expectFigure(pt as never, cityCount(ofType(VIOLENCE, pt.from, pt.to)), cityPopulation, 1000);
      expect(points.at(-1)!.value).toBeCloseTo(body.indicator.partnership.value!, 12);
    });
  });

  describe('suppression and access', () => {
    it('hides an LSOA’s count of 1 to 4 from a viewer, with its rate, limits and class, and shows the rest as the analyst sees them', async () => {
      const url = `/api/v1/partnerships/city/indicators/ASB?type=lsoa11&period=${FROM}..${TO}&trend=none`;
      const seen = await get<DetailJson>(url, viewer);
      const full = await get<DetailJson>(url, analyst);
      const small = CITY_LSOAS.filter((l) => { const n = lsoaCount(ofType(ASB), l); return n > 0 && n < THRESHOLD; });
      expect(small.length, 'the raw files have small ASB counts in some City LSOAs').toBeGreaterThan(0);
      for (const area of seen.body.indicator.areas) {
        const whole = full.body.indicator.areas.find((a) => a.code === area.code)!;
        expect(whole.numerator).toBe(lsoaCount(ofType(ASB), area.code));
        if (small.includes(area.code)) expect(area.numerator, area.code).toBeNull();
        if (area.numerator === null) {
          expect([area.value, area.lower95, area.upper95, area.lower998, area.upper998, area.comparison95, area.comparison998]).toEqual([null, null, null, null, null, null, null]);
        } else {
          expect(area).toEqual(whole);
        }
      }
      const one = await get<ListJson>(`/api/v1/partnerships/city/indicators?area=lsoa11:${small[0]}`, viewer);
      expect(one.body.indicators.find((i) => i.code === 'ASB')).toMatchObject({ numerator: null, value: null, lower95: null, comparison95: null });
    });

    it('does not reveal one partnership’s indicators to another', async () => {
      expect((await get('/api/v1/partnerships/city/indicators', outsider)).status).toBe(404);
      expect((await get('/api/v1/partnerships/city/indicators/B12b', outsider)).status).toBe(404);
      expect((await get('/api/v1/partnerships/city/indicators', {})).status).toBe(401);
      // An area of another partnership's geography is simply not there.
      expect((await get('/api/v1/partnerships/elsewhere/indicators?area=lsoa11:E01000001', outsider)).status).toBe(400);
      expect((await get('/api/v1/partnerships/city/indicators/NOPE', analyst)).status).toBe(404);
    });
  });

  describe('pages', () => {
    it('lists every indicator with its figures and caveats, and an area profile with its spine chart', async () => {
      const browser = new Browser(app);
      expect((await browser.signIn(p.emails.analyst, TEST_PASSWORD)).statusCode).toBe(302);
      const list = await browser.get('/assessments/indicators');
      expect(list.statusCode).toBe(200);
      const rows = tableRows(list.body, 'indicators');
      const b12b = rows.find((r) => r[0]!.startsWith('Violence offences per 1,000'))!;
      expect(b12b[1]).toBe(cityCount(ofType(VIOLENCE)).toLocaleString('en-GB'));
      expect(b12b[2]).toContain(rate(cityCount(ofType(VIOLENCE)), cityPopulation, 1000).value.toFixed(1));
      expect(rows.find((r) => r[0]!.startsWith('Sexual offences'))![1]).toMatch(/^Not available from the shared data/);
      expect(list.body).toContain('id="spine-chart"');

      const detail = await browser.get('/assessments/indicators/B12b?type=lsoa11');
      expect(detail.statusCode).toBe(200);
      const areas = tableRows(detail.body, 'areas');
      expect(areas).toHaveLength(7);
      expect(detail.body).toContain('id="compare-b12b"');
      expect(detail.body).toContain('id="trend-b12b"');

      const profile = await browser.get('/assessments/profile/lsoa11/E01032739');
      expect(profile.statusCode).toBe(200);
      expect(profile.body).toContain('id="spine-chart"');
      const b12bProfile = tableRows(profile.body, 'profile').find((r) => r[0]!.startsWith('Violence offences'))!;
      expect(b12bProfile[1]).toBe(lsoaCount(ofType(VIOLENCE), 'E01032739').toLocaleString('en-GB'));
      expect(b12bProfile[6]).toBe('Worse');
      expect((await browser.get('/assessments/profile/lsoa11/E01999999')).statusCode).toBe(404);
      const picked = await browser.get('/assessments/profile?area=ward:E05009302&from=2024-06&to=2025-05');
      expect(picked.statusCode).toBe(302);
      expect(picked.headers.location).toBe('/assessments/profile/ward/E05009302?from=2024-06&to=2025-05');
    });

    it('shows a viewer [c] for small counts and no form to add indicators', async () => {
      const browser = new Browser(app);
      await browser.signIn(p.emails.viewer, TEST_PASSWORD);
      const page = await browser.get(`/assessments/indicators/ASB?type=lsoa11&from=${FROM}&to=${TO}`);
      expect(page.statusCode).toBe(200);
      const small = CITY_LSOAS.find((l) => { const n = lsoaCount(ofType(ASB), l); return n > 0 && n < THRESHOLD; })!;
      const row = tableRows(page.body, 'areas').find((r) => r[0]!.includes(small))!;
      // Count, residents, value, 95% and 99.8% intervals, benchmark, and the two classes.
      expect(row.slice(1, 6)).toEqual(['[c]', population.get(small)!.toLocaleString('en-GB'), '[c]', '–', '–']);
      expect(row.slice(7)).toEqual(['not compared', 'not compared']);
      expect((await browser.get('/assessments/indicators/new')).statusCode).toBe(404);
    });

    it('downloads the table suppressed (the agreement allows no record-level export) and audits the download', async () => {
      const browser = new Browser(app);
      await browser.signIn(p.emails.analyst, TEST_PASSWORD);
      const csv = await browser.get(`/assessments/indicators/ASB/export.csv?type=lsoa11&from=${FROM}&to=${TO}`);
      expect(csv.statusCode).toBe(200);
      const records = parse(csv.body, { columns: true }) as Array<Record<string, string>>;
      const small = CITY_LSOAS.find((l) => { const n = lsoaCount(ofType(ASB), l); return n > 0 && n < THRESHOLD; })!;
      expect(records.find((r) => r.area_code === small)).toMatchObject({ numerator: 'suppressed', value: '' });
      expect(records.find((r) => r.area_type === 'partnership')!.numerator).toBe(String(cityCount(ofType(ASB))));
      const png = await browser.get(`/assessments/indicators/B12b/export.png?chart=trend`);
      expect(png.headers['content-type']).toBe('image/png');
      expect(png.rawPayload.subarray(1, 4).toString()).toBe('PNG');
      const { rows } = await sql<{ action: string; record_id: string }>`SELECT action, record_id FROM audit_events WHERE partnership_id = ${p.id} AND action = 'indicators.export' ORDER BY id`.execute(handle.db);
      expect(rows.map((r) => r.record_id)).toEqual(['ASB', 'B12b']);
    });
  });

  describe('custom indicators', () => {
    it('are added by an analyst through the form, audited, and counted like the built-in ones', async () => {
      const browser = new Browser(app);
      await browser.signIn(p.emails.analyst, TEST_PASSWORD);
      await browser.get('/assessments/indicators/new');
      const refused = await browser.post('/assessments/indicators/new', { code: 'b12B', name: '', multiplier: '1000', polarity: 'low-is-good' });
      expect(refused.statusCode).toBe(400);
      const problems = text(/govuk-error-summary[\s\S]*?<\/ul>/.exec(refused.body)![0]);
      expect(problems).toContain('b12B is a built-in indicator');
      expect(problems).toContain('Enter the indicator’s name');
      expect(problems).toContain('Choose at least one category or source category');

      const added = await browser.post('/assessments/indicators/new', {
        code: 'ROB-1', name: 'Robbery offences per 1,000', sourceSlugs: 'police-uk', categories: 'robbery', multiplier: '1000', polarity: 'low-is-good', note: 'Personal and business robbery.',
      });
      expect(added.statusCode, text(added.body).slice(0, 400)).toBe(302);
      const { rows } = await sql<{ record_id: string; actor_label: string }>`SELECT record_id, actor_label FROM audit_events WHERE partnership_id = ${p.id} AND action = 'indicator.create'`.execute(handle.db);
      expect(rows).toEqual([{ record_id: 'ROB-1', actor_label: p.emails.analyst }]);

      const again = await browser.post('/assessments/indicators/new', { code: 'rob-1', name: 'Again', categories: 'robbery', multiplier: '1000', polarity: 'none' });
      expect(again.statusCode).toBe(400);
      expect(text(again.body)).toContain('already has an indicator rob-1');

      const { body } = await get<ListJson>(`/api/v1/partnerships/city/indicators?period=${FROM}..${TO}`, analyst);
      const robbery = body.indicators.find((i) => i.code === 'ROB-1')!;
      expectFigure(robbery, cityCount(ofType('Robbery')), cityPopulation, 1000);
      const theirs = await get<ListJson>('/api/v1/partnerships/elsewhere/indicators', outsider);
      expect(theirs.body.indicators.map((i) => i.code)).not.toContain('ROB-1');
    });

    it('are the service’s too: indicatorReport gives the same figures to the strategic assessment', async () => {
      const report = await indicatorReport(handle.db, { ...p.admin, role: 'analyst' }, { from: FROM, to: TO, areaType: 'ward', benchmark: { kind: 'partnership' } });
      expect(report.indicators.map((i) => i.code)).toEqual(['B12a', 'B12b', 'B12c', 'ASB', 'ROB-1']);
      const b12b = report.indicators.find((i) => i.code === 'B12b')!;
      expect(b12b.partnership!.numerator).toBe(cityCount(ofType(VIOLENCE)));
      // Wards: the sum of their City LSOAs.
      for (const ward of b12b.areas) {
        const lsoas = CITY_LSOAS.filter((l) => wardOf.get(l)!.code === ward.code);
        expect(ward.numerator, ward.name).toBe(lsoas.reduce((s, l) => s + lsoaCount(ofType(VIOLENCE), l), 0));
      }
      expect(report.charts.spine!.rows).toHaveLength(5);
      expect(Object.keys(report.charts.comparisons)).toEqual(['B12b', 'ASB', 'ROB-1']);
    });

    it('gives the family comparison the City’s own figure for a calendar year, and compares with the family average for that year', async () => {
      const admin = p.admin;
      const csv = (text: string) => Readable.from([Buffer.from(text)]);
      await loadFamilyFile(handle.db, admin, { fileName: 'characteristics.csv', input: csv('area code,area name,population,area km2,deprived share,mean imd rank,aged 0-15,aged 16-29,aged 65+\nX00000001,Comparator (test),9000,3,0.1,20000,0.1,0.3,0.1\n') });
      await loadFamilyFile(handle.db, admin, { fileName: 'figures.csv', input: csv('area code,area name,indicator,period,numerator,denominator\nX00000001,Comparator (test),B12b,2024,450,9000\n') });
      const comparison = await familyComparison(handle.db, { ...admin, role: 'analyst' }, { indicator: 'B12b' });
      const year = comparison.indicators[0]!.periods.find((x) => x.period.label === '2024')!;
      // The City's own count for 2024 from the raw files: its LSOAs and the rows with no location.
      expect(year.own).toMatchObject({ numerator: cityCount(ofType(VIOLENCE, '2024-01', '2024-12')), denominator: cityPopulation, source: 'indicators' });
      expect(year.familyAverage!.value).toBeCloseTo((450 / 9000) * 1000, 9);

      const { status, body } = await get<ListJson>('/api/v1/partnerships/city/indicators?period=2024-01..2024-12&benchmark=family', analyst);
      expect(status).toBe(200);
      const b12b = body.indicators.find((i) => i.code === 'B12b')!;
      expect(b12b.benchmark).toMatchObject({ kind: 'family', value: 50 });
      const r = rate(cityCount(ofType(VIOLENCE, '2024-01', '2024-12')), cityPopulation, 1000);
      expect(b12b.comparison95).toBe(fingertips(r.lower95, r.upper95, 50));
    });

    it('are changed and removed by an analyst, audited; built-in indicators cannot be', async () => {
      const browser = new Browser(app);
      await browser.signIn(p.emails.analyst, TEST_PASSWORD);
      const form = await browser.get('/assessments/indicators/ROB-1/edit');
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('value="Robbery offences per 1,000"');
      expect((await browser.get('/assessments/indicators/B12b/edit')).statusCode).toBe(404);

      const bad = await browser.post('/assessments/indicators/ROB-1/edit', { name: '', multiplier: '1000', polarity: 'low-is-good' });
      expect(bad.statusCode).toBe(400);
      expect(text(bad.body)).toContain('Choose at least one category or source category');

      // Robbery and theft from the person now, per 100,000.
      const changed = await browser.post('/assessments/indicators/ROB-1/edit', {
        name: 'Robbery and theft from the person per 100,000', sourceSlugs: 'police-uk', categories: ['robbery', 'theft'], sourceCategories: ['Robbery', 'Theft from the person'], multiplier: '100000', polarity: 'low-is-good',
      });
      expect(changed.statusCode, text(changed.body).slice(0, 400)).toBe(302);
      const { body } = await get<ListJson>(`/api/v1/partnerships/city/indicators?period=${FROM}..${TO}`, analyst);
      const robbery = body.indicators.find((i) => i.code === 'ROB-1')!;
      expectFigure(robbery, cityCount(ofType('Robbery')) + cityCount(ofType('Theft from the person')), cityPopulation, 100_000);

      const viewerBrowser = new Browser(app);
      await viewerBrowser.signIn(p.emails.viewer, TEST_PASSWORD);
      expect((await viewerBrowser.post('/assessments/indicators/ROB-1/remove', {})).statusCode).toBe(404);
      expect((await browser.post('/assessments/indicators/ROB-1/remove', {})).statusCode).toBe(302);
      expect((await get<ListJson>(`/api/v1/partnerships/city/indicators`, analyst)).body.indicators.map((i) => i.code)).toEqual(['B12a', 'B12b', 'B12c', 'ASB']);
      const { rows } = await sql<{ action: string }>`SELECT action FROM audit_events WHERE partnership_id = ${p.id} AND record_type = 'indicator' AND record_id = 'ROB-1' ORDER BY id`.execute(handle.db);
      expect(rows.map((r) => r.action)).toEqual(['indicator.create', 'indicator.change', 'indicator.remove']);
    });
  });
});
