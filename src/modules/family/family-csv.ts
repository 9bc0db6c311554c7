/**
 * The two comparator files a partnership can load, told apart by their header:
 *
 * Figures (one row per area, indicator, period and age band):
 *   area code, area name, indicator, period, numerator, denominator[, age band][, multiplier]
 *
 * Characteristics (one row per area):
 *   area code, area name[, population][, area km2][, deprived share][, mean imd rank]
 *   [, aged 0-15][, aged 16-29][, aged 65+]
 *
 * Header names are matched forgiving case, spacing and underscores ("Area_Code" is "area
 * code"); other columns are ignored and not stored. Every row is checked and every
 * problem is reported with its line and column; the caller stores nothing unless there
 * are none, so a file is loaded whole or not at all.
 */
import { csvRows } from '../../shared/csv-export.ts';
import type { RowProblem } from '../ingestion/incident.types.ts';
import { REASONS, cellProblem, matchHeader, normaliseHeader, trimCell } from '../ingestion/parsers/cell-checks.ts';
import { readCsvRecords } from '../ingestion/parsers/csv-records.ts';
import type { ByteSource } from '../ingestion/parsers/decode.ts';
import { FileRefusedError, listInEnglish } from '../ingestion/parsers/file-errors.ts';
import { ALLOWED_MULTIPLIERS, canonicalIndicatorCode, DEFAULT_MULTIPLIER, INDICATOR_CODE_PATTERN, knownIndicator } from './indicator-codes.ts';
import { parsePeriod, periodKey, type FamilyPeriod, periodLabel } from './period.ts';

export const FIGURE_COLUMNS = {
  areaCode: 'area code',
  areaName: 'area name',
  indicator: 'indicator',
  period: 'period',
  numerator: 'numerator',
  denominator: 'denominator',
  ageBand: 'age band',
  multiplier: 'multiplier',
} as const;
type FigureKey = keyof typeof FIGURE_COLUMNS;
const FIGURE_REQUIRED: readonly FigureKey[] = ['areaCode', 'areaName', 'indicator', 'period', 'numerator', 'denominator'];

export const CHARACTERISTIC_COLUMNS = {
  areaCode: 'area code',
  areaName: 'area name',
  population: 'population',
  areaKm2: 'area km2',
  deprivedShare: 'deprived share',
  imdMeanRank: 'mean imd rank',
  aged0to15: 'aged 0-15',
  aged16to29: 'aged 16-29',
  aged65plus: 'aged 65+',
} as const;
type CharacteristicColumnKey = keyof typeof CHARACTERISTIC_COLUMNS;
type CharacteristicValueKey = Exclude<CharacteristicColumnKey, 'areaCode' | 'areaName'>;
const CHARACTERISTIC_VALUE_KEYS: readonly CharacteristicValueKey[] = ['population', 'areaKm2', 'deprivedShare', 'imdMeanRank', 'aged0to15', 'aged16to29', 'aged65plus'];

const FIGURE_SYNONYMS = new Map<string, FigureKey>([
  ['area code', 'areaCode'], ['code', 'areaCode'], ['area name', 'areaName'], ['name', 'areaName'],
  ['indicator', 'indicator'], ['indicator code', 'indicator'], ['period', 'period'],
  ['numerator', 'numerator'], ['count', 'numerator'], ['denominator', 'denominator'],
  ['age band', 'ageBand'], ['age', 'ageBand'], ['multiplier', 'multiplier'], ['per', 'multiplier'],
]);

const CHARACTERISTIC_SYNONYMS = new Map<string, CharacteristicColumnKey>([
  ['area code', 'areaCode'], ['code', 'areaCode'], ['area name', 'areaName'], ['name', 'areaName'],
  ['population', 'population'], ['residents', 'population'],
  ['area km2', 'areaKm2'], ['area km²', 'areaKm2'], ['area (km2)', 'areaKm2'], ['area (km²)', 'areaKm2'], ['area sq km', 'areaKm2'],
  ['deprived share', 'deprivedShare'], ['mean imd rank', 'imdMeanRank'],
  ['aged 0-15', 'aged0to15'], ['aged 16-29', 'aged16to29'], ['aged 65+', 'aged65plus'], ['aged 65 plus', 'aged65plus'],
]);

