import { fromBng } from '../../../shared/bng.ts';
import type { Readable } from 'node:stream';
import { z } from 'zod';
import type { ParsedIncident, ParsedRow, RowProblem } from '../incident.types.ts';
import {
  createIdentifierScanner,
  firstIdentifier,
  headerNamesPerson,
  IDENTIFIER_REASONS,
  type IdentifierKind,
} from '../identifiers/identifier-detector.ts';
import { REASONS, cellProblem, checkLonLat, insideUk, normaliseHeader, parseDecimal, trimCell } from './cell-checks.ts';
import { readCsvBatches, type CsvRecord } from './csv-records.ts';
import type { DecodeReport } from './decode.ts';
import { FileRefusedError, MAX_COLUMNS, listInEnglish, tooManyColumns } from './file-errors.ts';
import {
  formatDate,
  formatMonth,
  isRealDate,
  londonDateOf,
  londonLocalToUtc,
  parseLocalDateTime,
  parseTimeOfDay,
  type LocalDateTime,
} from './london-time.ts';
import { buildRawRow, hasProblemFor } from './row-building.ts';
import { readXlsxBatches } from './xlsx-records.ts';

/**
 * Any other depersonalised incident list (council ASB, deliberate fires, ambulance
 * call-outs...) from CSV or XLSX, read through a saved column mapping.
 */

const column = z.string().trim().min(1, 'name a column').max(200);

/**
 * Which column holds what. Columns are named by their header text (matched ignoring case,
 * spacing and underscores). Unknown keys are stripped rather than refused so the schema
 * can be combined with others (the saved source mapping adds a taxonomy).
 */
export const ZColumnMappingSchema = z
  .object({
    /** One column with date and time together. */
    dateTime: column.optional(),
    /** A date column, with the time in `time` if the source splits them. */
    date: column.optional(),
    time: column.optional(),
    /** How to read dates written with slashes: 'dmy' (UK, default) or 'mdy'; 'iso' accepts only YYYY-MM-DD. */
    dateFormat: z.enum(['iso', 'dmy', 'mdy']).optional(),
    category: column.optional(),
    /** Category for every row (a file of deliberate fires), or for rows whose category cell is empty. */
    categoryFixed: z.string().trim().min(1).max(200).optional(),
    reference: column.optional(),
    location: column.optional(),
    longitude: column.optional(),
    latitude: column.optional(),
    /** British National Grid (EPSG:27700) metres, converted to WGS84 when there is no longitude/latitude. */
    easting: column.optional(),
    northing: column.optional(),
    areaCode: column.optional(),
    outcome: column.optional(),
    /** Further non-personal columns kept as attributes under their header name. */
    keep: z.array(column).max(50).optional(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: string, message: string): void => {
      ctx.addIssue({ code: 'custom', path: [path], message });
    };
    if (!m.dateTime && !m.date) issue('date', 'map a date-and-time column (dateTime) or a date column (date)');
    if (m.dateTime && m.date) issue('date', 'map either dateTime or date (with time), not both');
    if (m.time && !m.date) issue('time', 'a time column needs a date column');
    if (!m.category && !m.categoryFixed) issue('category', 'map a category column or give a fixed category (categoryFixed)');
    if (!m.longitude !== !m.latitude) issue(m.longitude ? 'latitude' : 'longitude', 'map longitude and latitude together');
    if (!m.easting !== !m.northing) issue(m.easting ? 'northing' : 'easting', 'map easting and northing together');
  });

export type TColumnMapping = z.infer<typeof ZColumnMappingSchema>;

export type GenericOptions = {
  /** "Now" for the future-date check; tests pin it. */
  now?: Date;
  onDecode?: (report: DecodeReport) => void;
};

