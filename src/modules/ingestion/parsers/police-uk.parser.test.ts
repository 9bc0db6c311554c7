import { describe, it, expect } from 'vitest';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ParsedRow } from '../incident.types.ts';
import type { DecodeReport } from './decode.ts';
import { FileRefusedError } from './file-errors.ts';
import { parsePoliceUk, POLICE_UK_COLUMNS, POLICE_UK_CRIME_TYPES, type PoliceUkOptions } from './police-uk.parser.ts';
import { WITHHELD } from './row-building.ts';

const CITY_OF_LONDON = fileURLToPath(new URL('../../../../../shared/data/police-uk/city-of-london/', import.meta.url));
const NOW = new Date('2025-06-15T12:00:00Z');

const HEADER = POLICE_UK_COLUMNS.join(',');
const ID = 'b35433ed3e1a2b42e80ec6edca5e92df8a6714899f8bf84ae9f6e5202385cb84';
const FORCE = 'City of London Police';

type Cells = Partial<Record<(typeof POLICE_UK_COLUMNS)[number], string>>;

/** A valid row, with some cells replaced. */
function row(over: Cells = {}): string {
  const base: Record<string, string> = {
    'Crime ID': ID,
    Month: '2023-05',
    'Reported by': FORCE,
    'Falls within': FORCE,
    Longitude: '-0.107682',
    Latitude: '51.517786',
    Location: 'On or near B521',
    'LSOA code': 'E01000917',
    'LSOA name': 'Camden 027C',
    'Crime type': 'Bicycle theft',
    'Last outcome category': 'Investigation complete; no suspect identified',
    Context: '',
    ...over,
  };
  return POLICE_UK_COLUMNS.map((c) => csvCell(base[c]!)).join(',');
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

async function parse(text: string | Buffer, opts: PoliceUkOptions = {}): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const r of parsePoliceUk(Readable.from([typeof text === 'string' ? Buffer.from(text) : text]), { now: NOW, ...opts })) rows.push(r);
  return rows;
}

async function refusal(text: string, opts: PoliceUkOptions = {}): Promise<FileRefusedError> {
  const err = await parse(text, opts).then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof FileRefusedError)) throw new Error(`expected a FileRefusedError, got ${String(err)}`);
  return err;
}

function problemsOf(rows: ParsedRow[]): Array<{ line: number; field: string; reason: string }> {
  return rows.flatMap((r) => (r.kind === 'invalid' ? r.problems : []));
}

