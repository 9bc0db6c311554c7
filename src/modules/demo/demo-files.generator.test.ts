import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'csv-parse/sync';
import pointInPolygon from 'point-in-polygon-hao';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASB_CATEGORIES, COUNCIL_ASB_MAPPING } from './council-asb.model.ts';
import { BNG_PROJ4 } from '../../shared/bng.ts';
import { writeDemoFiles, type DemoFilesSummary } from './demo-files.generator.ts';
import { ASSAULT_LOCATION_TYPES, ASSAULT_METHODS, ISTV_HEADER } from './istv.model.ts';
import { CRIME_TYPES, POLICE_HEADER } from './police.model.ts';

const SEED = 'lantern-demo-test';
const OPTIONS = { seed: SEED, months: 24, endMonth: '2025-05' } as const;
/** Real files for comparing headers; absent outside the workspace, and then those checks say so. */
const SHARED_AREAS = join(process.cwd(), '..', 'shared', 'data', 'areas');

type Feature = { properties: Record<string, string>; geometry: { type: string; coordinates: number[][][] } };
type Area = { code: string; name: string; ring: number[][] };
type PoliceRecord = Record<string, string> & { file: string };

let dir: string;
let summary: DemoFilesSummary;
const tmpDirs: string[] = [];
let lsoa11: Area[];
let lsoa21: Area[];
let ladRing: number[][];
let police: PoliceRecord[];
let policeByFile: Map<string, string>;
let istv: (Record<string, string> & { file: string })[];
let council: (Record<string, string> & { file: string })[];

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'lantern-demo-'));
  tmpDirs.push(d);
  return d;
}

async function hashTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else out.set(relative(root, p), createHash('sha256').update(await readFile(p)).digest('hex'));
    }
  };
  await walk(root);
  return out;
}

async function readAreas(file: string, codeProp: string, nameProp: string): Promise<Area[]> {
  const fc = JSON.parse(await readFile(join(dir, 'boundaries', file), 'utf8')) as { features: Feature[] };
  return fc.features.map((f) => ({ code: f.properties[codeProp]!, name: f.properties[nameProp]!, ring: f.geometry.coordinates[0]! }));
}

function areasContaining(areas: Area[], lon: number, lat: number): Area[] {
  return areas.filter((a) => pointInPolygon([lon, lat], [a.ring]) !== false);
}

function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true, bom: true, skip_empty_lines: true }) as Record<string, string>[];
}

beforeAll(async () => {
  dir = await tempDir();
  summary = await writeDemoFiles(dir, OPTIONS);
  lsoa11 = await readAreas('lsoa11.geojson', 'LSOA11CD', 'LSOA11NM');
  lsoa21 = await readAreas('lsoa21.geojson', 'LSOA21CD', 'LSOA21NM');
  ladRing = (JSON.parse(await readFile(join(dir, 'boundaries', 'lad.geojson'), 'utf8')) as { features: Feature[] }).features[0]!.geometry
    .coordinates[0]!;
  police = [];
  policeByFile = new Map();
  for (const f of (await readdir(join(dir, 'police-uk'))).sort()) {
    const text = await readFile(join(dir, 'police-uk', f), 'utf8');
    policeByFile.set(f, text);
    for (const r of parseCsv(text)) police.push({ ...r, file: f } as PoliceRecord);
  }
  istv = [];
  for (const f of (await readdir(join(dir, 'istv'))).filter((f) => f.endsWith('.csv')).sort()) {
    for (const r of parseCsv(await readFile(join(dir, 'istv', f), 'utf8'))) istv.push({ ...r, file: f });
  }
  council = [];
  for (const f of (await readdir(join(dir, 'council-asb'))).filter((f) => f.endsWith('.csv')).sort()) {
    for (const r of parseCsv(await readFile(join(dir, 'council-asb', f), 'utf8'))) council.push({ ...r, file: f });
  }
}, 60_000);

afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