export const GENERIC_REASONS = {
  personalColumn: 'column name suggests personal data (a name, date of birth, address, phone, email, full postcode or NHS number)',
  missingColumn: 'column named in the mapping is missing',
  duplicateColumn: 'column appears more than once',
  dateFormat: 'not a date in a recognised form (YYYY-MM-DD or DD/MM/YYYY, optionally with HH:MM)',
  timeFormat: 'not a time in a recognised form (HH:MM)',
  notRealDate: 'not a real date',
  notRealTime: 'not a real time',
  inFuture: 'in the future',
  outsideGrid: 'not a British National Grid coordinate',
  areaCode: 'not an ONS area code (a letter and eight digits, e.g. E01000001)',
} as const;

const GSS_CODE = /^[EWSNK]\d{8}$/;
/** Excel counts days from 1899-12-30 (the 1900 leap-year bug makes that the effective epoch). */
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
const EXCEL_NUMBER = /^\d+(?:\.\d+)?$/;

type Role = Exclude<keyof TColumnMapping, 'dateFormat' | 'categoryFixed' | 'keep'>;
const ROLES: readonly Role[] = [
  'dateTime',
  'date',
  'time',
  'category',
  'reference',
  'location',
  'longitude',
  'latitude',
  'easting',
  'northing',
  'areaCode',
  'outcome',
];

/**
 * Reads an incident list through a column mapping. Yields a ParsedRow per data row;
 * throws FileRefusedError for an invalid mapping, a column that names personal data, a
 * mapped column that is missing, or a file that cannot be read.
 */
export async function* parseGenericIncidentBatches(
  input: Readable,
  format: 'csv' | 'xlsx',
  mapping: TColumnMapping,
  opts: GenericOptions = {},
): AsyncGenerator<ParsedRow[]> {
  const checked = ZColumnMappingSchema.safeParse(mapping);
  if (!checked.success) {
    // Refused before a byte is read: release the upload rather than leave it hanging.
    input.destroy();
    const problems = checked.error.issues.map((i) => ({ line: 0, field: i.path.join('.') || '(mapping)', reason: i.message }));
    throw new FileRefusedError(
      'invalid-mapping',
      `The column mapping cannot be used: ${problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}.`,
      problems,
    );
  }
  const map = checked.data;
  const now = opts.now ?? new Date();
  const ctx: RowContext = {
    map,
    order: map.dateFormat ?? 'dmy',
    xlsx: format === 'xlsx',
    nowMs: now.getTime(),
    today: londonDateOf(now),
  };

  const batches =
    format === 'xlsx'
      ? readXlsxBatches(input)
      : readCsvBatches(input, { onDecode: opts.onDecode });
  let layout: Layout | null = null;
  for await (const batch of batches) {
    const rows: ParsedRow[] = [];
    for (const record of batch) {
      if (layout === null) {
        layout = readHeader(record, map);
        continue;
      }
      rows.push(parseRow(layout, ctx, record.cells, record.line));
    }
    if (rows.length > 0) yield rows;
  }
  if (layout === null) {
    throw new FileRefusedError('empty-file', 'The file is empty: there is no header row naming the columns.', [
      { line: 0, field: '(file)', reason: 'file is empty' },
    ]);
  }
}

type Layout = {
  headerCells: string[];
  width: number;
  /** Position of each mapped role. */
  at: Partial<Record<Role, number>>;
  /** Header text (as in the file) of each role, for problem reports. */
  fieldOf: Partial<Record<Role, string>>;
  keep: Array<{ index: number; name: string }>;
  /** Mapped or kept positions get the cell checks (length, formula); every position gets the identifier check. */
  mapped: boolean[];
  scanners: Array<(value: string) => IdentifierKind | null>;
};