export const FAMILY_REASONS = {
  empty: REASONS.empty,
  areaCode: 'not an area code: letters, digits, "-", "_" or "." (up to 32), starting with a letter or digit',
  nameTooLong: 'longer than 200 characters',
  indicator: 'not an indicator code: letters, digits, "-", "_" or "." (up to 32), starting with a letter or digit',
  number: 'not a number (write 1234 or 1,234.5, without units)',
  negative: 'must not be negative',
  notPositive: 'must be more than 0',
  multiplier: `not a multiplier: one of ${ALLOWED_MULTIPLIERS.map((m) => m.toLocaleString('en-GB')).join(', ')}`,
  ageBandTooLong: 'longer than 40 characters',
  share: 'must be a share between 0 and 1',
  sharePercent: 'must be a share between 0 and 1: write 0.23 for 23%',
  wholeNumber: 'must be a whole number',
  imdRank: 'must be a rank between 1 and 40,000',
  ageSharesOver: 'the three age shares add up to more than 1',
  noCharacteristics: 'no characteristic is given for this area',
} as const;

/** National files are a few hundred areas × a few dozen indicators × a few years. */
export const MAX_FAMILY_ROWS = 500_000;
const MAX_NAME_LENGTH = 200;
const AREA_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
/** "1234", "1234.5", "1,234" or "1,234.5": published tables often keep thousands separators. */
const NUMBER = /^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$/;

export type FigureRow = {
  line: number;
  areaCode: string;
  areaName: string;
  indicator: string;
  period: FamilyPeriod;
  /** '' is all ages. */
  ageBand: string;
  numerator: number;
  denominator: number;
  multiplier: number;
};

export type CharacteristicsRow = {
  line: number;
  areaCode: string;
  areaName: string;
  population: number | null;
  areaKm2: number | null;
  deprivedShare: number | null;
  imdMeanRank: number | null;
  aged0to15: number | null;
  aged16to29: number | null;
  aged65plus: number | null;
};

export type ParsedFamilyFile =
  | { kind: 'figures'; rows: FigureRow[]; problems: RowProblem[]; ignoredColumns: string[] }
  | { kind: 'characteristics'; rows: CharacteristicsRow[]; problems: RowProblem[]; ignoredColumns: string[] };

export function parseNumber(text: string): number | null {
  return NUMBER.test(text) ? Number(text.replaceAll(',', '')) : null;
}

/**
 * Reads a whole figures or characteristics file, checking every row. Throws
 * FileRefusedError when it cannot be read row by row at all (empty, wrong header, bad
 * quoting); otherwise returns the rows and the problems, and the caller stores nothing
 * unless there are no problems.
 */
export async function parseFamilyFile(input: ByteSource): Promise<ParsedFamilyFile> {
  let reader: RowReader | null = null;
  let rows = 0;
  for await (const record of readCsvRecords(input)) {
    if (reader === null) {
      reader = headerReader(record.cells);
      continue;
    }
    if (++rows > MAX_FAMILY_ROWS) {
      throw new FileRefusedError('unreadable', `The file has more than ${MAX_FAMILY_ROWS.toLocaleString('en-GB')} rows. Split it by indicator and load each part.`, [
        { line: record.line, field: '(file)', reason: `more than ${MAX_FAMILY_ROWS} rows` },
      ]);
    }
    reader.read(record.cells, record.line);
  }
  if (reader === null || rows === 0) {
    throw new FileRefusedError('empty-file', `The file has no rows. Its first line names the columns (${Object.values(FIGURE_COLUMNS).slice(0, 6).join(', ')}) and each further line is one figure.`, [
      { line: reader === null ? 0 : 1, field: '(file)', reason: 'no rows' },
    ]);
  }
  return reader.result();
}

type RowReader = { read: (cells: string[], line: number) => void; result: () => ParsedFamilyFile };

