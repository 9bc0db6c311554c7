import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImd, readPopulation, readWardLookup } from './area-csv.loader.ts';
import { GeographyError } from './geography.errors.ts';

const AREAS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/data/areas');
const LOOKUP = resolve(AREAS, 'lsoa11-ward2019-lad2019-lookup-london.csv');
const POPULATION_2020 = resolve(AREAS, 'population-lsoa11-mid2020-london.csv');
const POPULATION_2019 = resolve(AREAS, 'population-lsoa11-mid2019-london.csv');
const IMD = resolve(AREAS, 'imd2019-lsoa11-london.csv');

const csv = (...lines: string[]) => Readable.from([lines.join('\r\n') + '\r\n']);

async function errorOf(promise: Promise<unknown>): Promise<GeographyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GeographyError) return err;
    throw err;
  }
  throw new Error('expected a GeographyError');
}

const POP_HEADER = 'LSOA11CD,LSOA11NM,Persons_All-Ages,Persons_0-15,Persons_16-29,Persons_30-44,Persons_45-64,Persons_65+,Males_All-Ages';
const IMD_HEADER =
  'LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile';

describe('readWardLookup', () => {
  it('reads the lookup despite the byte-order mark and the FID column', async () => {
    const rows = await readWardLookup(
      csv('\uFEFFFID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM', '1,E01000001,City of London 001A,E05009288,Aldersgate,E09000001,City of London'),
    );
    expect(rows).toEqual([{ lsoa11: 'E01000001', ward: 'E05009288', wardName: 'Aldersgate', lad: 'E09000001', ladName: 'City of London' }]);
  });

  it('names the missing column', async () => {
    const err = await errorOf(readWardLookup(csv('FID,LSOA11CD,LSOA11NM,LAD19CD,LAD19NM')));
    expect(err).toMatchObject({ code: 'missing_column', details: { line: 1, column: 'WDyyCD (e.g. WD19CD)' } });
    expect(err.message).toMatch(/has no WDyyCD \(e\.g\. WD19CD\) column; the header is: FID, LSOA11CD/);
  });

  it('names the line and column of a bad code, and of a repeated LSOA', async () => {
    const header = 'FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM';
    const good = '1,E01000001,City 001A,E05009288,Aldersgate,E09000001,City of London';
    const bad = await errorOf(readWardLookup(csv(header, good, '2,E01000002,City 001B,E0500930,Cripplegate,E09000001,City of London')));
    expect(bad).toMatchObject({ code: 'invalid_value', details: { line: 3, column: 'WD19CD' } });
    expect(bad.message).toMatch(/line 3, column WD19CD: "E0500930" is not an ONS code/);

    const repeated = await errorOf(readWardLookup(csv(header, good, good)));
    expect(repeated.message).toMatch(/line 3, column LSOA11CD: E01000001 already appeared on line 2/);
  });

  it('reports a broken CSV line', async () => {
    const err = await errorOf(readWardLookup(csv('FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM', '1,E01000001,too,few')));
    expect(err).toMatchObject({ code: 'invalid_csv', details: { line: 2 } });
  });

  it('says when the file cannot be read', async () => {
    expect((await errorOf(readWardLookup('/nonexistent/lookup.csv'))).code).toBe('unreadable_input');
  });
});

describe('readPopulation', () => {
  it('reads the total and the Persons_ age bands', async () => {
    const map = await readPopulation(csv(POP_HEADER, 'E01000001,City 001A,1749,296,215,313,470,455,939'));
    expect(map.get('E01000001')).toEqual({ total: 1749, byAge: { '0-15': 296, '16-29': 215, '30-44': 313, '45-64': 470, '65+': 455 } });
  });

  it('refuses bands that do not add up to the total, and values that are not counts', async () => {
    const sum = await errorOf(readPopulation(csv(POP_HEADER, 'E01000001,City 001A,1750,296,215,313,470,455,939')));
    expect(sum).toMatchObject({ details: { line: 2, column: 'Persons_All-Ages' } });
    expect(sum.message).toMatch(/the age bands add up to 1749 but the total is 1750/);

    const negative = await errorOf(readPopulation(csv(POP_HEADER, 'E01000001,City 001A,1749,-296,215,313,470,455,939')));
    expect(negative).toMatchObject({ code: 'invalid_value', details: { line: 2, column: 'Persons_0-15' } });
  });

  it('names a missing total column', async () => {
    const err = await errorOf(readPopulation(csv('LSOA11CD,Persons_0-15', 'E01000001,1')));
    expect(err).toMatchObject({ code: 'missing_column', details: { column: 'Persons_All-Ages' } });
  });
});

