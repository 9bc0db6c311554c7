import type { Readable } from 'node:stream';
import type { ParsedIncident, ParsedRow, RowProblem, SharedParts } from '../incident.types.ts';
import {
  createIdentifierScanner,
  firstIdentifier,
  headerNamesPerson,
  IDENTIFIER_REASONS,
  type IdentifierKind,
} from '../identifiers/identifier-detector.ts';
import { REASONS, LSOA_CODE, cellProblem, checkLonLat, matchHeader, normaliseHeader, trimCell } from './cell-checks.ts';
import { readCsvLineBatches } from './csv-records.ts';
import type { DecodeReport } from './decode.ts';
import { FileRefusedError, listInEnglish } from './file-errors.ts';
import { londonMonthOf } from './london-time.ts';
import { buildRawRow, hasProblemFor } from './row-building.ts';

/** The data.police.uk street-level CSV columns, in their published order. */
export const POLICE_UK_COLUMNS = [
  'Crime ID',
  'Month',
  'Reported by',
  'Falls within',
  'Longitude',
  'Latitude',
  'Location',
  'LSOA code',
  'LSOA name',
  'Crime type',
  'Last outcome category',
  'Context',
] as const;

export const POLICE_UK_CRIME_TYPES = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
] as const;

export const POLICE_UK_REASONS = {
  monthFormat: 'not a month in the form YYYY-MM',
  monthNotReal: 'not a real month',
  monthTooEarly: 'before 2010',
  monthInFuture: 'in the future',
  crimeType: 'not one of the 14 police.uk crime types',
  crimeId: 'not a police.uk Crime ID (64 hexadecimal characters)',
  lsoaCode: 'not an LSOA code (E01 or W01 and six digits)',
  unexpectedColumn: 'column not in the police.uk street-level format',
  missingColumn: 'column missing',
  duplicateColumn: 'column appears more than once',
} as const;

export type PoliceUkOptions = {
  /** Used in messages, and to explain a refusal when an outcomes or stop-and-search file is uploaded instead. */
  fileName?: string;
  /** "Now" for the future-month check; tests pin it. */
  now?: Date;
  /** Told which encoding the file was read in (e.g. to show "read as windows-1252"). */
  onDecode?: (report: DecodeReport) => void;
  /** False reads every row cell by cell, without SharedParts (tests compare the two ways). */
  shareParts?: boolean;
};

type Col = (typeof POLICE_UK_COLUMNS)[number];

/** Where each column is in this file, and what to check in each position. */
type Layout = {
  headerCells: string[];
  width: number;
  /** Canonical column name per position; '' for a column with a blank header. */
  names: string[];
  /** Identifier detectors for the free-text positions (null elsewhere). */
  scan: Array<((value: string) => IdentifierKind | null) | null>;
  at: Record<Col, number>;
  /** The columns are exactly the published ones in the published order, as in every real file. */
  published: boolean;
};

const FREE_TEXT: ReadonlySet<Col> = new Set<Col>([
  'Location',
  'LSOA name',
  'Context',
  'Last outcome category',
  'Reported by',
  'Falls within',
]);

const CANONICAL_BY_NORMALISED = new Map<string, Col>(POLICE_UK_COLUMNS.map((c) => [normaliseHeader(c), c]));
const CRIME_TYPES = new Map<string, string>(POLICE_UK_CRIME_TYPES.map((t) => [t, t]));
const CRIME_TYPE_BY_LOWER = new Map<string, string>(POLICE_UK_CRIME_TYPES.map((t) => [t.toLowerCase(), t]));
const HEX = new Uint8Array(128);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;

/** A loop beats /^[0-9a-f]{64}$/ threefold, and every crime row has one. */
function isCrimeId(text: string): boolean {
  if (text.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || HEX[c] !== 1) return false;
  }
  return true;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const MONTH_CACHE_LIMIT = 1000;

