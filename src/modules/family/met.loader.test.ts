import { describe, expect, it } from 'vitest';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { denominatorYear, readCrimeFile } from './met.loader.ts';

const HEADER = 'LSOA11CD,LSOA11NM,MSOA11CD,MSOA11NM,LAD11CD,LAD11NM,2019,2020';

describe('a Met recorded-crime category file', () => {
  it('reads each LSOA\'s yearly counts, written as decimals', () => {
    const table = readCrimeFile(`${HEADER}\nE01000006,B&D 016A,E02000017,B&D 016,E09000002,Barking and Dagenham,4.0,9.0\n`, 'x.csv');
    expect(table.years).toEqual([2019, 2020]);
    expect(table.rows).toEqual([{ lsoa: 'E01000006', lad: 'E09000002', ladName: 'Barking and Dagenham', counts: [4, 9] }]);
  });

  it('refuses the file with every problem by line and column', () => {
    const text = `${HEADER}\nE01000006,a,b,c,E09000002,B,4.5,\nE01000006,a,b,c,X,B,1.0,2.0\n`;
    let error: unknown;
    try { readCrimeFile(text, 'london-2011-2021-major-violence.csv'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(FileRefusedError);
    expect((error as FileRefusedError).problems).toEqual([
      { line: 2, field: '2019', reason: 'not a whole number of crimes' },
      { line: 2, field: '2020', reason: 'must not be empty' },
      { line: 3, field: 'LSOA11CD', reason: 'E01000006 already appeared on line 2' },
      { line: 3, field: 'LAD11CD', reason: 'not a local authority code' },
    ]);
  });

  it('refuses a file without the columns it needs', () => {
    expect(() => readCrimeFile('LSOA11CD,LAD11CD\nE01000006,E09000002\n', 'x.csv')).toThrow(/no LAD11NM, year columns/);
  });

  it('takes mid-2019 residents for 2019 and before, mid-2020 after', () => {
    expect([2011, 2019, 2020, 2021].map(denominatorYear)).toEqual([2019, 2019, 2020, 2020]);
  });
});
