import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import type { ParsedRow } from '../incident.types.ts';
import { FileRefusedError } from './file-errors.ts';
import {
  DEFAULT_ISTV_LOCATION_TYPES,
  DEFAULT_ISTV_METHODS,
  ISTV_COLUMNS,
  parseIstv,
  type IstvOptions,
  type IstvSubmissionHeader,
} from './istv.parser.ts';
import { WITHHELD } from './row-building.ts';

const NOW = new Date('2024-06-15T12:00:00Z');
const SUBMISSION: IstvSubmissionHeader = { periodStart: '2024-03-01', periodEnd: '2024-03-31', siteCode: 'RYJ01' };
const OPTIONS: IstvOptions = { methods: DEFAULT_ISTV_METHODS, locationTypes: DEFAULT_ISTV_LOCATION_TYPES, now: NOW };

const C = ISTV_COLUMNS;
const HEADER = [C.arrival, C.assaultAt, C.method, C.methodOther, C.locationType, C.locationDesc].join(',');

function line(arrival: string, assault: string, method: string, other: string, type: string, desc: string): string {
  return [arrival, assault, method, other, type, desc].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}
const GOOD = line('2024-03-09 23:40', '2024-03-09 23:05', 'glass-or-bottle', '', 'licensed-premises', 'Liquid nightclub');

async function parse(text: string, header = SUBMISSION, opts: IstvOptions = OPTIONS): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const r of parseIstv(Readable.from([Buffer.from(text)]), header, opts)) rows.push(r);
  return rows;
}

async function refusal(text: string, header = SUBMISSION, opts: IstvOptions = OPTIONS): Promise<FileRefusedError> {
  const err = await parse(text, header, opts).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof FileRefusedError)) throw new Error(`expected a FileRefusedError, got ${String(err)}`);
  return err;
}

const problemsOf = (rows: ParsedRow[]) => rows.flatMap((r) => (r.kind === 'invalid' ? r.problems : []));

describe('parseIstv: good rows', () => {
  it('maps an assault, reading local time as Europe/London', async () => {
    const [r] = await parse(`${HEADER}\n${GOOD}\n`);
    expect(r).toEqual({
      kind: 'ok',
      incident: {
        line: 2,
        sourceRef: null,
        month: '2024-03',
        occurredAt: new Date('2024-03-09T23:05:00Z'),
        sourceCategory: 'glass-or-bottle',
        outcome: null,
        locationDesc: 'Liquid nightclub',
        lon: null,
        lat: null,
        areaCode: null,
        batchKey: 'RYJ01|2024-03-01|2024-03-31',
        attributes: { arrivalAt: '2024-03-09T23:40:00.000Z', locationType: 'licensed-premises', methodOther: null, siteCode: 'RYJ01' },
      },
    });
  });

  it('converts British Summer Time to UTC', async () => {
    const [r] = await parse(`${HEADER}\n${line('01/04/2024 00:40', '2024-03-31T23:30', 'body-part', '', 'street', 'High St')}\n`, {
      ...SUBMISSION,
      periodEnd: '2024-04-30',
    });
    expect(r).toMatchObject({ kind: 'ok', incident: { occurredAt: new Date('2024-03-31T22:30:00Z'), month: '2024-03' } });
    expect(r!.kind === 'ok' && r!.incident.attributes['arrivalAt']).toBe('2024-03-31T23:40:00.000Z');
  });

  it('accepts labels as well as codes, in any case, and stores the code', async () => {
    const rows = await parse(
      `${HEADER}\n${line('', '2024-03-09 23:05', 'Knife or sharp object', '', 'LICENSED PREMISES', '')}\n${line('', '2024-03-10 01:00', 'KNIFE_OR_SHARP_OBJECT', '', 'Other public place', '')}\n`,
    );
    expect(rows.map((r) => (r.kind === 'ok' ? [r.incident.sourceCategory, r.incident.attributes['locationType']] : r))).toEqual([
      ['knife-or-sharp-object', 'licensed-premises'],
      ['knife-or-sharp-object', 'other-public-place'],
    ]);
  });

  it('uses the partnership code lists given', async () => {
    const opts: IstvOptions = { methods: ['bite', { code: 'kick', label: 'Kicked' }], locationTypes: ['street'], now: NOW };
    const rows = await parse(`${HEADER}\n${line('', '2024-03-09 23:05', 'kicked', '', 'street', '')}\n${line('', '2024-03-09 23:05', 'glass-or-bottle', '', 'street', '')}\n`, SUBMISSION, opts);
    expect(rows[0]).toMatchObject({ kind: 'ok', incident: { sourceCategory: 'kick' } });
    expect(problemsOf(rows)).toEqual([{ line: 3, field: C.method, reason: 'not in the assault method code list' }]);
  });

  it('tolerates header case, underscores and the optional location columns', async () => {
    const header = [C.assaultAt, C.method, C.locationType, C.longitude, C.latitude, C.lsoa].map((h) => h.toLowerCase().replace(/ /g, '_')).join(',');
    const [r] = await parse(`${header}\n2024-03-09 23:05,body-part,street,-0.1,51.5,E01000917\n`);
    expect(r).toMatchObject({ kind: 'ok', incident: { lon: -0.1, lat: 51.5, areaCode: 'E01000917', locationDesc: null, attributes: { arrivalAt: null } } });
  });

  it('needs the other description only when the method is other', async () => {
    const rows = await parse(`${HEADER}\n${line('', '2024-03-09 23:05', 'other', 'bitten', 'home', '')}\n${line('', '2024-03-09 23:05', 'Other', '', 'home', '')}\n`);
    expect(rows[0]).toMatchObject({ kind: 'ok', incident: { sourceCategory: 'other', attributes: { methodOther: 'bitten' } } });
    expect(problemsOf(rows)).toEqual([{ line: 3, field: C.methodOther, reason: "required when the assault method is 'other'" }]);
  });
});