describe('readImd', () => {
  it('parses ranks with thousands separators', async () => {
    const map = await readImd(csv('\uFEFF' + IMD_HEADER, 'E01000001,City of London 001A,E09000001,City of London,"29,199",9', 'E01000006,Barking,E09000002,Barking,"12",2'));
    expect(map.get('E01000001')).toEqual({ rank: 29199, decile: 9 });
    expect(map.get('E01000006')).toEqual({ rank: 12, decile: 2 });
  });

  it('refuses a malformed rank and a decile outside 1-10', async () => {
    const rank = await errorOf(readImd(csv(IMD_HEADER, 'E01000001,x,E09000001,x,"29.199",9')));
    expect(rank).toMatchObject({ details: { line: 2, column: 'Index of Multiple Deprivation (IMD) Rank' } });
    expect(rank.message).toMatch(/"29\.199" is not a whole number/);

    const decile = await errorOf(readImd(csv(IMD_HEADER, 'E01000001,x,E09000001,x,"29,199",11')));
    expect(decile.message).toMatch(/line 2, column Index of Multiple Deprivation \(IMD\) Decile: decile 11 is not between 1 and 10/);
  });
});

/** A deliberately naive reader (no quoting), to check the loaders against something independent. */
function naiveRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l !== '')
    .map((l) => l.split(','));
}

describe.skipIf(!existsSync(AREAS))('the real London area tables (../shared/data/areas)', () => {
  it('reads the LSOA → ward → local authority lookup', async () => {
    const rows = await readWardLookup(LOOKUP);
    expect(rows).toHaveLength(4835);
    const naive = naiveRows(LOOKUP).slice(1);
    expect(new Set(rows.map((r) => r.ward)).size).toBe(new Set(naive.map((c) => c[3])).size);
    expect(rows.filter((r) => r.lad === 'E09000001').map((r) => r.lsoa11).sort()).toEqual(
      naive.filter((c) => c[5] === 'E09000001').map((c) => c[1]).sort(),
    );
    expect(new Set(rows.map((r) => r.lad)).size).toBe(33);
  });

  it.each([
    ['mid-2019', POPULATION_2019],
    ['mid-2020', POPULATION_2020],
  ])('reads the %s population with sane totals', async (_label, file) => {
    const population = await readPopulation(file);
    expect(population.size).toBe(4835);

    const [header, ...rows] = naiveRows(file);
    const codeCol = header?.indexOf('LSOA11CD') as number;
    const ladCol = header?.indexOf('LAD11CD') as number;
    const totalCol = header?.indexOf('Persons_All-Ages') as number;
    const cityCodes = rows.filter((c) => c[ladCol] === 'E09000001').map((c) => c[codeCol] as string);
    const cityExpected = rows.filter((c) => c[ladCol] === 'E09000001').reduce((sum, c) => sum + Number(c[totalCol]), 0);
    const cityTotal = cityCodes.reduce((sum, code) => sum + (population.get(code)?.total ?? NaN), 0);
    expect(cityTotal).toBe(cityExpected);
    // The City of London has had roughly 8,000 to 11,000 residents in recent estimates.
    expect(cityTotal).toBeGreaterThan(7_000);
    expect(cityTotal).toBeLessThan(12_000);

    const london = [...population.values()].reduce((sum, p) => sum + p.total, 0);
    expect(london).toBeGreaterThan(8_500_000);
    expect(london).toBeLessThan(9_500_000);
    for (const { total, byAge } of population.values()) {
      expect(Object.keys(byAge)).toEqual(['0-15', '16-29', '30-44', '45-64', '65+']);
      expect(total).toBeGreaterThan(0);
    }
  });

  it('reads IMD 2019 ranks and deciles', async () => {
    const imd = await readImd(IMD);
    expect(imd.size).toBe(4835);
    expect(imd.get('E01000001')).toEqual({ rank: 29199, decile: 9 });
    const deciles = new Set([...imd.values()].map((v) => v.decile));
    expect([...deciles].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const { rank, decile } of imd.values()) {
      // MHCLG deciles cut the 32,844 ranks into tenths; a mismatch would mean a misread column.
      expect(decile).toBe(Math.ceil(rank / 3284.4));
    }
  });
});
