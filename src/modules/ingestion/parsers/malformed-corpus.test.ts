import { describe, it, expect } from 'vitest';
import { createReadStream, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ParsedRow, RowProblem } from '../incident.types.ts';
import type { DecodeReport } from './decode.ts';
import { FileRefusedError } from './file-errors.ts';
import { parseGenericIncidents } from './generic.parser.ts';
import { DEFAULT_ISTV_LOCATION_TYPES, DEFAULT_ISTV_METHODS, parseIstv } from './istv.parser.ts';
import { parsePoliceUk } from './police-uk.parser.ts';
import { WITHHELD } from './row-building.ts';

/** The corpus is part of the repository (test/fixtures/malformed), documented in its README. */
const CORPUS = fileURLToPath(new URL('../../../../test/fixtures/malformed/', import.meta.url));
const NOW = new Date('2025-06-15T12:00:00Z');
const ISTV_HEADER = { periodStart: '2023-02-01', periodEnd: '2023-02-28', siteCode: 'RYJ01' };
const ISTV_OPTIONS = { methods: DEFAULT_ISTV_METHODS, locationTypes: DEFAULT_ISTV_LOCATION_TYPES, now: NOW };

type Outcome = { rows: ParsedRow[]; refused: FileRefusedError | null; report: DecodeReport | null };

async function run(rows: AsyncIterable<ParsedRow>, decoded: { report: DecodeReport | null }): Promise<Outcome> {
  const out: ParsedRow[] = [];
  try {
    for await (const r of rows) out.push(r);
  } catch (err) {
    if (err instanceof FileRefusedError) return { rows: out, refused: err, report: decoded.report };
    throw err;
  }
  return { rows: out, refused: null, report: decoded.report };
}

const open = (name: string) => createReadStream(`${CORPUS}${name}`);

function police(name: string): Promise<Outcome> {
  const decoded: { report: DecodeReport | null } = { report: null };
  return run(parsePoliceUk(open(name), { fileName: name, now: NOW, onDecode: (r) => (decoded.report = r) }), decoded);
}

function istv(name: string): Promise<Outcome> {
  const decoded: { report: DecodeReport | null } = { report: null };
  return run(parseIstv(open(name), ISTV_HEADER, { ...ISTV_OPTIONS, onDecode: (r) => (decoded.report = r) }), decoded);
}

/** The generic importer pointed at police.uk columns (Month is not a full date, so every row also has a date problem). */
function generic(name: string): Promise<Outcome> {
  return run(parseGenericIncidents(open(name), 'csv', { date: 'Month', category: 'Crime type', location: 'Location' }, { now: NOW }), { report: null });
}

const problems = (o: Outcome): RowProblem[] => o.rows.flatMap((r) => (r.kind === 'invalid' ? r.problems : []));
const kinds = (o: Outcome): string[] => o.rows.map((r) => `${r.kind === 'ok' ? r.incident.line : r.line}:${r.kind}`);