describe('writeDemoFiles: layout and determinism', () => {
  it('writes the documented layout', async () => {
    const files = new Set((await hashTree(dir)).keys());
    for (const f of [
      'README.md',
      'boundaries/lsoa11.geojson',
      'boundaries/lsoa21.geojson',
      'boundaries/lad.geojson',
      'areas/lsoa11-ward-lad-lookup.csv',
      'areas/population-lsoa11.csv',
      'areas/imd-lsoa11.csv',
      'police-uk/2023-06-kingsbridge-street.csv',
      'police-uk/2025-05-kingsbridge-street.csv',
      'istv/2025-05-XKB01.csv',
      'istv/manifest.json',
      'council-asb/2025-05-kingsbridge-asb.csv',
      'council-asb/mapping.json',
      'premises/licensed-premises.csv',
    ]) {
      expect(files.has(f), f).toBe(true);
    }
    expect([...files].filter((f) => f.startsWith('police-uk/'))).toHaveLength(24);
    expect([...files].filter((f) => f.startsWith('istv/') && f.endsWith('.csv'))).toHaveLength(24);
    expect([...files].filter((f) => f.startsWith('council-asb/') && f.endsWith('.csv'))).toHaveLength(24);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toMatch(/synthetic/i);
    expect(summary.files.length).toBe(files.size);
  });

  it('gives byte-identical files for the same seed, and different files for another seed', async () => {
    const again = await tempDir();
    await writeDemoFiles(again, OPTIONS);
    const [a, b] = await Promise.all([hashTree(dir), hashTree(again)]);
    expect(b).toEqual(a);

    const other = await tempDir();
    await writeDemoFiles(other, { ...OPTIONS, seed: 'another seed', months: 2 });
    const c = await hashTree(other);
    expect(c.get('police-uk/2025-05-kingsbridge-street.csv')).not.toBe(a.get('police-uk/2025-05-kingsbridge-street.csv'));
    expect(c.get('boundaries/lsoa11.geojson')).not.toBe(a.get('boundaries/lsoa11.geojson'));
  }, 60_000);

  it('generates the 24-month set quickly', () => {
    expect(summary.elapsedMs).toBeLessThan(5_000);
  });
});

describe('writeDemoFiles: boundaries and areas', () => {
  it('names boundary properties as the ONS files do and labels the district synthetic', async () => {
    const fc11 = JSON.parse(await readFile(join(dir, 'boundaries', 'lsoa11.geojson'), 'utf8')) as { type: string; features: Feature[] };
    const fc21 = JSON.parse(await readFile(join(dir, 'boundaries', 'lsoa21.geojson'), 'utf8')) as { features: Feature[] };
    const lad = JSON.parse(await readFile(join(dir, 'boundaries', 'lad.geojson'), 'utf8')) as { features: Feature[] };
    expect(fc11.type).toBe('FeatureCollection');
    expect(Object.keys(fc11.features[0]!.properties)).toEqual(['LSOA11CD', 'LSOA11NM', 'MSOA11CD', 'MSOA11NM', 'LAD11CD', 'LAD11NM']);
    expect(Object.keys(fc21.features[0]!.properties)).toEqual(['LSOA21CD', 'LSOA21NM', 'MSOA21CD', 'MSOA21NM', 'LAD22CD', 'LAD22NM']);
    expect(lad.features).toHaveLength(1);
    expect(lad.features[0]!.properties).toEqual({ LAD22NM: 'Kingsbridge (synthetic)', LAD22CD: 'E09990001' });
    expect(lad.features[0]!.geometry.type).toBe('Polygon');
    for (const f of [...fc11.features, ...fc21.features]) {
      expect(f.geometry.type).toBe('Polygon');
      const ring = f.geometry.coordinates[0]!;
      expect(ring[0]).toEqual(ring[ring.length - 1]);
    }
    expect(fc11.features.every((f) => f.properties['LAD11NM'] === 'Kingsbridge (synthetic)')).toBe(true);
  });

  it('writes the area CSVs with the real headers, BOMs and quoted thousands', async () => {
    const lookup = await readFile(join(dir, 'areas', 'lsoa11-ward-lad-lookup.csv'), 'utf8');
    const pop = await readFile(join(dir, 'areas', 'population-lsoa11.csv'), 'utf8');
    const imd = await readFile(join(dir, 'areas', 'imd-lsoa11.csv'), 'utf8');
    expect(lookup.startsWith('\uFEFFFID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n')).toBe(true);
    expect(imd.startsWith('\uFEFFLSOA code (2011),')).toBe(true);
    expect(pop.startsWith('LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,Persons_All-Ages,')).toBe(true);
    expect(imd).toMatch(/,"\d{1,2},\d{3}",\d+\n/);

    const imdRows = parseCsv(imd);
    expect(imdRows).toHaveLength(lsoa11.length);
    for (const r of imdRows) {
      const rank = Number(r['Index of Multiple Deprivation (IMD) Rank']!.replace(/,/g, ''));
      expect(rank).toBeGreaterThanOrEqual(1);
      expect(r['Index of Multiple Deprivation (IMD) Rank']).toBe(rank.toLocaleString('en-GB'));
    }
    const popRows = parseCsv(pop);
    for (const r of popRows) {
      const total = Number(r['Persons_All-Ages']);
      expect(total).toBeGreaterThanOrEqual(1200);
      expect(total).toBeLessThanOrEqual(3000);
      expect(Number(r['Males_All-Ages']) + Number(r['Females_All-Ages'])).toBe(total);
    }
    const lookupRows = parseCsv(lookup);
    expect(new Set(lookupRows.map((r) => r['WD19CD'])).size).toBe(12);
    expect(lookupRows.map((r) => r['LSOA11CD'])).toEqual(lsoa11.map((a) => a.code));

    if (!existsSync(SHARED_AREAS)) {
      console.warn(`skipped: comparing area headers with the real files (${SHARED_AREAS} not present)`);
      return;
    }
    const firstLine = async (p: string): Promise<string> => (await readFile(p, 'utf8')).split('\n')[0]!;
    expect(lookup.split('\n')[0]).toBe(await firstLine(join(SHARED_AREAS, 'lsoa11-ward2019-lad2019-lookup-london.csv')));
    expect(pop.split('\n')[0]).toBe(await firstLine(join(SHARED_AREAS, 'population-lsoa11-mid2019-london.csv')));
    expect(imd.split('\n')[0]).toBe(await firstLine(join(SHARED_AREAS, 'imd2019-lsoa11-london.csv')));
  });

  it('writes the licensed-premises register', async () => {
    const rows = parseCsv(await readFile(join(dir, 'premises', 'licensed-premises.csv'), 'utf8'));
    expect(Object.keys(rows[0]!)).toEqual(['name', 'address', 'postcode', 'longitude', 'latitude', 'licensed_hours']);
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(areasContaining(lsoa11, Number(r['longitude']), Number(r['latitude']))).toHaveLength(1);
      expect(r['licensed_hours']).toMatch(/\d{2}:\d{2}-\d{2}:\d{2}/);
    }
  });
});