function readHeader(record: CsvRecord, map: TColumnMapping): Layout {
  const headerCells = record.cells.map((c) => trimCell(c.replace(/^\uFEFF/, '')));
  if (headerCells.length > MAX_COLUMNS) throw tooManyColumns(headerCells.length);

  const personal = headerCells.filter((h) => h !== '' && headerNamesPerson(h));
  if (personal.length > 0) {
    throw new FileRefusedError(
      'personal-data-column',
      `The file has ${personal.length === 1 ? 'a column' : 'columns'} whose name suggests personal data: ${listInEnglish(personal)}. Personal data must never be shared in this feed: delete ${personal.length === 1 ? 'that column' : 'those columns'} from the file and upload it again.`,
      personal.map((field) => ({ line: 0, field, reason: GENERIC_REASONS.personalColumn })),
    );
  }

  const positions = new Map<string, number[]>();
  headerCells.forEach((h, i) => {
    if (h === '') return;
    const key = normaliseHeader(h);
    const list = positions.get(key);
    if (list) list.push(i);
    else positions.set(key, [i]);
  });

  const missing: string[] = [];
  const duplicated: string[] = [];
  const find = (name: string): number | undefined => {
    const found = positions.get(normaliseHeader(name));
    if (found === undefined) {
      if (!missing.includes(name)) missing.push(name);
      return undefined;
    }
    if (found.length > 1 && !duplicated.includes(name)) duplicated.push(name);
    return found[0];
  };

  const at: Partial<Record<Role, number>> = {};
  const fieldOf: Partial<Record<Role, string>> = {};
  for (const role of ROLES) {
    const name = map[role];
    if (name === undefined) continue;
    const index = find(name);
    if (index !== undefined) {
      at[role] = index;
      fieldOf[role] = headerCells[index]!;
    }
  }
  const keep: Array<{ index: number; name: string }> = [];
  for (const name of map.keep ?? []) {
    const index = find(name);
    if (index !== undefined && !keep.some((k) => k.index === index)) keep.push({ index, name: headerCells[index]! });
  }

  if (missing.length > 0) {
    throw new FileRefusedError(
      'missing-columns',
      `The file does not have ${missing.length === 1 ? 'the column' : 'these columns'} named in the mapping: ${listInEnglish(missing)}. Check the header row, or update the saved mapping.`,
      missing.map((field) => ({ line: 0, field, reason: GENERIC_REASONS.missingColumn })),
    );
  }
  if (duplicated.length > 0) {
    throw new FileRefusedError(
      'duplicate-columns',
      `The file has ${listInEnglish(duplicated)} more than once, so it is not clear which to use.`,
      duplicated.map((field) => ({ line: 0, field, reason: GENERIC_REASONS.duplicateColumn })),
    );
  }

  const mapped = headerCells.map(() => false);
  for (const role of ROLES) if (at[role] !== undefined) mapped[at[role]] = true;
  for (const k of keep) mapped[k.index] = true;
  return {
    headerCells,
    width: headerCells.length,
    at,
    fieldOf,
    keep,
    mapped,
    scanners: headerCells.map(() => createIdentifierScanner()),
  };
}

type RowContext = {
  map: TColumnMapping;
  order: 'iso' | 'dmy' | 'mdy';
  xlsx: boolean;
  nowMs: number;
  today: string;
};

type When = { local: LocalDateTime; hasTime: boolean };

function excelSerial(text: string): When | null {
  if (!EXCEL_NUMBER.test(text)) return null;
  const serial = Number(text);
  // Whole seconds, so 0.6041666 (14:30) does not come out as 14:29:59.
  const ms = EXCEL_EPOCH_MS + Math.round(serial * 86_400) * 1000;
  const d = new Date(ms);
  return {
    local: {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
    },
    hasTime: ms % DAY_MS !== 0,
  };
}

function readDate(text: string, ctx: RowContext): When | { reason: string } {
  if (ctx.xlsx) {
    const serial = excelSerial(text);
    if (serial !== null) return serial;
  }
  const parsed = parseLocalDateTime(text, ctx.order);
  if (!parsed.ok) {
    return {
      reason: parsed.reason === 'date' ? GENERIC_REASONS.notRealDate : parsed.reason === 'time' ? GENERIC_REASONS.notRealTime : GENERIC_REASONS.dateFormat,
    };
  }
  return { local: parsed.value, hasTime: parsed.hasTime };
}