// A file has a handful of forces and months: each batch key is made once and shared by
// its rows, which saves building and hashing a new string per row. Rows of one force and
// month usually come together, so the last key is tried first.
const batchKeys = new Map<string, Map<string, string>>();
let lastBatch = { reportedBy: '', month: '', key: '' };
function batchKeyOf(reportedBy: string, month: string): string {
  if (reportedBy === lastBatch.reportedBy && month === lastBatch.month) return lastBatch.key;
  let byMonth = batchKeys.get(reportedBy);
  if (byMonth === undefined) {
    if (batchKeys.size > 1000) batchKeys.clear();
    batchKeys.set(reportedBy, byMonth = new Map());
  }
  let key = byMonth.get(month);
  if (key === undefined) byMonth.set(month, key = reportedBy + '|' + month);
  lastBatch = { reportedBy, month, key };
  return key;
}

/**
 * Reads a data.police.uk street-level crime CSV. Yields one ParsedRow per data row, in
 * file order, with its physical line number; throws FileRefusedError when the file as a
 * whole cannot be used (wrong columns, broken quoting, not text).
 */
export async function* parsePoliceUkBatches(input: Readable, opts: PoliceUkOptions = {}): AsyncGenerator<ParsedRow[]> {
  const currentMonth = londonMonthOf(opts.now ?? new Date());
  // Months repeat on every row of a file, so each distinct value is checked once.
  const monthVerdicts = new Map<string, string | null>();
  const monthProblem = (month: string): string | null => {
    let verdict = monthVerdicts.get(month);
    if (verdict === undefined) {
      verdict = checkMonth(month, currentMonth);
      if (monthVerdicts.size < MONTH_CACHE_LIMIT) monthVerdicts.set(month, verdict);
    }
    return verdict;
  };

  let layout: Layout | null = null;
  let parts: RowParts | null = null;
  for await (const batch of readCsvLineBatches(input, { onDecode: opts.onDecode })) {
    const rows: ParsedRow[] = [];
    for (const record of batch) {
      if (layout === null) {
        layout = readHeader(record.cells!, opts.fileName);
        if (layout.published && opts.shareParts !== false) parts = new RowParts();
        continue;
      }
      if (record.cells !== null) rows.push(parseRow(layout, record.cells, record.line, monthProblem));
      else if (parts !== null) rows.push(parts.parse(layout, record.text, record.line, monthProblem));
      else rows.push(parseRow(layout, record.text.split(','), record.line, monthProblem));
    }
    if (rows.length > 0) yield rows;
  }
  if (layout === null) {
    throw new FileRefusedError(
      'empty-file',
      `${describe(opts.fileName)} is empty. A police.uk street-level file starts with a header line (Crime ID, Month, ...).`,
      [{ line: 0, field: '(file)', reason: 'file is empty' }],
    );
  }
}

function describe(fileName: string | undefined): string {
  return fileName ? `The file ${fileName}` : 'The file';
}