describe('malformed corpus (test/fixtures/malformed)', () => {
  it('has a test below for every file in the folder', () => {
    const tested = [
      'police-bad-quoting.csv',
      'police-latin1.csv',
      'police-utf8-bom.csv',
      'police-missing-columns.csv',
      'police-impossible-month.csv',
      'police-outside-uk.csv',
      'police-formula-injection.csv',
      'police-oversized-field.csv',
      'police-nhs-number.csv',
      'istv-impossible-date.csv',
      'istv-postcode-and-email.csv',
      'istv-patient-name-column.csv',
      'empty.csv',
    ];
    const files = readdirSync(CORPUS).filter((f) => f !== 'README.md');
    expect(files.sort()).toEqual([...tested].sort());
  });

  it('police-bad-quoting.csv: refused at line 3, where the quote opens', async () => {
    for (const outcome of [await police('police-bad-quoting.csv'), await generic('police-bad-quoting.csv')]) {
      expect(outcome.refused?.code).toBe('bad-quoting');
      expect(outcome.refused?.problems).toEqual([{ line: 3, field: 'Location', reason: 'quotation mark never closed' }]);
    }
  });

  it('police-latin1.csv: valid once decoded as windows-1252', async () => {
    const o = await police('police-latin1.csv');
    expect(o.refused).toBeNull();
    expect(o.report).toEqual({ encoding: 'windows-1252', bom: false, repairedBytes: 0 });
    expect(o.rows.map((r) => r.kind === 'ok' && r.incident.locationDesc)).toEqual(['On or near Café Rouge', 'On or near The £1 Shop']);
  });

  it('police-utf8-bom.csv: valid, with the BOM removed', async () => {
    const o = await police('police-utf8-bom.csv');
    expect(o.refused).toBeNull();
    expect(o.report).toEqual({ encoding: 'utf-8', bom: true, repairedBytes: 0 });
    expect(kinds(o)).toEqual(['2:ok', '3:ok']);
    expect(o.rows[0]).toMatchObject({ kind: 'ok', incident: { sourceRef: 'b35433ed3e1a2b42e80ec6edca5e92df8a6714899f8bf84ae9f6e5202385cb84' } });
    expect(o.rows[1]).toMatchObject({ kind: 'ok', incident: { locationDesc: 'On or near Café Rouge' } });
  });

  it('police-missing-columns.csv: refused, naming the missing and renamed columns', async () => {
    const o = await police('police-missing-columns.csv');
    expect(o.refused?.code).toBe('missing-columns');
    expect(o.refused?.problems).toEqual([
      { line: 0, field: 'LSOA code', reason: 'column missing' },
      { line: 0, field: 'Crime type', reason: 'column missing' },
      { line: 0, field: 'Crime category', reason: 'column not in the police.uk street-level format' },
    ]);
  });

  it('police-impossible-month.csv: line 3 refused for Month 2023-13', async () => {
    const o = await police('police-impossible-month.csv');
    expect(kinds(o)).toEqual(['2:ok', '3:invalid']);
    expect(problems(o)).toEqual([{ line: 3, field: 'Month', reason: 'not a real month' }]);
  });

  it('police-outside-uk.csv: line 2 refused for a point in Paris', async () => {
    const o = await police('police-outside-uk.csv');
    expect(kinds(o)).toEqual(['2:invalid', '3:ok']);
    expect(problems(o)).toEqual([
      { line: 2, field: 'Longitude', reason: 'coordinates outside the UK' },
      { line: 2, field: 'Latitude', reason: 'coordinates outside the UK' },
    ]);
  });

  it('police-formula-injection.csv: line 3 refused for =HYPERLINK(...)', async () => {
    const o = await police('police-formula-injection.csv');
    expect(kinds(o)).toEqual(['2:ok', '3:invalid']);
    expect(problems(o)).toEqual([{ line: 3, field: 'Location', reason: 'looks like a spreadsheet formula' }]);
  });

  it('police-oversized-field.csv: line 2 refused for a 1,001-character Context', async () => {
    const o = await police('police-oversized-field.csv');
    expect(problems(o)).toEqual([{ line: 2, field: 'Context', reason: 'field longer than 1000 characters' }]);
  });

  it('police-nhs-number.csv: line 2 refused, and the number is withheld from the quarantined row', async () => {
    const o = await police('police-nhs-number.csv');
    expect(problems(o)).toEqual([{ line: 2, field: 'Context', reason: 'looks like an NHS number' }]);
    expect(o.rows[0]).toMatchObject({ kind: 'invalid', raw: { Context: WITHHELD } });
    expect(JSON.stringify(o.rows)).not.toContain('5919');
    // The generic importer checks unmapped columns too.
    expect(problems(await generic('police-nhs-number.csv'))).toContainEqual({ line: 2, field: 'Context', reason: 'looks like an NHS number' });
  });

  it('istv-impossible-date.csv: line 3 refused for 2023-02-30', async () => {
    const o = await istv('istv-impossible-date.csv');
    expect(kinds(o)).toEqual(['2:ok', '3:invalid']);
    expect(problems(o)).toEqual([{ line: 3, field: 'ASSAULT DATE AND TIME', reason: 'not a real date' }]);
  });

  it('istv-postcode-and-email.csv: a full postcode on line 2 and an email on line 3', async () => {
    const o = await istv('istv-postcode-and-email.csv');
    expect(problems(o)).toEqual([
      { line: 2, field: 'ASSAULT LOCATION DESCRIPTION', reason: 'looks like a full postcode' },
      { line: 3, field: 'ASSAULT LOCATION DESCRIPTION', reason: 'looks like an email address' },
    ]);
    expect(JSON.stringify(o.rows)).not.toMatch(/EC1A 1BB|jo\.bloggs/);
  });

  it('istv-patient-name-column.csv: refused for a column outside the dataset', async () => {
    const o = await istv('istv-patient-name-column.csv');
    expect(o.rows).toEqual([]);
    expect(o.refused?.code).toBe('personal-data-column');
    expect(o.refused?.problems).toEqual([{ line: 0, field: 'Patient Name', reason: 'column not in the ISTV minimum dataset' }]);
  });

  it('empty.csv: refused as empty by every parser', async () => {
    for (const outcome of [await police('empty.csv'), await istv('empty.csv'), await generic('empty.csv')]) {
      expect(outcome.refused?.code).toBe('empty-file');
      expect(outcome.refused?.problems).toEqual([{ line: 0, field: '(file)', reason: 'file is empty' }]);
    }
  });
});