function readTime(text: string, ctx: RowContext): { hour: number; minute: number; second: number } | null {
  if (ctx.xlsx) {
    const serial = excelSerial(text);
    if (serial !== null) return serial.local;
  }
  const plain = parseTimeOfDay(text);
  if (plain !== null) return plain;
  // A time cell from a spreadsheet often carries a dummy date (1899-12-30T14:30:00).
  const withDate = parseLocalDateTime(text, ctx.order);
  return withDate.ok && withDate.hasTime ? withDate.value : null;
}

function parseRow(layout: Layout, ctx: RowContext, cells: string[], line: number): ParsedRow {
  let problems: RowProblem[] | null = null;
  let withheld: number[] | null = null;
  const { at, fieldOf, headerCells } = layout;
  const add = (field: string, reason: string): void => {
    (problems ??= []).push({ line, field, reason });
  };

  // A worksheet row simply stops at its last filled cell; in CSV a different count means broken structure.
  if (ctx.xlsx) {
    while (cells.length < layout.width) cells.push('');
  } else if (cells.length !== layout.width) {
    add('(row)', REASONS.cellCount(cells.length, layout.width));
  }
  for (let i = 0; i < cells.length; i++) {
    const value = trimCell(cells[i]!);
    cells[i] = value;
    if (value.length === 0) continue;
    const field = (i < headerCells.length ? headerCells[i] : '') || `column ${i + 1}`;
    if (layout.mapped[i] === true) {
      const generic = cellProblem(value);
      if (generic !== null) add(field, generic);
    }
    // Unmapped columns are not stored, but they are in the quarantined raw row.
    const kind = i < layout.scanners.length ? layout.scanners[i]!(value) : firstIdentifier(value);
    if (kind !== null) {
      add(field, IDENTIFIER_REASONS[kind]);
      (withheld ??= []).push(i);
    }
  }
  const cell = (role: Role): string => {
    const i = at[role];
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const usable = (role: Role): boolean => fieldOf[role] === undefined || !hasProblemFor(problems, fieldOf[role]);

  // When: a date-and-time column, or a date column with an optional time column.
  let when: When | null = null;
  const dateRole: Role = at.dateTime !== undefined ? 'dateTime' : 'date';
  const dateText = cell(dateRole);
  const dateField = fieldOf[dateRole] ?? dateRole;
  if (usable(dateRole)) {
    if (dateText === '') add(dateField, REASONS.empty);
    else {
      const read = readDate(dateText, ctx);
      if ('reason' in read) add(dateField, read.reason);
      else when = read;
    }
  }
  if (when !== null && at.time !== undefined && usable('time')) {
    const timeText = cell('time');
    if (timeText !== '') {
      const t = readTime(timeText, ctx);
      if (t === null) {
        add(fieldOf.time!, GENERIC_REASONS.timeFormat);
        when = null;
      } else {
        when = { local: atTime(when.local, t.hour, t.minute, t.second), hasTime: true };
      }
    } else {
      // With a time column mapped, the time comes from it alone: a date cell's "00:00" is not a recorded time.
      when = { local: atTime(when.local, 0, 0, 0), hasTime: false };
    }
  }
  let occurredAt: Date | null = null;
  if (when !== null) {
    const { year, month, day } = when.local;
    if (!isRealDate(year, month, day)) {
      add(dateField, GENERIC_REASONS.notRealDate);
      when = null;
    } else if (when.hasTime) {
      occurredAt = londonLocalToUtc(when.local);
      if (occurredAt.getTime() > ctx.nowMs) add(dateField, GENERIC_REASONS.inFuture);
    } else if (formatDate(year, month, day) > ctx.today) {
      add(dateField, GENERIC_REASONS.inFuture);
    }
  }

  const categoryText = cell('category');
  const category = categoryText !== '' ? categoryText : (ctx.map.categoryFixed ?? '');
  if (category === '' && usable('category')) add(fieldOf.category ?? 'category', REASONS.empty);

  // Where: longitude/latitude if given, else British National Grid.
  let lon: number | null = null;
  let lat: number | null = null;
  const lonText = cell('longitude');
  const latText = cell('latitude');
  if ((lonText !== '' || latText !== '') && usable('longitude') && usable('latitude')) {
    const coords = checkLonLat(lonText, latText);
    if (coords.ok) {
      lon = coords.lon;
      lat = coords.lat;
    } else {
      for (const p of coords.problems) add(p.which === 'lon' ? fieldOf.longitude! : fieldOf.latitude!, p.reason);
    }
  } else if (lonText === '' && latText === '' && at.easting !== undefined && usable('easting') && usable('northing')) {
    const converted = fromGrid(cell('easting'), cell('northing'));
    if (converted !== null) {
      if ('reason' in converted) add(converted.which === 'easting' ? fieldOf.easting! : fieldOf.northing!, converted.reason);
      else {
        lon = converted.lon;
        lat = converted.lat;
      }
    }
  }

  const areaCode = cell('areaCode');
  if (areaCode !== '' && !GSS_CODE.test(areaCode) && usable('areaCode')) add(fieldOf.areaCode!, GENERIC_REASONS.areaCode);

  if (problems !== null || when === null || category === '') {
    return { kind: 'invalid', line, problems: problems ?? [], raw: buildRawRow(headerCells, cells, withheld) };
  }

  const attributes: Record<string, string | null> = {};
  for (const k of layout.keep) {
    const v = cells[k.index] ?? '';
    attributes[k.name] = v !== '' ? v : null;
  }
  attributes['date'] = formatDate(when.local.year, when.local.month, when.local.day);
  if (at.easting !== undefined) {
    attributes['easting'] = cell('easting') || null;
    attributes['northing'] = cell('northing') || null;
  }
  const reference = cell('reference');
  const location = cell('location');
  const outcome = cell('outcome');
  const month = formatMonth(when.local.year, when.local.month);
  const incident: ParsedIncident = {
    line,
    sourceRef: reference !== '' ? reference : null,
    month,
    occurredAt,
    sourceCategory: category,
    outcome: outcome !== '' ? outcome : null,
    locationDesc: location !== '' ? location : null,
    lon,
    lat,
    areaCode: areaCode !== '' ? areaCode : null,
    batchKey: month,
    attributes,
  };
  return { kind: 'ok', incident };
}

function atTime(d: LocalDateTime, hour: number, minute: number, second: number): LocalDateTime {
  return { year: d.year, month: d.month, day: d.day, hour, minute, second };
}

type GridResult = { lon: number; lat: number } | { which: 'easting' | 'northing'; reason: string };

/** null when both are empty (a row with no location, which is kept). */
function fromGrid(eastingText: string, northingText: string): GridResult | null {
  if (eastingText === '' && northingText === '') return null;
  if (eastingText === '' || northingText === '') {
    return { which: eastingText === '' ? 'easting' : 'northing', reason: 'easting and northing must both be given or both be empty' };
  }
  const e = parseDecimal(eastingText);
  const n = parseDecimal(northingText);
  if (Number.isNaN(e)) return { which: 'easting', reason: REASONS.notANumber };
  if (Number.isNaN(n)) return { which: 'northing', reason: REASONS.notANumber };
  if (e < 0 || e > 700_000) return { which: 'easting', reason: GENERIC_REASONS.outsideGrid };
  if (n < 0 || n > 1_300_000) return { which: 'northing', reason: GENERIC_REASONS.outsideGrid };
  const [lon, lat] = fromBng(e, n);
  if (!insideUk(lon, lat)) return { which: 'easting', reason: REASONS.outsideUk };
  return { lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6 };
}

/** The same rows one by one. */
export async function* parseGenericIncidents(input: Readable, format: 'csv' | 'xlsx', mapping: TColumnMapping, opts: GenericOptions = {}): AsyncGenerator<ParsedRow> {
  for await (const rows of parseGenericIncidentBatches(input, format, mapping, opts)) yield* rows;
}