function readHeader(cells: string[], fileName: string | undefined): Layout {
  const { headerCells, names, at, unknown: unexpected, duplicated } = matchHeader<Col>(cells, (text) => CANONICAL_BY_NORMALISED.get(normaliseHeader(text)), (col) => col);
  const missing = POLICE_UK_COLUMNS.filter((c) => at[c] === undefined);

  const personal = unexpected.filter((h) => headerNamesPerson(h));
  if (personal.length > 0) {
    throw new FileRefusedError(
      'personal-data-column',
      `${describe(fileName)} has ${personal.length === 1 ? 'a column' : 'columns'} that look${personal.length === 1 ? 's' : ''} like personal data: ${listInEnglish(personal)}. Personal data must never be shared in this feed; upload the street-level file exactly as downloaded from data.police.uk.`,
      unexpected.map((field) => ({ line: 0, field, reason: POLICE_UK_REASONS.unexpectedColumn })),
    );
  }
  if (missing.length > 0) {
    const otherFormat = fileName && /-(outcomes|stop-and-search)\.csv$/i.test(fileName);
    throw new FileRefusedError(
      'missing-columns',
      `${describe(fileName)} is missing ${missing.length === 1 ? 'the police.uk column' : 'these police.uk columns'}: ${listInEnglish(missing)}.` +
        (unexpected.length > 0 ? ` It has ${unexpected.length === 1 ? 'a column' : 'columns'} the street-level format does not: ${listInEnglish(unexpected)}.` : '') +
        (otherFormat
          ? ' This looks like a police.uk outcomes or stop-and-search file; upload the street-level crime file (…-street.csv) instead.'
          : ' Upload the street-level crime file exactly as downloaded from data.police.uk.'),
      [
        ...missing.map((field) => ({ line: 0, field, reason: POLICE_UK_REASONS.missingColumn })),
        ...unexpected.map((field) => ({ line: 0, field, reason: POLICE_UK_REASONS.unexpectedColumn })),
      ],
    );
  }
  if (duplicated.length > 0) {
    throw new FileRefusedError(
      'duplicate-columns',
      `${describe(fileName)} has ${listInEnglish(duplicated)} more than once, so it is not clear which to use.`,
      duplicated.map((field) => ({ line: 0, field, reason: POLICE_UK_REASONS.duplicateColumn })),
    );
  }
  if (unexpected.length > 0) {
    // An added column is how names and addresses would slip into a depersonalised feed.
    throw new FileRefusedError(
      'unexpected-columns',
      `${describe(fileName)} has ${unexpected.length === 1 ? 'a column' : 'columns'} that the police.uk street-level format does not: ${listInEnglish(unexpected)}. Remove ${unexpected.length === 1 ? 'it' : 'them'}, or upload the file exactly as downloaded from data.police.uk.`,
      unexpected.map((field) => ({ line: 0, field, reason: POLICE_UK_REASONS.unexpectedColumn })),
    );
  }
  return {
    headerCells,
    width: cells.length,
    names,
    scan: names.map((n) => (FREE_TEXT.has(n as Col) ? createIdentifierScanner() : null)),
    at: at as Record<Col, number>,
    published: names.length === POLICE_UK_COLUMNS.length && names.every((name, i) => name === POLICE_UK_COLUMNS[i]),
  };
}

function checkMonth(month: string, currentMonth: string): string | null {
  const m = MONTH.exec(month);
  if (!m) return POLICE_UK_REASONS.monthFormat;
  const mo = +m[2]!;
  if (mo < 1 || mo > 12) return POLICE_UK_REASONS.monthNotReal;
  if (+m[1]! < 2010) return POLICE_UK_REASONS.monthTooEarly;
  if (month > currentMonth) return POLICE_UK_REASONS.monthInFuture;
  return null;
}