describe('parsePoliceUk: good rows', () => {
  it('maps a crime row', async () => {
    const [first] = await parse(`${HEADER}\r\n${row()}\r\n`);
    expect(first).toEqual({
      kind: 'ok',
      incident: {
        line: 2,
        sourceRef: ID,
        month: '2023-05',
        occurredAt: null,
        sourceCategory: 'Bicycle theft',
        outcome: 'Investigation complete; no suspect identified',
        locationDesc: 'On or near B521',
        lon: -0.107682,
        lat: 51.517786,
        areaCode: 'E01000917',
        batchKey: 'City of London Police|2023-05',
        attributes: { reportedBy: FORCE, fallsWithin: FORCE, lsoaName: 'Camden 027C', context: null },
        shared: { when: 0, what: 0, where: 0 },
      },
    });
  });

  it('maps an anti-social behaviour row with no location', async () => {
    const [asb] = await parse(
      `${HEADER}\n${row({ 'Crime ID': '', Longitude: '', Latitude: '', Location: 'No Location', 'LSOA code': '', 'LSOA name': '', 'Crime type': 'Anti-social behaviour', 'Last outcome category': '' })}\n`,
    );
    expect(asb).toMatchObject({
      kind: 'ok',
      incident: { sourceRef: null, lon: null, lat: null, areaCode: null, outcome: null, locationDesc: 'No Location', attributes: { lsoaName: null } },
    });
  });

  it('accepts every one of the 14 crime types, and a context with a quoted newline', async () => {
    const rows = await parse([HEADER, ...POLICE_UK_CRIME_TYPES.map((t) => row({ 'Crime type': t, Context: 'line one\nline two' }))].join('\n'));
    expect(rows.every((r) => r.kind === 'ok')).toBe(true);
    expect(rows.map((r) => (r.kind === 'ok' ? r.incident.line : 0))).toEqual(POLICE_UK_CRIME_TYPES.map((_, i) => 2 + i * 2));
  });

  it('tolerates columns in another order, other case and padding', async () => {
    const cols = [...POLICE_UK_COLUMNS].reverse();
    const header = cols.map((c) => ` ${c.toUpperCase()} `).join(',');
    const values: Record<string, string> = { Month: '2023-05', 'Reported by': FORCE, 'Crime type': 'Drugs', Longitude: '', Latitude: '' };
    const [r] = await parse(`${header}\n${cols.map((c) => values[c] ?? '').join(',')}\n`);
    expect(r).toMatchObject({ kind: 'ok', incident: { sourceCategory: 'Drugs', month: '2023-05', sourceRef: null } });
  });

  it('reports the encoding it read', async () => {
    let report: DecodeReport | undefined;
    await parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\n${row()}\n`)]), { onDecode: (r) => (report = r) });
    expect(report).toEqual({ encoding: 'utf-8', bom: true, repairedBytes: 0 });
  });
});

describe('parsePoliceUk: row problems', () => {
  const cases: Array<[string, Cells, string, string]> = [
    ['a month that is not YYYY-MM', { Month: 'May 2023' }, 'Month', 'not a month in the form YYYY-MM'],
    ['an impossible month', { Month: '2023-13' }, 'Month', 'not a real month'],
    ['month 00', { Month: '2023-00' }, 'Month', 'not a real month'],
    ['a month before 2010', { Month: '2009-12' }, 'Month', 'before 2010'],
    ['a month in the future', { Month: '2025-07' }, 'Month', 'in the future'],
    ['an unknown crime type', { 'Crime type': 'Bike theft' }, 'Crime type', 'not one of the 14 police.uk crime types'],
    ['a short Crime ID', { 'Crime ID': 'abc123' }, 'Crime ID', 'not a police.uk Crime ID (64 hexadecimal characters)'],
    ['a bad LSOA code', { 'LSOA code': 'E02000917' }, 'LSOA code', 'not an LSOA code (E01 or W01 and six digits)'],
    ['a longitude outside the UK', { Longitude: '-74.0060' }, 'Longitude', 'coordinates outside the UK'],
    ['a latitude that is not a number', { Latitude: 'north' }, 'Latitude', 'not a number'],
    ['half a location', { Latitude: '' }, 'Latitude', 'longitude and latitude must both be given or both be empty'],
    ['an empty Reported by', { 'Reported by': '' }, 'Reported by', 'must not be empty'],
    ['a formula', { Location: '=HYPERLINK("http://x","click")' }, 'Location', 'looks like a spreadsheet formula'],
    ['a DDE formula in Context', { Context: "=cmd|' /C calc'!A0" }, 'Context', 'looks like a spreadsheet formula'],
    ['an oversized field', { Context: 'x'.repeat(1001) }, 'Context', 'field longer than 1000 characters'],
    ['an NHS number', { Context: 'NHS 943 476 5919' }, 'Context', 'looks like an NHS number'],
    ['a phone number', { Location: 'On or near 07700 900123' }, 'Location', 'looks like a phone number'],
    ['an email', { 'Last outcome category': 'see jo@example.com' }, 'Last outcome category', 'looks like an email address'],
    ['a full postcode', { 'LSOA name': 'EC1A 1BB' }, 'LSOA name', 'looks like a full postcode'],
  ];

  it.each(cases)('refuses %s', async (_label, over, field, reason) => {
    const rows = await parse(`${HEADER}\n${row()}\n${row(over)}\n`);
    expect(rows[0]!.kind).toBe('ok');
    expect(rows[1]).toMatchObject({ kind: 'invalid', line: 3 });
    expect(problemsOf(rows)).toEqual([{ line: 3, field, reason }]);
  });

  it('reports both coordinates when both are outside the UK', async () => {
    const rows = await parse(`${HEADER}\n${row({ Longitude: '2.3522', Latitude: '48.8566' })}\n`);
    expect(problemsOf(rows)).toEqual([
      { line: 2, field: 'Longitude', reason: 'coordinates outside the UK' },
      { line: 2, field: 'Latitude', reason: 'coordinates outside the UK' },
    ]);
  });

  it('accepts a negative longitude, and a month equal to the current one', async () => {
    const rows = await parse(`${HEADER}\n${row({ Longitude: '-8.6', Month: '2025-06' })}\n`);
    expect(rows[0]!.kind).toBe('ok');
  });

  it('reports a row with the wrong number of cells', async () => {
    const rows = await parse(`${HEADER}\n${row()},extra\n${ID},2023-05\n`);
    expect(problemsOf(rows)[0]).toEqual({ line: 2, field: '(row)', reason: 'row has 13 values but the header has 12 columns' });
    expect(rows[1]).toMatchObject({ kind: 'invalid', line: 3 });
    expect(problemsOf(rows)).toContainEqual({ line: 3, field: '(row)', reason: 'row has 2 values but the header has 12 columns' });
  });

  it('keeps the raw row for quarantine but withholds what looked personal', async () => {
    const r = (await parse(`${HEADER}\n${row({ Context: 'call 07700 900123', Month: '2023-13' })}\n`))[0]!;
    expect(r.kind).toBe('invalid');
    if (r.kind !== 'invalid') return;
    expect(r.raw['Context']).toBe(WITHHELD);
    expect(r.raw['Month']).toBe('2023-13');
    expect(Object.keys(r.raw)).toEqual([...POLICE_UK_COLUMNS]);
    expect(JSON.stringify(r.problems)).not.toContain('07700');
  });
});

describe('parsePoliceUk: refused files', () => {
  it('names missing and renamed columns', async () => {
    const header = HEADER.replace('LSOA code,', '').replace('Crime type', 'Crime category');
    const err = await refusal(`${header}\n`);
    expect(err.code).toBe('missing-columns');
    expect(err.problems).toEqual([
      { line: 0, field: 'LSOA code', reason: 'column missing' },
      { line: 0, field: 'Crime type', reason: 'column missing' },
      { line: 0, field: 'Crime category', reason: 'column not in the police.uk street-level format' },
    ]);
    expect(err.message).toContain('LSOA code and Crime type');
  });

  it('points at the street file when an outcomes file is uploaded', async () => {
    const err = await refusal('Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Outcome type\n', {
      fileName: '2023-05-city-of-london-outcomes.csv',
    });
    expect(err.code).toBe('missing-columns');
    expect(err.message).toContain('outcomes or stop-and-search');
  });

  it('refuses an added column, and says so when it names a person', async () => {
    expect((await refusal(`${HEADER},Notes\n`)).code).toBe('unexpected-columns');
    const err = await refusal(`${HEADER},Suspect name\n`);
    expect(err.code).toBe('personal-data-column');
    expect(err.problems).toEqual([{ line: 0, field: 'Suspect name', reason: 'column not in the police.uk street-level format' }]);
  });

  it('refuses a duplicated column', async () => {
    expect((await refusal(`${HEADER},Month\n`)).code).toBe('duplicate-columns');
  });

  it('ignores a trailing empty column, but not a value under it', async () => {
    const rows = await parse(`${HEADER},\n${row()},\n${row()},surprise\n`);
    expect(rows[0]!.kind).toBe('ok');
    expect(problemsOf(rows)).toEqual([{ line: 3, field: 'column 13', reason: 'value in a column with no header' }]);
  });

  it('refuses an empty file', async () => {
    const err = await refusal('', { fileName: 'x.csv' });
    expect(err.code).toBe('empty-file');
    expect(err.message).toContain('x.csv');
  });

  it('refuses broken quoting with its line', async () => {
    const err = await refusal(`${HEADER}\n${row()}\n${row({ Location: 'x' }).replace(',x,', ',"x,')}\n${row()}\n`);
    expect(err.code).toBe('bad-quoting');
    expect(err.problems).toEqual([{ line: 3, field: 'Location', reason: 'quotation mark never closed' }]);
  });

  it('stops reading the upload when the consumer stops', async () => {
    const input = Readable.from((function* () {
      yield Buffer.from(`${HEADER}\n`);
      for (let i = 0; i < 10_000; i++) yield Buffer.from(`${row()}\n`.repeat(100));
    })());
    let n = 0;
    for await (const _ of parsePoliceUk(input, { now: NOW })) if (++n === 10) break;
    expect(input.destroyed).toBe(true);
  });
});

describe.skipIf(!existsSync(CITY_OF_LONDON))('parsePoliceUk on the real City of London files (needs ../shared/data; skipped when absent)', () => {
  it('reads all 25 files with every row accepted', async () => {
    const files = readdirSync(CITY_OF_LONDON).filter((f) => f.endsWith('.csv')).sort();
    expect(files).toHaveLength(25);
    let ok = 0;
    let asb = 0;
    let noLocation = 0;
    const invalid: unknown[] = [];
    for (const file of files) {
      const month = file.slice(0, 7);
      let expectedLine = 2;
      for await (const r of parsePoliceUk(createReadStream(join(CITY_OF_LONDON, file)), { fileName: file, now: NOW })) {
        if (r.kind === 'invalid') {
          invalid.push({ file, line: r.line, problems: r.problems });
          continue;
        }
        const inc = r.incident;
        expect(inc.line).toBe(expectedLine++);
        expect(inc.month).toBe(month);
        expect(inc.batchKey).toBe(`City of London Police|${month}`);
        if (inc.sourceCategory === 'Anti-social behaviour') {
          asb++;
          expect(inc.sourceRef).toBeNull();
        }
        if (inc.lon === null) {
          noLocation++;
          expect(inc.lat).toBeNull();
        }
        ok++;
      }
    }
    expect(invalid).toEqual([]);
    expect(ok).toBe(19_950);
    expect(asb).toBe(611);
    // About 9% of City rows have no location.
    expect(noLocation / ok).toBeGreaterThan(0.05);
    expect(noLocation / ok).toBeLessThan(0.15);
  }, 60_000);
});


/** The rows as read part by part, and as read cell by cell, with what each part number stands for. */
async function bothWays(open: () => Readable | string): Promise<{ byParts: ParsedRow[]; byCells: ParsedRow[] }> {
  const read = async (shareParts: boolean) => {
    const input = open();
    const rows: ParsedRow[] = [];
    const source = typeof input === 'string' ? Readable.from([Buffer.from(input)]) : input;
    for await (const r of parsePoliceUk(source, { now: NOW, shareParts })) rows.push(r);
    return rows;
  };
  return { byParts: await read(true), byCells: await read(false) };
}

/** Every row with a part's number has that part's values (SharedParts). */
function expectPartsConsistent(rows: ParsedRow[]): number {
  const seen = { when: new Map<number, string>(), what: new Map<number, string>(), where: new Map<number, string>() };
  let shared = 0;
  for (const r of rows) {
    if (r.kind !== 'ok' || r.incident.shared === undefined) continue;
    shared++;
    const i = r.incident;
    const parts = r.incident.shared;
    const values = {
      when: JSON.stringify([i.month, i.batchKey, i.attributes.reportedBy, i.attributes.fallsWithin]),
      what: JSON.stringify([i.sourceCategory, i.outcome, i.attributes.context]),
      where: JSON.stringify([i.lon, i.lat, i.locationDesc, i.areaCode, i.attributes.lsoaName]),
    };
    for (const part of ['when', 'what', 'where'] as const) {
      const id = parts[part];
      const before = seen[part].get(id);
      if (before === undefined) seen[part].set(id, values[part]);
      else expect(values[part], `${part} part ${id} at line ${i.line}`).toBe(before);
    }
  }
  return shared;
}

function withoutParts(rows: ParsedRow[]): ParsedRow[] {
  return rows.map((r) => (r.kind === 'ok' ? { kind: 'ok', incident: { ...r.incident, shared: undefined } } : r));
}

describe('parsePoliceUk: reading rows part by part', () => {
  it('gives the same rows and problems as reading cell by cell, whatever the rows around a part hold', async () => {
    const other = 'ab'.repeat(32);
    const text = [
      HEADER,
      row(),
      row({ 'Crime ID': other }),
      // The same parts as good rows, with a bad Crime ID, a bad type, an identifier, padding.
      row({ 'Crime ID': 'not-an-id' }),
      row({ 'Crime type': 'Burglry' }),
      row({ Location: 'Outside 07700 900123' }),
      row({ 'Crime type': 'Bicycle theft ' }),
      row({ 'Crime ID': ` ${ID}` }),
      // A part first seen on a bad row, then on a good one.
      row({ 'Crime ID': 'x', Longitude: '-0.1', Latitude: '51.5' }),
      row({ Longitude: '-0.1', Latitude: '51.5' }),
      row({ Longitude: '-0.1', Latitude: '51.5', 'Crime ID': '' }),
      // A part that is bad in itself, twice.
      row({ Month: '2031-01' }),
      row({ Month: '2031-01', 'Crime ID': other }),
      // Too few and too many cells, a formula, a quoted cell, a blank line, an ASB row.
      `${row()},extra`,
      row().split(',').slice(0, 11).join(','),
      row({ Context: '=HYPERLINK("x")' }),
      row({ Location: 'On or near "The Square", EC2' }),
      '',
      row({ 'Crime ID': '', 'Crime type': 'Anti-social behaviour', 'Last outcome category': '' }),
      row({ 'Crime ID': '', 'Crime type': 'Anti-social behaviour', 'Last outcome category': '' }),
      row(),
    ].join('\n');
    const { byParts, byCells } = await bothWays(() => text);
    expect(byParts.length).toBe(19);
    expect(withoutParts(byParts)).toEqual(byCells);
    expect(byCells.every((r) => r.kind !== 'ok' || r.incident.shared === undefined)).toBe(true);
    expect(problemsOf(byParts).length).toBeGreaterThanOrEqual(10);
    // Good rows are numbered by their parts, except the one with quotation marks (line 17).
    expectPartsConsistent(byParts);
    const unnumbered = byParts.filter((r) => r.kind === 'ok' && r.incident.shared === undefined).map((r) => (r.kind === 'ok' ? r.incident.line : 0));
    expect(unnumbered).toEqual([17]);
  });

  it('reads columns in another order cell by cell, without part numbers', async () => {
    const cols = [...POLICE_UK_COLUMNS.slice(1), POLICE_UK_COLUMNS[0]];
    const line = row().split(',');
    const text = [cols.join(','), [...line.slice(1), line[0]].join(',')].join('\n');
    const { byParts, byCells } = await bothWays(() => text);
    expect(byParts).toEqual(byCells);
    expect(byParts[0]).toMatchObject({ kind: 'ok', incident: { sourceRef: ID } });
  });

  it.skipIf(!existsSync(CITY_OF_LONDON))('gives the same rows both ways on every real City of London file', async () => {
    let rows = 0;
    let shared = 0;
    for (const file of readdirSync(CITY_OF_LONDON).filter((f) => f.endsWith('.csv'))) {
      const { byParts, byCells } = await bothWays(() => createReadStream(join(CITY_OF_LONDON, file)));
      expect(withoutParts(byParts)).toEqual(byCells);
      rows += byParts.length;
      shared += expectPartsConsistent(byParts);
    }
    expect(rows).toBe(19_950);
    expect(shared).toBe(rows);
  }, 60_000);
});