describe('parseIstv: row problems', () => {
  const cases: Array<[string, string, string, string]> = [
    ['an impossible date', line('', '2024-02-30 23:05', 'body-part', '', 'street', ''), C.assaultAt, 'not a real date'],
    ['an impossible time', line('', '2024-03-09 25:05', 'body-part', '', 'street', ''), C.assaultAt, 'not a real time'],
    ['a date without a time', line('', '2024-03-09', 'body-part', '', 'street', ''), C.assaultAt, 'not a date and time in the form YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM'],
    ['an empty assault date', line('', '', 'body-part', '', 'street', ''), C.assaultAt, 'must not be empty'],
    ['a date outside the period', line('', '2024-04-01 00:05', 'body-part', '', 'street', ''), C.assaultAt, 'outside the reporting period'],
    ['a date before the period', line('', '29/02/2024 23:59', 'body-part', '', 'street', ''), C.assaultAt, 'outside the reporting period'],
    ['an assault more than an hour after arrival', line('2024-03-09 22:00', '2024-03-09 23:05', 'body-part', '', 'street', ''), C.assaultAt, 'after the arrival time'],
    ['an arrival outside the period', line('2024-04-01 00:30', '2024-03-31 23:50', 'body-part', '', 'street', ''), C.arrival, 'outside the reporting period'],
    ['a bad arrival time', line('9th March', '2024-03-09 23:05', 'body-part', '', 'street', ''), C.arrival, 'not a date and time in the form YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM'],
    ['an unknown method', line('', '2024-03-09 23:05', 'spoon', '', 'street', ''), C.method, 'not in the assault method code list'],
    ['an empty method', line('', '2024-03-09 23:05', '', '', 'street', ''), C.method, 'must not be empty'],
    ['an unknown location type', line('', '2024-03-09 23:05', 'body-part', '', 'moon', ''), C.locationType, 'not in the assault location type code list'],
    ['a full postcode', line('', '2024-03-09 23:05', 'body-part', '', 'street', 'outside 12 High St, EC1A 1BB'), C.locationDesc, 'looks like a full postcode'],
    ['an email', line('', '2024-03-09 23:05', 'body-part', '', 'home', 'flat of jo.bloggs@example.com'), C.locationDesc, 'looks like an email address'],
    ['an NHS number', line('', '2024-03-09 23:05', 'other', 'pt 943 476 5919', 'home', ''), C.methodOther, 'looks like an NHS number'],
    ['a formula', line('', '2024-03-09 23:05', 'body-part', '', 'street', '@SUM(1+1)'), C.locationDesc, 'looks like a spreadsheet formula'],
  ];

  it.each(cases)('refuses %s', async (_label, text, field, reason) => {
    const rows = await parse(`${HEADER}\n${GOOD}\n${text}\n`);
    expect(rows[0]!.kind).toBe('ok');
    expect(problemsOf(rows)).toEqual([{ line: 3, field, reason }]);
  });

  it('refuses a date in the future', async () => {
    const rows = await parse(`${HEADER}\n${line('', '2024-06-20 10:00', 'body-part', '', 'street', '')}\n`, { ...SUBMISSION, periodEnd: '2024-06-30' });
    expect(problemsOf(rows)).toEqual([{ line: 2, field: C.assaultAt, reason: 'in the future' }]);
  });

  it('withholds identifiers from the raw row', async () => {
    const [r] = await parse(`${HEADER}\n${line('', '2024-03-09 23:05', 'body-part', '', 'street', 'ring 07700 900123')}\n`);
    expect(r).toMatchObject({ kind: 'invalid', raw: { [C.locationDesc]: WITHHELD, [C.method]: 'body-part' } });
  });
});