describe('writeDemoFiles: police.uk street files', () => {
  const crimeTypes = new Set<string>(CRIME_TYPES);

  it('writes the exact police.uk header, twelve columns per row and CRLF line ends', () => {
    for (const [file, text] of policeByFile) {
      expect(text.startsWith(`${POLICE_HEADER}\r\n`), file).toBe(true);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      const records = parse(text, { relax_column_count: true }) as string[][];
      expect(records.every((r) => r.length === 12), file).toBe(true);
    }
  });

  it('has valid values in every row', () => {
    const bad: string[] = [];
    for (const r of police) {
      const month = r.file.slice(0, 7);
      const asb = r['Crime type'] === 'Anti-social behaviour';
      const located = r['Location'] !== 'No Location';
      const ok =
        r['Month'] === month &&
        r['Reported by'] === 'Kingsbridge Police (synthetic)' &&
        r['Falls within'] === 'Kingsbridge Police (synthetic)' &&
        crimeTypes.has(r['Crime type']!) &&
        (asb ? r['Crime ID'] === '' && r['Last outcome category'] === '' : /^[0-9a-f]{64}$/.test(r['Crime ID']!) && r['Last outcome category'] !== '') &&
        r['Context'] === '' &&
        (located
          ? /^-?\d+\.\d{6}$/.test(r['Longitude']!) &&
            /^\d+\.\d{6}$/.test(r['Latitude']!) &&
            /^On or near \S/.test(r['Location']!) &&
            /^E01\d{6}$/.test(r['LSOA code']!) &&
            r['LSOA name'] !== ''
          : r['Longitude'] === '' && r['Latitude'] === '' && r['LSOA code'] === '' && r['LSOA name'] === '');
      if (!ok) bad.push(JSON.stringify(r));
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('has about 1,200 rows a month with realistic proportions and all 14 crime types', () => {
    const perMonth = police.length / 24;
    expect(perMonth).toBeGreaterThan(1000);
    expect(perMonth).toBeLessThan(1400);
    const counts = new Map<string, number>();
    for (const r of police) counts.set(r['Crime type']!, (counts.get(r['Crime type']!) ?? 0) + 1);
    expect(counts.size).toBe(14);
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
    expect(ranked[0]).toBe('Anti-social behaviour');
    expect(ranked[1]).toBe('Violence and sexual offences');
    const noLocation = police.filter((r) => r['Location'] === 'No Location').length / police.length;
    expect(noLocation).toBeGreaterThan(0.07);
    expect(noLocation).toBeLessThan(0.11);
  });

  it('puts each point in the LSOA it names (2011 codes before the switch, 2021 after), or outside the borough', () => {
    const switchMonth = summary.lsoa21FromMonth;
    const codes11 = new Set(lsoa11.map((a) => a.code));
    const codes21 = new Set(lsoa21.map((a) => a.code));
    const problems: string[] = [];
    let outside = 0;
    let newCodes = 0;
    const cache = new Map<string, string>();
    for (const r of police) {
      if (r['Location'] === 'No Location') continue;
      const lon = Number(r['Longitude']);
      const lat = Number(r['Latitude']);
      const vintage21 = r['Month']! >= switchMonth;
      const code = r['LSOA code']!;
      const key = `${r['Longitude']},${r['Latitude']},${vintage21}`;
      let found = cache.get(key);
      if (found === undefined) {
        const hits = areasContaining(vintage21 ? lsoa21 : lsoa11, lon, lat);
        found = hits.length === 1 ? hits[0]!.code : hits.length === 0 ? '' : '<many>';
        cache.set(key, found);
      }
      if (found === '') {
        outside++;
        if (codes11.has(code) || codes21.has(code)) problems.push(`outside point named ${code}`);
        if (pointInPolygon([lon, lat], [ladRing]) !== false) problems.push(`unmatched point inside the borough: ${key}`);
        continue;
      }
      if (found !== code) problems.push(`${r['Month']} ${key}: named ${code}, lies in ${found}`);
      if (!(vintage21 ? codes21 : codes11).has(code)) problems.push(`${r['Month']} uses ${code} of the wrong vintage`);
      if (code.startsWith('E01995')) newCodes++;
      const area = (vintage21 ? lsoa21 : lsoa11).find((a) => a.code === code)!;
      if (area.name !== r['LSOA name']) problems.push(`${code} named ${r['LSOA name']}`);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(outside).toBeGreaterThan(0);
    expect(newCodes).toBeGreaterThan(0);
    expect(police.some((r) => r['Month']! < switchMonth && r['LSOA code']!.startsWith('E01995'))).toBe(false);
  });

  it('has the quirks of real files: repeated Crime IDs at two places, identical ASB rows, snapped locations', () => {
    const byId = new Map<string, PoliceRecord[]>();
    for (const r of police) if (r['Crime ID']) byId.set(r['Crime ID']!, [...(byId.get(r['Crime ID']!) ?? []), r]);
    const repeated = [...byId.values()].filter((rs) => rs.length > 1);
    expect(repeated.length).toBeGreaterThan(10);
    expect(repeated.some((rs) => rs[0]!['Longitude'] !== rs[1]!['Longitude'] || rs[0]!['Latitude'] !== rs[1]!['Latitude'])).toBe(true);

    const lines = new Map<string, number>();
    for (const [, text] of policeByFile) for (const l of text.split('\r\n')) if (l.startsWith(',')) lines.set(l, (lines.get(l) ?? 0) + 1);
    expect([...lines.values()].some((n) => n > 1)).toBe(true);

    const points = new Set(police.filter((r) => r['Longitude']).map((r) => `${r['Longitude']},${r['Latitude']}`));
    expect(points.size).toBeLessThan(2000);
  });

  it('orders rows as police.uk does: by LSOA name, then category, no-location rows last', () => {
    const order = new Map(CRIME_TYPES.map((t, i) => [t as string, i]));
    for (const [file] of policeByFile) {
      const rows = police.filter((r) => r.file === file);
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1]!;
        const b = rows[i]!;
        const an = a['LSOA name'] || '\uffff';
        const bn = b['LSOA name'] || '\uffff';
        const ok = an < bn || (an === bn && order.get(a['Crime type']!)! <= order.get(b['Crime type']!)!);
        if (!ok) throw new Error(`${file}: row ${i + 1} out of order`);
      }
    }
  });

  it('concentrates violence in the night-time economy and peaks it in summer and December', () => {
    const violence = police.filter((r) => r['Crime type'] === 'Violence and sexual offences' && r['LSOA code']);
    const byCode = new Map<string, number>();
    for (const r of violence) byCode.set(r['LSOA code']!, (byCode.get(r['LSOA code']!) ?? 0) + 1);
    const top3 = [...byCode.values()].sort((a, b) => b - a).slice(0, 3).reduce((a, b) => a + b, 0);
    // The three busiest LSOAs (the night-time economy) hold at least four times their share.
    expect(top3 / violence.length).toBeGreaterThan((3 / lsoa11.length) * 4);
    const monthly = (mm: string[]): number =>
      police.filter((r) => r['Crime type'] === 'Violence and sexual offences' && mm.includes(r['Month']!.slice(5))).length / mm.length;
    expect(monthly(['06', '07', '08'])).toBeGreaterThan(monthly(['01', '02']) * 1.1);
    expect(monthly(['12'])).toBeGreaterThan(monthly(['11']));
  });
});

describe('writeDemoFiles: ISTV A&E submissions', () => {
  const dt = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
  /** Wall-clock minutes since the epoch: A&E records local time, and the checks are about local time. */
  const wall = (s: string): number => Date.parse(`${s.replace(' ', 'T')}:00Z`) / 60_000;

  it('lists each monthly file with its submission header in the manifest', async () => {
    const manifest = JSON.parse(await readFile(join(dir, 'istv', 'manifest.json'), 'utf8')) as {
      files: { file: string; periodStart: string; periodEnd: string; siteCode: string; rows: number }[];
    };
    expect(manifest.files).toHaveLength(24);
    expect(manifest.files[0]).toMatchObject({ file: '2023-06-XKB01.csv', periodStart: '2023-06-01', periodEnd: '2023-06-30', siteCode: 'XKB01' });
    expect(manifest.files.find((f) => f.file === '2024-02-XKB01.csv')?.periodEnd).toBe('2024-02-29');
    for (const f of manifest.files) expect(istv.filter((r) => r.file === f.file)).toHaveLength(f.rows);
  });

  it('uses the ISTV headers, date-time format and code lists', async () => {
    const text = await readFile(join(dir, 'istv', '2024-07-XKB01.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe([...ISTV_HEADER, 'ASSAULT LOCATION LSOA'].join(','));
    const methods = new Set<string>(ASSAULT_METHODS);
    const types = new Set<string>(ASSAULT_LOCATION_TYPES);
    const codes11 = new Set(lsoa11.map((a) => a.code));
    const bad: string[] = [];
    for (const r of istv) {
      const arrival = r['ARRIVAL DATE AND TIME AT ACCIDENT AND EMERGENCY DEPARTMENT']!;
      const assault = r['ASSAULT DATE AND TIME']!;
      const lag = wall(arrival) - wall(assault);
      const ok =
        dt.test(arrival) &&
        dt.test(assault) &&
        arrival.slice(0, 7) === r.file.slice(0, 7) &&
        // Only the October clock change can make a wall-clock arrival look earlier than the assault.
        (lag >= 0 || (lag > -60 && assault.slice(5, 7) === '10')) &&
        methods.has(r['ASSAULT METHOD']!) &&
        types.has(r['ASSAULT LOCATION TYPE']!) &&
        (r['ASSAULT METHOD'] === 'other') === (r['ASSAULT METHOD OTHER DESCRIPTION'] !== '') &&
        (r['ASSAULT LOCATION LSOA'] === '' || codes11.has(r['ASSAULT LOCATION LSOA']!));
      if (!ok) bad.push(JSON.stringify(r));
    }
    expect(bad.slice(0, 5)).toEqual([]);
    const perMonth = istv.length / 24;
    expect(perMonth).toBeGreaterThan(150);
    expect(perMonth).toBeLessThan(250);
  });

  it('never carries a postcode, phone number, NHS number or e-mail in free text', () => {
    const postcode = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i;
    for (const r of istv) {
      for (const text of [r['ASSAULT LOCATION DESCRIPTION']!, r['ASSAULT METHOD OTHER DESCRIPTION']!]) {
        expect(text).not.toMatch(postcode);
        expect(text).not.toMatch(/\d{5,}|@/);
      }
    }
  });

  it('shows the night-time economy: Friday and Saturday 22:00-03:00 hold far more than their share of the week', () => {
    const inWindow = (s: string): boolean => {
      const d = new Date(`${s.replace(' ', 'T')}:00Z`);
      const dow = d.getUTCDay();
      const h = d.getUTCHours();
      return (dow === 5 && h >= 22) || (dow === 6 && (h < 3 || h >= 22)) || (dow === 0 && h < 3);
    };
    const share = istv.filter((r) => inWindow(r['ASSAULT DATE AND TIME']!)).length / istv.length;
    const timeShare = 10 / (7 * 24);
    expect(share).toBeGreaterThan(3 * timeShare);

    const licensed = istv.filter((r) => r['ASSAULT LOCATION TYPE'] === 'licensed-premises');
    expect(licensed.filter((r) => inWindow(r['ASSAULT DATE AND TIME']!)).length / licensed.length).toBeGreaterThan(0.5);
    // Domestic assaults spread through the week instead.
    const home = istv.filter((r) => r['ASSAULT LOCATION TYPE'] === 'home');
    expect(home.filter((r) => inWindow(r['ASSAULT DATE AND TIME']!)).length / home.length).toBeLessThan(3 * timeShare);
    // A few venues dominate (the Cardiff Model's finding).
    const liquid = licensed.filter((r) => /liq/i.test(r['ASSAULT LOCATION DESCRIPTION']!)).length;
    const plough = licensed.filter((r) => /plough/i.test(r['ASSAULT LOCATION DESCRIPTION']!)).length;
    expect(liquid).toBeGreaterThan(5 * Math.max(1, plough));
  });

  it('records more assaults in A&E than the police record violence in some areas (hidden violence)', () => {
    // Police rows after the switch carry 2021 codes; fold split LSOAs back to their 2011 parent by location.
    const policeViolence = new Map<string, number>();
    for (const r of police) {
      if (r['Crime type'] !== 'Violence and sexual offences' || !r['LSOA code']) continue;
      let code = r['LSOA code']!;
      if (code.startsWith('E01995')) code = areasContaining(lsoa11, Number(r['Longitude']), Number(r['Latitude']))[0]!.code;
      policeViolence.set(code, (policeViolence.get(code) ?? 0) + 1);
    }
    const ae = new Map<string, number>();
    for (const r of istv) if (r['ASSAULT LOCATION LSOA']) ae.set(r['ASSAULT LOCATION LSOA']!, (ae.get(r['ASSAULT LOCATION LSOA']!) ?? 0) + 1);
    const hidden = [...ae.entries()].filter(([code, n]) => n >= 10 && n > (policeViolence.get(code) ?? 0));
    expect(hidden.length).toBeGreaterThanOrEqual(3);
  });
});

describe('writeDemoFiles: council ASB export', () => {
  it('writes the columns, the mapping and about 300 cases a month', async () => {
    const text = await readFile(join(dir, 'council-asb', '2024-07-kingsbridge-asb.csv'), 'utf8');
    expect(text.split('\r\n')[0]).toBe('Reference,Reported,Category,Location,Easting,Northing,Ward,Status');
    const mapping = JSON.parse(await readFile(join(dir, 'council-asb', 'mapping.json'), 'utf8')) as unknown;
    expect(mapping).toEqual(COUNCIL_ASB_MAPPING);
    expect(mapping).toEqual({
      dateTime: 'Reported',
      dateFormat: 'dmy',
      category: 'Category',
      reference: 'Reference',
      location: 'Location',
      easting: 'Easting',
      northing: 'Northing',
      keep: ['Status'],
    });
    const perMonth = council.length / 24;
    expect(perMonth).toBeGreaterThan(250);
    expect(perMonth).toBeLessThan(350);
  });

  it('has valid dates, categories, wards, unique references and grid references inside the borough', () => {
    const categories = new Set<string>(ASB_CATEGORIES);
    const wards = new Set(council.map((r) => r['Ward']));
    expect(wards.size).toBe(12);
    expect(new Set(council.map((r) => r['Reference'])).size).toBe(council.length);
    const toWgs = proj4(BNG_PROJ4, 'EPSG:4326');
    let withoutCoords = 0;
    let insideBorough = 0;
    const bad: string[] = [];
    for (const r of council) {
      const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(r['Reported']!);
      if (!m || `${m[3]}-${m[2]}` !== r.file.slice(0, 7) || !categories.has(r['Category']!) || !r['Location']) bad.push(JSON.stringify(r));
      if (r['Easting'] === '') {
        withoutCoords++;
        if (r['Northing'] !== '') bad.push(JSON.stringify(r));
        continue;
      }
      expect(r['Easting']).toMatch(/^\d{6}$/);
      expect(r['Northing']).toMatch(/^\d{6}$/);
      const [lon, lat] = toWgs.forward([Number(r['Easting']), Number(r['Northing'])]);
      if (pointInPolygon([lon!, lat!], [ladRing]) !== false) insideBorough++;
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(withoutCoords).toBeGreaterThan(0);
    expect(insideBorough / (council.length - withoutCoords)).toBeGreaterThan(0.995);
  });
});
