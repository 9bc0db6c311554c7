import { describe, it, expect } from 'vitest';
import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import type { ParsedRow } from '../incident.types.ts';
import { FileRefusedError } from './file-errors.ts';
import { parseGenericIncidents, ZColumnMappingSchema, type TColumnMapping } from './generic.parser.ts';
import { WITHHELD } from './row-building.ts';

const NOW = new Date('2024-08-01T12:00:00Z');

const ASB: TColumnMapping = {
  reference: 'Ref',
  dateTime: 'Reported',
  category: 'Type',
  location: 'Street',
  longitude: 'Lon',
  latitude: 'Lat',
  areaCode: 'LSOA',
  outcome: 'Status',
  keep: ['Ward'],
};
const ASB_HEADER = 'Ref,Reported,Type,Street,Lon,Lat,LSOA,Status,Ward,Notes';

async function parse(text: string | Buffer, mapping: TColumnMapping, format: 'csv' | 'xlsx' = 'csv'): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const r of parseGenericIncidents(Readable.from([typeof text === 'string' ? Buffer.from(text) : text]), format, mapping, { now: NOW })) {
    rows.push(r);
  }
  return rows;
}

async function refusal(text: string | Buffer, mapping: TColumnMapping, format: 'csv' | 'xlsx' = 'csv'): Promise<FileRefusedError> {
  const err = await parse(text, mapping, format).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof FileRefusedError)) throw new Error(`expected a FileRefusedError, got ${String(err)}`);
  return err;
}

const problemsOf = (rows: ParsedRow[]) => rows.flatMap((r) => (r.kind === 'invalid' ? r.problems : []));

describe('ZColumnMappingSchema', () => {
  it('accepts a minimal mapping and keeps extra keys out of the result', () => {
    expect(ZColumnMappingSchema.parse({ date: 'Date', categoryFixed: 'Deliberate fire', taxonomy: {} })).toEqual({ date: 'Date', categoryFixed: 'Deliberate fire' });
  });

  it('says what is wrong with a mapping', () => {
    const result = ZColumnMappingSchema.safeParse({ time: 'Time', longitude: 'Lon', easting: 'E' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['date', 'map a date-and-time column (dateTime) or a date column (date)'],
      ['time', 'a time column needs a date column'],
      ['category', 'map a category column or give a fixed category (categoryFixed)'],
      ['latitude', 'map longitude and latitude together'],
      ['northing', 'map easting and northing together'],
    ]);
  });
});