function parseRow(
  layout: Layout,
  cells: string[],
  line: number,
  monthProblem: (month: string) => string | null,
): ParsedRow {
  let problems: RowProblem[] | null = null;
  let withheld: number[] | null = null;
  const { names, scan, at } = layout;

  if (cells.length !== layout.width) {
    problems = [{ line, field: '(row)', reason: REASONS.cellCount(cells.length, layout.width) }];
  }
  for (let i = 0; i < cells.length; i++) {
    let value = cells[i]!;
    if (value.length === 0) continue;
    value = trimCell(value);
    cells[i] = value;
    if (value.length === 0) continue;
    const field = i < names.length ? names[i]! : '';
    const generic = cellProblem(value);
    if (generic !== null) (problems ??= []).push({ line, field: field || `column ${i + 1}`, reason: generic });
    if (field === '') (problems ??= []).push({ line, field: `column ${i + 1}`, reason: REASONS.valueWithoutHeader });
    // Cells under no known header are scanned too: they are kept in the quarantined raw row.
    const scanner = i < scan.length ? scan[i]! : null;
    if (field === '' || scanner !== null) {
      const kind = scanner !== null ? scanner(value) : firstIdentifier(value);
      if (kind !== null) {
        (problems ??= []).push({ line, field: field || `column ${i + 1}`, reason: IDENTIFIER_REASONS[kind] });
        (withheld ??= []).push(i);
      }
    }
  }

  const crimeId = cells[at['Crime ID']] ?? '';
  const month = cells[at['Month']] ?? '';
  const reportedBy = cells[at['Reported by']] ?? '';
  const crimeTypeText = cells[at['Crime type']] ?? '';
  const areaCode = cells[at['LSOA code']] ?? '';

  if (crimeId.length > 0 && !isCrimeId(crimeId) && !hasProblemFor(problems, 'Crime ID')) {
    (problems ??= []).push({ line, field: 'Crime ID', reason: POLICE_UK_REASONS.crimeId });
  }
  const monthReason = month.length === 0 ? REASONS.empty : monthProblem(month);
  if (monthReason !== null && !hasProblemFor(problems, 'Month')) {
    (problems ??= []).push({ line, field: 'Month', reason: monthReason });
  }
  if (reportedBy.length === 0) (problems ??= []).push({ line, field: 'Reported by', reason: REASONS.empty });

  // The published spelling, one string per type: later lookups of it by the import are then cheap.
  const crimeType: string | undefined = CRIME_TYPES.get(crimeTypeText) ?? CRIME_TYPE_BY_LOWER.get(crimeTypeText.toLowerCase());
  if (crimeType === undefined && !hasProblemFor(problems, 'Crime type')) {
    (problems ??= []).push({
      line,
      field: 'Crime type',
      reason: crimeTypeText.length === 0 ? REASONS.empty : POLICE_UK_REASONS.crimeType,
    });
  }

  let lon: number | null = null;
  let lat: number | null = null;
  if (!hasProblemFor(problems, 'Longitude') && !hasProblemFor(problems, 'Latitude')) {
    const coords = checkLonLat(cells[at['Longitude']] ?? '', cells[at['Latitude']] ?? '');
    if (coords.ok) {
      lon = coords.lon;
      lat = coords.lat;
    } else {
      for (const p of coords.problems) {
        (problems ??= []).push({ line, field: p.which === 'lon' ? 'Longitude' : 'Latitude', reason: p.reason });
      }
    }
  }
  if (areaCode.length > 0 && !LSOA_CODE.test(areaCode) && !hasProblemFor(problems, 'LSOA code')) {
    (problems ??= []).push({ line, field: 'LSOA code', reason: POLICE_UK_REASONS.lsoaCode });
  }

  if (problems !== null) {
    return { kind: 'invalid', line, problems, raw: buildRawRow(layout.headerCells, cells, withheld) };
  }

  const outcome = cells[at['Last outcome category']]!;
  const location = cells[at['Location']]!;
  const fallsWithin = cells[at['Falls within']]!;
  const lsoaName = cells[at['LSOA name']]!;
  const context = cells[at['Context']]!;
  const incident: ParsedIncident = {
    line,
    sourceRef: crimeId.length > 0 ? crimeId : null,
    month,
    occurredAt: null,
    sourceCategory: crimeType!,
    outcome: outcome.length > 0 ? outcome : null,
    locationDesc: location.length > 0 ? location : null,
    lon,
    lat,
    areaCode: areaCode.length > 0 ? areaCode : null,
    batchKey: batchKeyOf(reportedBy, month),
    attributes: {
      reportedBy,
      fallsWithin: fallsWithin.length > 0 ? fallsWithin : null,
      lsoaName: lsoaName.length > 0 ? lsoaName : null,
      context: context.length > 0 ? context : null,
    },
  };
  return { kind: 'ok', incident };
}

type WhenPart = { id: number; month: string; batchKey: string; reportedBy: string; fallsWithin: string | null };
type WherePart = { id: number; lon: number | null; lat: number | null; locationDesc: string | null; areaCode: string | null; lsoaName: string | null };
type WhatPart = { id: number; sourceCategory: string; outcome: string | null; context: string | null };

/** Distinct parts kept per file; past this, rows with new parts are read cell by cell. */
const PART_LIMIT = 100_000;
const COMMAS = POLICE_UK_COLUMNS.length - 1;

/**
 * Reads rows of a file in the published layout part by part (SharedParts). A row's cells
 * after its Crime ID fall into three runs, each repeated on many rows: Month to Falls
 * within, Longitude to LSOA name, and Crime type to Context. Each run's text is looked up
 * as it stands in the line; a run seen before on a valid row was checked then, so only
 * the Crime ID is checked again. A row with a run not yet seen, or anything unusual (a
 * Crime ID that is not 64 hexadecimal digits, a cell too many or too few), is read cell by
 * cell by parseRow, which makes every check and reports every problem; when that row is
 * valid, its runs are remembered. A run's checks depend on no other cell of the row, so a
 * run valid on one row is valid on any.
 */