function headerReader(cells: string[]): RowReader {
  const normalised = cells.map(normaliseHeader);
  if (normalised.includes('indicator') || normalised.includes('indicator code')) return figuresReader(cells);
  if (CHARACTERISTIC_VALUE_KEYS.some((key) => normalised.some((h) => CHARACTERISTIC_SYNONYMS.get(h) === key))) return characteristicsReader(cells);
  throw new FileRefusedError('missing-columns',
    `The file is neither comparator figures (columns ${Object.values(FIGURE_COLUMNS).slice(0, 6).join(', ')}) nor comparator characteristics (columns area code, area name, population, area km2, deprived share, aged 0-15, aged 16-29, aged 65+). Check its first line.`,
    [{ line: 1, field: '(header)', reason: 'no indicator column and no characteristic column' }]);
}

function checkHeader<K extends string>(cells: string[], synonyms: Map<string, K>, names: Record<K, string>, required: readonly K[]) {
  const match = matchHeader<K>(cells, (text) => synonyms.get(normaliseHeader(text)), (key) => names[key]);
  const missing = required.filter((key) => match.at[key] === undefined).map((key) => names[key]);
  if (missing.length > 0) {
    throw new FileRefusedError('missing-columns',
      `The file is missing ${missing.length === 1 ? 'the column' : 'the columns'} ${listInEnglish(missing)}. Its first line must name the columns ${listInEnglish(required.map((k) => names[k]))}.`,
      missing.map((field) => ({ line: 1, field, reason: 'column missing' })));
  }
  if (match.duplicated.length > 0) {
    throw new FileRefusedError('duplicate-columns', `The file has ${listInEnglish(match.duplicated)} more than once, so it is not clear which to use.`,
      match.duplicated.map((field) => ({ line: 1, field, reason: 'column appears more than once' })));
  }
  return { width: cells.length, at: match.at, ignored: match.unknown };
}

/** Shared per-row checks: cell count, formula injection and length on every known cell. */
function rowCells<K extends string>(header: { width: number; at: Partial<Record<K, number>> }, names: Record<K, string>, cells: string[], add: (field: string, reason: string) => void) {
  if (cells.length !== header.width) add('(row)', REASONS.cellCount(cells.length, header.width));
  const cell = (key: K): string => {
    const i = header.at[key];
    return i === undefined ? '' : trimCell(cells[i] ?? '');
  };
  for (const key of Object.keys(names) as K[]) {
    const value = cell(key);
    const problem = value === '' ? null : cellProblem(value);
    if (problem !== null) add(names[key], problem);
  }
  return cell;
}

function areaIdentity(cell: (key: 'areaCode' | 'areaName') => string, add: (field: string, reason: string) => void): { code: string; name: string } | null {
  const code = cell('areaCode');
  const name = cell('areaName').replace(/\s+/g, ' ');
  let ok = true;
  if (code === '') { add(FIGURE_COLUMNS.areaCode, FAMILY_REASONS.empty); ok = false; } else if (!AREA_CODE.test(code)) { add(FIGURE_COLUMNS.areaCode, FAMILY_REASONS.areaCode); ok = false; }
  if (name === '') { add(FIGURE_COLUMNS.areaName, FAMILY_REASONS.empty); ok = false; } else if (name.length > MAX_NAME_LENGTH) { add(FIGURE_COLUMNS.areaName, FAMILY_REASONS.nameTooLong); ok = false; }
  return ok ? { code, name } : null;
}

/** One name per area code within a file: a second spelling is more likely a wrong code than a rename. */
function nameChecker() {
  const names = new Map<string, { name: string; line: number }>();
  return (code: string, name: string, line: number, add: (field: string, reason: string) => void): void => {
    const first = names.get(code);
    if (!first) names.set(code, { name, line });
    else if (first.name !== name) add(FIGURE_COLUMNS.areaName, `area ${code} was named "${first.name.slice(0, 60)}" on line ${first.line}`);
  };
}

function normaliseAgeBand(text: string): string {
  const value = text.replace(/\s+/g, ' ');
  return /^(all|all ages|persons|total)$/i.test(value) ? '' : value;
}