describe('parseIstv: the reporting period is the period of attendances', () => {
  it('accepts an assault late on the night before the period when the arrival is inside it', async () => {
    const [r] = await parse(`${HEADER}\n${line('2024-03-01 00:20', '2024-02-29 23:50', 'body-part', '', 'street', '')}\n`);
    expect(r?.kind).toBe('ok');
    expect(r?.kind === 'ok' && r.incident.month).toBe('2024-02');
  });

  it('accepts an assault "after" arrival within the hour the clocks go back', async () => {
    // 27 October 2024: 01:00-02:00 happens twice. Assault 01:50 BST, arrival 01:10 GMT.
    const october = { periodStart: '2024-10-01', periodEnd: '2024-10-31', siteCode: 'RYJ01' };
    const rows = await parse(`${HEADER}\n${line('2024-10-27 01:10', '2024-10-27 01:50', 'body-part', '', 'street', '')}\n`, october, { ...OPTIONS, now: new Date('2024-11-15T00:00:00Z') });
    expect(problemsOf(rows)).toEqual([]);
  });
});

describe('parseIstv: refused files', () => {
  it('refuses a column outside the dataset, naming it', async () => {
    const err = await refusal(`${HEADER},Ethnicity\n`);
    expect(err.code).toBe('unexpected-columns');
    expect(err.problems).toEqual([{ line: 0, field: 'Ethnicity', reason: 'column not in the ISTV minimum dataset' }]);
  });

  it('refuses a column naming a person as personal data', async () => {
    const err = await refusal(`Patient Name,${HEADER}\nJo Bloggs,${GOOD}\n`);
    expect(err.code).toBe('personal-data-column');
    expect(err.problems).toEqual([{ line: 0, field: 'Patient Name', reason: 'column not in the ISTV minimum dataset' }]);
    expect(err.message).not.toContain('Jo Bloggs');
  });

  it('refuses a file without the mandatory columns', async () => {
    const err = await refusal(`${C.arrival},${C.assaultAt},${C.locationDesc}\n`);
    expect(err.code).toBe('missing-columns');
    expect(err.problems.map((p) => p.field)).toEqual([C.method, C.locationType]);
  });

  it('checks the submission header', async () => {
    const err = await refusal(`${HEADER}\n`, { periodStart: '2024-02-30', periodEnd: '2024-01-31', siteCode: 'R1' });
    expect(err.code).toBe('invalid-submission-header');
    expect(err.problems).toEqual([
      { line: 0, field: 'REPORTING PERIOD START DATE', reason: 'not a real date in the form YYYY-MM-DD' },
      { line: 0, field: 'SITE CODE (OF TREATMENT)', reason: 'not an ODS site code (3 to 5 capital letters and digits, e.g. RYJ01)' },
    ]);
    const order = await refusal(`${HEADER}\n`, { periodStart: '2024-03-31', periodEnd: '2024-03-01', siteCode: 'RYJ01' });
    expect(order.problems).toEqual([{ line: 0, field: 'REPORTING PERIOD END DATE', reason: 'the reporting period ends before it starts' }]);
  });

  it('reads a lower-case site code as the ODS code', async () => {
    const [r] = await parse(`${HEADER}\n${GOOD}\n`, { ...SUBMISSION, siteCode: 'ryj01' });
    expect(r).toMatchObject({ kind: 'ok', incident: { batchKey: 'RYJ01|2024-03-01|2024-03-31', attributes: { siteCode: 'RYJ01' } } });
  });

  it('refuses an empty file and an empty code list', async () => {
    expect((await refusal('')).code).toBe('empty-file');
    expect((await refusal(`${HEADER}\n`, SUBMISSION, { methods: [], locationTypes: ['street'] })).code).toBe('invalid-submission-header');
  });
});