describe('parseGenericIncidents: CSV', () => {
  it('maps a council ASB row', async () => {
    const [r] = await parse(`${ASB_HEADER}\nASB-1,12/03/2024 23:15,Noise,Cheapside,-0.0922,51.5138,E01032739,Closed,Bread Street,loud music\n`, ASB);
    expect(r).toEqual({
      kind: 'ok',
      incident: {
        line: 2,
        sourceRef: 'ASB-1',
        month: '2024-03',
        occurredAt: new Date('2024-03-12T23:15:00Z'),
        sourceCategory: 'Noise',
        outcome: 'Closed',
        locationDesc: 'Cheapside',
        lon: -0.0922,
        lat: 51.5138,
        areaCode: 'E01032739',
        batchKey: '2024-03',
        attributes: { Ward: 'Bread Street', date: '2024-03-12' },
      },
    });
  });

  it('reads separate date and time columns, month-first dates, and a fixed category', async () => {
    const mapping: TColumnMapping = { date: 'Date', time: 'Time', dateFormat: 'mdy', categoryFixed: 'Deliberate fire' };
    const rows = await parse('Date,Time\n07/04/2024,9:30 PM\n07/05/2024,\n', mapping);
    expect(rows[0]).toMatchObject({ kind: 'ok', incident: { month: '2024-07', occurredAt: new Date('2024-07-04T20:30:00Z'), sourceCategory: 'Deliberate fire' } });
    expect(rows[1]).toMatchObject({ kind: 'ok', incident: { occurredAt: null, attributes: { date: '2024-07-05' } } });
  });

  it('falls back to the fixed category when the cell is empty', async () => {
    const rows = await parse('Date,Kind\n2024-07-01,\n2024-07-01,Bin fire\n', { date: 'Date', category: 'Kind', categoryFixed: 'Fire' });
    expect(rows.map((r) => r.kind === 'ok' && r.incident.sourceCategory)).toEqual(['Fire', 'Bin fire']);
  });

  it('converts British National Grid to WGS84 and keeps the grid reference', async () => {
    const r = (await parse('Date,Type,E,N\n2024-07-01,Fire,530034,180381\n', { date: 'Date', category: 'Type', easting: 'E', northing: 'N' }))[0]!;
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    // Trafalgar Square
    expect(r.incident.lon!).toBeCloseTo(-0.12772, 4);
    expect(r.incident.lat!).toBeCloseTo(51.50741, 4);
    expect(r.incident.attributes).toMatchObject({ easting: '530034', northing: '180381' });
  });

  it('keeps rows with no location', async () => {
    const [r] = await parse(`${ASB_HEADER}\nASB-2,2024-03-12 10:00,Noise,,,,,,,\n`, ASB);
    expect(r).toMatchObject({ kind: 'ok', incident: { lon: null, lat: null, areaCode: null, locationDesc: null, attributes: { Ward: null } } });
  });

  const cases: Array<[string, string, string, string]> = [
    ['an impossible date', 'ASB-3,30/02/2024 10:00,Noise,,,,,,,', 'Reported', 'not a real date'],
    ['an unreadable date', 'ASB-3,yesterday,Noise,,,,,,,', 'Reported', 'not a date in a recognised form (YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)'],
    ['a date in the future', 'ASB-3,02/08/2024 10:00,Noise,,,,,,,', 'Reported', 'in the future'],
    ['an empty category', 'ASB-3,12/03/2024 10:00,,,,,,,,', 'Type', 'must not be empty'],
    ['coordinates outside the UK', 'ASB-3,12/03/2024 10:00,Noise,,2.35,51.5,,,,', 'Lon', 'coordinates outside the UK'],
    ['a bad area code', 'ASB-3,12/03/2024 10:00,Noise,,,,Camden,,,', 'LSOA', 'not an ONS area code (a letter and eight digits, e.g. E01000001)'],
    ['a formula in a kept column', 'ASB-3,12/03/2024 10:00,Noise,,,,,,=1+1,', 'Ward', 'looks like a spreadsheet formula'],
    ['an oversized mapped field', `ASB-3,12/03/2024 10:00,Noise,${'x'.repeat(1001)},,,,,,`, 'Street', 'field longer than 1000 characters'],
    ['a phone number in an unmapped column', 'ASB-3,12/03/2024 10:00,Noise,,,,,,,caller on 07700 900123', 'Notes', 'looks like a phone number'],
    ['an NHS number as the reference', '9434765919,12/03/2024 10:00,Noise,,,,,,,', 'Ref', 'looks like an NHS number'],
    ['a full postcode in the location', 'ASB-3,12/03/2024 10:00,Noise,1 High St EC1A 1BB,,,,,,', 'Street', 'looks like a full postcode'],
  ];

  it.each(cases)('refuses %s', async (_label, text, field, reason) => {
    const rows = await parse(`${ASB_HEADER}\nASB-1,12/03/2024 23:15,Noise,,,,,,,\n${text}\n`, ASB);
    expect(rows[0]!.kind).toBe('ok');
    expect(problemsOf(rows)).toEqual([{ line: 3, field, reason }]);
  });

  it('withholds identifiers in unmapped columns from the raw row', async () => {
    const [r] = await parse(`${ASB_HEADER}\nASB-3,12/03/2024 10:00,Noise,,,,,,,mail jo@example.com\n`, ASB);
    expect(r).toMatchObject({ kind: 'invalid', raw: { Notes: WITHHELD, Ref: 'ASB-3' } });
  });
});

describe('parseGenericIncidents: refused files', () => {
  it('refuses a file whose header names a person, even in a column not mapped', async () => {
    const err = await refusal(`${ASB_HEADER},Caller name,DOB\n`, ASB);
    expect(err.code).toBe('personal-data-column');
    expect(err.problems.map((p) => p.field)).toEqual(['Caller name', 'DOB']);
    expect(err.problems[0]!.reason).toMatch(/^column name suggests personal data/);
  });

  it('refuses a file without the mapped columns', async () => {
    const err = await refusal('Ref,Reported,Kind\n', ASB);
    expect(err.code).toBe('missing-columns');
    expect(err.problems.map((p) => p.field)).toEqual(['Type', 'Street', 'Lon', 'Lat', 'LSOA', 'Status', 'Ward']);
  });

  it('matches mapped columns ignoring case and spacing', async () => {
    const [r] = await parse('  REPORTED ,type\n2024-03-01 10:00,Noise\n', { dateTime: 'Reported', category: 'Type' });
    expect(r!.kind).toBe('ok');
  });

  it('refuses an invalid mapping', async () => {
    const err = await refusal('a\n', { category: 'Type' } as TColumnMapping);
    expect(err.code).toBe('invalid-mapping');
    expect(err.problems[0]).toEqual({ line: 0, field: 'date', reason: 'map a date-and-time column (dateTime) or a date column (date)' });
  });

  it('refuses a header with too many columns', async () => {
    const header = Array.from({ length: 501 }, (_, i) => `c${i}`).join(',');
    expect((await refusal(`${header}\n`, { date: 'c0', category: 'c1' })).code).toBe('too-many-columns');
  });
});