function figuresReader(headerCells: string[]): RowReader {
  const header = checkHeader<FigureKey>(headerCells, FIGURE_SYNONYMS, FIGURE_COLUMNS, FIGURE_REQUIRED);
  const rows: FigureRow[] = [];
  const problems: RowProblem[] = [];
  const firstLineOf = new Map<string, number>();
  const checkName = nameChecker();
  /** An indicator's multiplier as first given, so one file cannot mix per 1,000 and per 100,000 for a code. */
  const multiplierOf = new Map<string, { multiplier: number; line: number }>();
  return {
    read(cells, line) {
      const before = problems.length;
      const add = (field: string, reason: string) => problems.push({ line, field, reason });
      const cell = rowCells<FigureKey>(header, FIGURE_COLUMNS, cells, add);
      const area = areaIdentity(cell, add);
      const indicatorText = cell('indicator');
      let indicator: string | null = null;
      if (indicatorText === '') add(FIGURE_COLUMNS.indicator, FAMILY_REASONS.empty);
      else if (!INDICATOR_CODE_PATTERN.test(indicatorText)) add(FIGURE_COLUMNS.indicator, FAMILY_REASONS.indicator);
      else indicator = canonicalIndicatorCode(indicatorText);
      const periodText = cell('period');
      let period: FamilyPeriod | null = null;
      if (periodText === '') add(FIGURE_COLUMNS.period, FAMILY_REASONS.empty);
      else {
        const parsed = parsePeriod(periodText);
        if (parsed.ok) period = parsed.period;
        else add(FIGURE_COLUMNS.period, parsed.reason);
      }
      const numerator = readNumber(cell('numerator'), FIGURE_COLUMNS.numerator, add, { allowZero: true });
      const denominator = readNumber(cell('denominator'), FIGURE_COLUMNS.denominator, add, { allowZero: false });
      const ageBand = normaliseAgeBand(cell('ageBand'));
      if (ageBand.length > 40) add(FIGURE_COLUMNS.ageBand, FAMILY_REASONS.ageBandTooLong);
      let multiplier: number | null = null;
      const multiplierText = cell('multiplier').replace(/^per\s+/i, '');
      if (multiplierText !== '') {
        const value = parseNumber(multiplierText);
        if (value === null || !ALLOWED_MULTIPLIERS.includes(value)) add(FIGURE_COLUMNS.multiplier, FAMILY_REASONS.multiplier);
        else multiplier = value;
      }
      if (indicator !== null) {
        const known = knownIndicator(indicator);
        if (known && multiplier !== null && multiplier !== known.multiplier) {
          add(FIGURE_COLUMNS.multiplier, `${known.code} is per ${known.multiplier.toLocaleString('en-GB')} (${known.label}), not per ${multiplier.toLocaleString('en-GB')}`);
        }
        if (known) multiplier = known.multiplier;
        const first = multiplierOf.get(indicator);
        const effective = multiplier ?? DEFAULT_MULTIPLIER;
        if (!first) multiplierOf.set(indicator, { multiplier: effective, line });
        else if (first.multiplier !== effective) {
          add(FIGURE_COLUMNS.multiplier, `${indicator} is per ${first.multiplier.toLocaleString('en-GB')} on line ${first.line}; one indicator has one multiplier`);
        }
      }
      if (area) checkName(area.code, area.name, line, add);
      if (area && indicator !== null && period !== null) {
        const key = `${area.code}|${indicator}|${periodKey(period)}|${ageBand.toLowerCase()}`;
        const first = firstLineOf.get(key);
        if (first !== undefined) add(FIGURE_COLUMNS.period, `the same area, indicator, period (${periodLabel(period)}) and age band as line ${first}`);
        else firstLineOf.set(key, line);
      }
      if (problems.length > before || !area || indicator === null || period === null || numerator === null || denominator === null) return;
      rows.push({ line, areaCode: area.code, areaName: area.name, indicator, period, ageBand, numerator, denominator, multiplier: multiplier ?? DEFAULT_MULTIPLIER });
    },
    result: () => ({ kind: 'figures', rows, problems, ignoredColumns: header.ignored }),
  };
}

function readNumber(text: string, field: string, add: (field: string, reason: string) => void, options: { allowZero: boolean }): number | null {
  if (text === '') { add(field, FAMILY_REASONS.empty); return null; }
  if (text.startsWith('-') && parseNumber(text.slice(1)) !== null) { add(field, FAMILY_REASONS.negative); return null; }
  const value = parseNumber(text);
  if (value === null) { add(field, FAMILY_REASONS.number); return null; }
  if (!options.allowZero && value === 0) { add(field, FAMILY_REASONS.notPositive); return null; }
  return value;
}

