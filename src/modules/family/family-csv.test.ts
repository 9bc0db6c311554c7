import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { FileRefusedError } from '../ingestion/parsers/file-errors.ts';
import { characteristicsCsv, figuresCsv, parseFamilyFile } from './family-csv.ts';

const parse = (text: string) => parseFamilyFile(Readable.from([Buffer.from(text, 'utf8')]));
const HEADER = 'area code,area name,indicator,period,numerator,denominator';

describe('comparator figures files', () => {
  it('reads every row, with the period as first and last month and the multiplier by code', async () => {
    const file = await parse(`\uFEFF${HEADER}\r\nE09000002,Barking and Dagenham,B12b,2019/20,"6,512",212906\r\nE09000002,Barking and Dagenham,b12a,2019,95,212906\r\nX1,Elsewhere,KNIFE,2019-01..2019-06,12,50000\r\n`);
    expect(file.kind).toBe('figures');
    expect(file.problems).toEqual([]);
    expect(file.rows).toEqual([
      { line: 2, areaCode: 'E09000002', areaName: 'Barking and Dagenham', indicator: 'B12b', period: { from: '2019-04', to: '2020-03' }, ageBand: '', numerator: 6512, denominator: 212906, multiplier: 1000 },
      { line: 3, areaCode: 'E09000002', areaName: 'Barking and Dagenham', indicator: 'B12a', period: { from: '2019-01', to: '2019-12' }, ageBand: '', numerator: 95, denominator: 212906, multiplier: 100000 },
      { line: 4, areaCode: 'X1', areaName: 'Elsewhere', indicator: 'KNIFE', period: { from: '2019-01', to: '2019-06' }, ageBand: '', numerator: 12, denominator: 50000, multiplier: 1000 },
    ]);
  });

  it('forgives case, spacing and underscores in the header, takes optional age band and multiplier, and lists columns it did not read', async () => {
    const file = await parse('Area_Code, AREA NAME ,Indicator,Period,Numerator,Denominator,Age band,Multiplier,Notes\nA1,Alpha,KNIFE,2020,5,100000,16-29,"per 100,000",checked\nA1,Alpha,KNIFE,2021,6,100000,All ages,100000,\n');
    expect(file.problems).toEqual([]);
    expect(file.ignoredColumns).toEqual(['Notes']);
    if (file.kind !== 'figures') throw new Error('read as characteristics');
    expect(file.rows.map((r) => [r.ageBand, r.multiplier])).toEqual([['16-29', 100000], ['', 100000]]);
  });

  it('reports every bad row by line and column, and keeps none of them', async () => {
    const file = await parse([
      HEADER,
      'E09000002,Barking,B12b,2019,10,1000',
      'E09000003,Barnet,B12b,2019/21,10,1000',
      'E09000004,Bexley,B12b,2019,-4,1000',
      'E09000005,Brent,B12b,2019,10,0',
      ',Nowhere,B12b,2019,1,1',
      'E09000006,Bromley,B12b,2019,ten,1000',
      'E09000002,Barking,B12b,2019,11,1000',
      'E09000002,Barking & Dagenham,B12c,2019,11,1000',
      'E09000007,Camden,B12b,2019,1,1000,extra',
      'E09000008,Croydon,=SUM(A1),2019,1,1000',
    ].join('\n'));
    expect(file.rows.map((r) => r.line)).toEqual([2]);
    expect(file.problems).toEqual([
      { line: 3, field: 'period', reason: '"2019/21" is not a financial year: the second year must follow the first (2019/20)' },
      { line: 4, field: 'numerator', reason: 'must not be negative' },
      { line: 5, field: 'denominator', reason: 'must be more than 0' },
      { line: 6, field: 'area code', reason: 'must not be empty' },
      { line: 7, field: 'numerator', reason: 'not a number (write 1234 or 1,234.5, without units)' },
      { line: 8, field: 'period', reason: 'the same area, indicator, period (2019) and age band as line 2' },
      { line: 9, field: 'area name', reason: 'area E09000002 was named "Barking" on line 2' },
      { line: 10, field: '(row)', reason: 'row has 7 values but the header has 6 columns' },
      { line: 11, field: 'indicator', reason: 'looks like a spreadsheet formula' },
      { line: 11, field: 'indicator', reason: 'not an indicator code: letters, digits, "-", "_" or "." (up to 32), starting with a letter or digit' },
    ]);
  });

  it('holds a built-in indicator to its own multiplier, and any indicator to one multiplier', async () => {
    const file = await parse(`${HEADER},multiplier\nA,Alpha,B12b,2019,1,10,100000\nA,Alpha,KNIFE,2019,1,10,1000\nA,Alpha,KNIFE,2020,1,10,100\nA,Alpha,KNIFE,2021,1,10,7\n`);
    expect(file.problems).toEqual([
      { line: 2, field: 'multiplier', reason: 'B12b is per 1,000 (Violence offences per 1,000), not per 100,000' },
      { line: 4, field: 'multiplier', reason: 'KNIFE is per 1,000 on line 3; one indicator has one multiplier' },
      { line: 5, field: 'multiplier', reason: 'not a multiplier: one of 1, 100, 1,000, 10,000, 100,000' },
    ]);
  });

  it('refuses a file it cannot read row by row, naming what is missing', async () => {
    await expect(parse('area code,area name,indicator,period,numerator\nA,B,C,2019,1\n')).rejects.toThrow(FileRefusedError);
    await expect(parse('area code,area name,indicator,period,numerator\nA,B,C,2019,1\n')).rejects.toMatchObject({
      code: 'missing-columns', problems: [{ line: 1, field: 'denominator', reason: 'column missing' }],
    });
    await expect(parse('name,colour\nA,red\n')).rejects.toMatchObject({ code: 'missing-columns' });
    await expect(parse(`${HEADER}\n`)).rejects.toMatchObject({ code: 'empty-file' });
    await expect(parse('')).rejects.toMatchObject({ code: 'empty-file' });
  });
});