async function workbook(build: (ws: ExcelJS.Worksheet) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb.addWorksheet('Incidents'));
  wb.addWorksheet('Notes').addRow(['not read']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe('parseGenericIncidents: XLSX', () => {
  it('reads the first worksheet, with date, time, number, rich-text and formula cells', async () => {
    const xlsx = await workbook((ws) => {
      ws.addRow(['Ref', 'Date', 'Time', 'Type', 'Easting', 'Northing', 'Ward']);
      ws.addRow(['F-1', new Date(Date.UTC(2024, 6, 1)), new Date(Date.UTC(1899, 11, 30, 23, 15)), 'Bin fire', 532146, 181293, { richText: [{ text: 'Bishops' }, { text: 'gate' }] }]);
      ws.addRow(['F-2', 45292.5, 0.25, { formula: '"Car"&" fire"', result: 'Car fire' }, null, null, 'Aldgate']);
      ws.getColumn(2).numFmt = 'dd/mm/yyyy';
      ws.getColumn(3).numFmt = 'hh:mm';
    });
    const rows = await parse(xlsx, { reference: 'Ref', date: 'Date', time: 'Time', category: 'Type', easting: 'Easting', northing: 'Northing', keep: ['Ward'] }, 'xlsx');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      kind: 'ok',
      incident: { line: 2, sourceRef: 'F-1', occurredAt: new Date('2024-07-01T22:15:00Z'), sourceCategory: 'Bin fire', attributes: { Ward: 'Bishopsgate' } },
    });
    expect(rows[0]!.kind === 'ok' && rows[0]!.incident.lon).toBeCloseTo(-0.097, 3);
    // 45292.5 is 2024-01-01 12:00 as an Excel serial; the time column (06:00) wins.
    expect(rows[1]).toMatchObject({ kind: 'ok', incident: { line: 3, occurredAt: new Date('2024-01-01T06:00:00Z'), sourceCategory: 'Car fire', lon: null } });
  });

  it('applies the same checks to XLSX rows, with the sheet row as the line', async () => {
    const xlsx = await workbook((ws) => {
      ws.addRow(['Date', 'Type', 'Notes']);
      ws.addRow([]);
      ws.addRow(['2024-07-01', 'Noise', 'ok']);
      ws.addRow(['2024-07-01', '=HYPERLINK("http://x","click")', '']);
      ws.addRow(['2024-07-01', 'Noise', 'DOB 01/02/1990']);
    });
    const rows = await parse(xlsx, { date: 'Date', category: 'Type' }, 'xlsx');
    expect(rows[0]).toMatchObject({ kind: 'ok', incident: { line: 3 } });
    expect(problemsOf(rows)).toEqual([
      { line: 4, field: 'Type', reason: 'looks like a spreadsheet formula' },
      { line: 5, field: 'Notes', reason: 'looks like a date of birth' },
    ]);
  });

  it('reads a date cell without a time as a date only', async () => {
    const xlsx = await workbook((ws) => {
      ws.addRow(['Date', 'Type']);
      ws.addRow([new Date(Date.UTC(2024, 6, 1)), 'Noise']);
      ws.addRow([new Date(Date.UTC(2024, 6, 1, 22, 5)), 'Noise']);
      ws.getColumn(1).numFmt = 'dd/mm/yyyy hh:mm';
    });
    const rows = await parse(xlsx, { dateTime: 'Date', category: 'Type' }, 'xlsx');
    expect(rows[0]).toMatchObject({ kind: 'ok', incident: { occurredAt: null, month: '2024-07', attributes: { date: '2024-07-01' } } });
    expect(rows[1]).toMatchObject({ kind: 'ok', incident: { occurredAt: new Date('2024-07-01T21:05:00Z') } });
  });

  it('refuses a person-named header and a file that is not a workbook', async () => {
    const xlsx = await workbook((ws) => ws.addRow(['Date', 'Type', 'Surname']));
    expect((await refusal(xlsx, { date: 'Date', category: 'Type' }, 'xlsx')).code).toBe('personal-data-column');
    expect((await refusal('Date,Type\n2024-01-01,x\n', { date: 'Date', category: 'Type' }, 'xlsx')).code).toBe('unreadable');
  });
});