function characteristicsReader(headerCells: string[]): RowReader {
  const header = checkHeader<CharacteristicColumnKey>(headerCells, CHARACTERISTIC_SYNONYMS, CHARACTERISTIC_COLUMNS, ['areaCode', 'areaName']);
  const rows: CharacteristicsRow[] = [];
  const problems: RowProblem[] = [];
  const firstLineOf = new Map<string, number>();
  return {
    read(cells, line) {
      const before = problems.length;
      const add = (field: string, reason: string) => problems.push({ line, field, reason });
      const cell = rowCells<CharacteristicColumnKey>(header, CHARACTERISTIC_COLUMNS, cells, add);
      const area = areaIdentity(cell, add);
      const values = {} as Record<CharacteristicValueKey, number | null>;
      for (const key of CHARACTERISTIC_VALUE_KEYS) {
        const text = cell(key);
        const field = CHARACTERISTIC_COLUMNS[key];
        values[key] = null;
        if (text === '') continue;
        const value = text.startsWith('-') ? null : parseNumber(text);
        if (value === null) { add(field, text.startsWith('-') ? FAMILY_REASONS.negative : FAMILY_REASONS.number); continue; }
        if (key === 'population') {
          if (!Number.isInteger(value)) { add(field, FAMILY_REASONS.wholeNumber); continue; }
          if (value === 0) { add(field, FAMILY_REASONS.notPositive); continue; }
        } else if (key === 'areaKm2') {
          if (value === 0) { add(field, FAMILY_REASONS.notPositive); continue; }
        } else if (key === 'imdMeanRank') {
          if (value < 1 || value > 40_000) { add(field, FAMILY_REASONS.imdRank); continue; }
        } else if (value > 1) {
          add(field, value <= 100 ? FAMILY_REASONS.sharePercent : FAMILY_REASONS.share);
          continue;
        }
        values[key] = value;
      }
      const ages = [values.aged0to15, values.aged16to29, values.aged65plus].filter((v): v is number => v !== null);
      if (ages.reduce((s, v) => s + v, 0) > 1 + 1e-9) add(CHARACTERISTIC_COLUMNS.aged65plus, FAMILY_REASONS.ageSharesOver);
      if (problems.length === before && CHARACTERISTIC_VALUE_KEYS.every((k) => values[k] === null)) add('(row)', FAMILY_REASONS.noCharacteristics);
      if (area) {
        const first = firstLineOf.get(area.code);
        if (first !== undefined) add(CHARACTERISTIC_COLUMNS.areaCode, `area ${area.code} is already described on line ${first}`);
        else firstLineOf.set(area.code, line);
      }
      if (problems.length > before || !area) return;
      rows.push({ line, areaCode: area.code, areaName: area.name, ...values });
    },
    result: () => ({ kind: 'characteristics', rows, problems, ignoredColumns: header.ignored }),
  };
}

/** Writes figures in the file format above (used by the demo, so it loads through the same reader). */
export function figuresCsv(rows: ReadonlyArray<Omit<FigureRow, 'line'>>, periodText: (period: FamilyPeriod) => string = periodLabelForFile): string {
  return csvRows(
    ['area code', 'area name', 'indicator', 'period', 'numerator', 'denominator', 'age band', 'multiplier'],
    rows.map((r) => [r.areaCode, r.areaName, r.indicator, periodText(r.period), r.numerator, r.denominator, r.ageBand, r.multiplier]),
  );
}

/** Characteristics in the file format above. */
export function characteristicsCsv(rows: ReadonlyArray<Omit<CharacteristicsRow, 'line'>>): string {
  return csvRows(
    Object.values(CHARACTERISTIC_COLUMNS),
    rows.map((r) => [r.areaCode, r.areaName, r.population, r.areaKm2, r.deprivedShare, r.imdMeanRank, r.aged0to15, r.aged16to29, r.aged65plus]),
  );
}

/** A period as a file writes it: 2019, 2019/20, or 2019-03..2020-02. */
export function periodLabelForFile(period: FamilyPeriod): string {
  const label = periodLabel(period);
  return /^\d{4}(\/\d{2})?$/.test(label) ? label : `${period.from}..${period.to}`;
}