describe('comparator characteristics files', () => {
  const header = 'area code,area name,population,area km2,deprived share,mean imd rank,aged 0-15,aged 16-29,aged 65+';

  it('reads each area, leaving empty values unknown', async () => {
    const file = await parse(`${header}\nA,Alpha,"212,906",36.1,0.25,"10,500",0.22,0.2,0.1\nB,Beta,100000,,,,,,\n`);
    expect(file.kind).toBe('characteristics');
    expect(file.problems).toEqual([]);
    expect(file.rows).toEqual([
      { line: 2, areaCode: 'A', areaName: 'Alpha', population: 212906, areaKm2: 36.1, deprivedShare: 0.25, imdMeanRank: 10500, aged0to15: 0.22, aged16to29: 0.2, aged65plus: 0.1 },
      { line: 3, areaCode: 'B', areaName: 'Beta', population: 100000, areaKm2: null, deprivedShare: null, imdMeanRank: null, aged0to15: null, aged16to29: null, aged65plus: null },
    ]);
  });

  it('explains shares given as percentages, and other bad values, by line and column', async () => {
    const file = await parse(`${header}\nA,Alpha,212906.5,0,25,0,0.5,0.4,0.2\nB,Beta,,,,,,,\nA,Again,1,1,,,,,\n`);
    expect(file.rows).toEqual([]);
    expect(file.problems).toEqual([
      { line: 2, field: 'population', reason: 'must be a whole number' },
      { line: 2, field: 'area km2', reason: 'must be more than 0' },
      { line: 2, field: 'deprived share', reason: 'must be a share between 0 and 1: write 0.23 for 23%' },
      { line: 2, field: 'mean imd rank', reason: 'must be a rank between 1 and 40,000' },
      { line: 2, field: 'aged 65+', reason: 'the three age shares add up to more than 1' },
      { line: 3, field: '(row)', reason: 'no characteristic is given for this area' },
      { line: 4, field: 'area code', reason: 'area A is already described on line 2' },
    ]);
  });

  it('writes both formats so that they read back unchanged', async () => {
    const rows = [{ areaCode: 'A', areaName: 'Alpha, the first', indicator: 'B12c', period: { from: '2019-04', to: '2020-03' }, ageBand: '', numerator: 12, denominator: 5000, multiplier: 1000 },
      { areaCode: 'A', areaName: 'Alpha, the first', indicator: 'B12c', period: { from: '2019-07', to: '2020-06' }, ageBand: '', numerator: 13, denominator: 5000, multiplier: 1000 }];
    const back = await parse(figuresCsv(rows));
    expect(back.problems).toEqual([]);
    expect(back.rows.map(({ line: _line, ...r }) => r)).toEqual(rows);
    const areas = [{ areaCode: 'A', areaName: 'Alpha', population: 10, areaKm2: 1.5, deprivedShare: 0.1, imdMeanRank: 2000, aged0to15: 0.2, aged16to29: null, aged65plus: 0.1 }];
    const again = await parse(characteristicsCsv(areas));
    expect(again.rows.map(({ line: _line, ...r }) => r)).toEqual(areas);
  });
});