class RowParts {
  private readonly when = new Map<string, WhenPart>();
  private readonly where = new Map<string, WherePart>();
  private readonly what = new Map<string, WhatPart>();
  private readonly commas = new Int32Array(COMMAS);

  parse(layout: Layout, text: string, line: number, monthProblem: (month: string) => string | null): ParsedRow {
    const commas = this.commas;
    let from = 0;
    for (let k = 0; k < COMMAS; k++) {
      const comma = text.indexOf(',', from);
      if (comma === -1) return parseRow(layout, text.split(','), line, monthProblem);
      commas[k] = comma;
      from = comma + 1;
    }
    if (text.indexOf(',', from) !== -1) return parseRow(layout, text.split(','), line, monthProblem);
    const crimeId = text.slice(0, commas[0]);
    const whenText = text.slice(commas[0]! + 1, commas[3]);
    const whereText = text.slice(commas[3]! + 1, commas[8]);
    const whatText = text.slice(commas[8]! + 1);
    const when = this.when.get(whenText);
    const where = this.where.get(whereText);
    const what = this.what.get(whatText);
    if (when === undefined || where === undefined || what === undefined || (crimeId.length !== 0 && !isCrimeId(crimeId))) {
      const row = parseRow(layout, text.split(','), line, monthProblem);
      if (row.kind === 'ok') this.remember(row.incident, when ?? whenText, where ?? whereText, what ?? whatText);
      return row;
    }
    const incident: ParsedIncident = {
      line,
      sourceRef: crimeId.length > 0 ? crimeId : null,
      month: when.month,
      occurredAt: null,
      sourceCategory: what.sourceCategory,
      outcome: what.outcome,
      locationDesc: where.locationDesc,
      lon: where.lon,
      lat: where.lat,
      areaCode: where.areaCode,
      batchKey: when.batchKey,
      attributes: { reportedBy: when.reportedBy, fallsWithin: when.fallsWithin, lsoaName: where.lsoaName, context: what.context },
      shared: { when: when.id, what: what.id, where: where.id },
    };
    return { kind: 'ok', incident };
  }

  /**
   * Keeps the parts of a valid row read cell by cell (given as their text when new), and
   * numbers the row with them. Kept values are copies: the cells are slices of a chunk of
   * the file, which a kept slice would keep in memory.
   */
  private remember(incident: ParsedIncident, when: WhenPart | string, where: WherePart | string, what: WhatPart | string): void {
    const { attributes: a } = incident;
    if (typeof when === 'string') {
      if (this.when.size >= PART_LIMIT) return;
      const reportedBy = detach(a.reportedBy!);
      const month = detach(incident.month);
      this.when.set(detach(when), when = { id: this.when.size, month, batchKey: `${reportedBy}|${month}`, reportedBy, fallsWithin: detachOrNull(a.fallsWithin ?? null) });
    }
    if (typeof where === 'string') {
      if (this.where.size >= PART_LIMIT) return;
      this.where.set(detach(where), where = {
        id: this.where.size, lon: incident.lon, lat: incident.lat, locationDesc: detachOrNull(incident.locationDesc),
        areaCode: detachOrNull(incident.areaCode), lsoaName: detachOrNull(a.lsoaName ?? null),
      });
    }
    if (typeof what === 'string') {
      if (this.what.size >= PART_LIMIT) return;
      this.what.set(detach(what), what = { id: this.what.size, sourceCategory: incident.sourceCategory, outcome: detachOrNull(incident.outcome), context: detachOrNull(a.context ?? null) });
    }
    const shared: SharedParts = { when: when.id, what: what.id, where: where.id };
    incident.shared = shared;
  }
}

/** A copy of the text that shares no memory with the string it came from. */
function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function detachOrNull(text: string | null): string | null {
  return text === null ? null : detach(text);
}

/** The same rows one by one. */
export async function* parsePoliceUk(input: Readable, opts: PoliceUkOptions = {}): AsyncGenerator<ParsedRow> {
  for await (const rows of parsePoliceUkBatches(input, opts)) yield* rows;
}
