import type { Readable } from 'node:stream';
import type { ParsedIncident, ParsedRow, RowProblem } from '../incident.types.ts';
import { createIdentifierScanner, headerNamesPerson, IDENTIFIER_REASONS, type IdentifierKind } from '../identifiers/identifier-detector.ts';
import { REASONS, LSOA_CODE, cellProblem, checkLonLat, matchHeader, trimCell } from './cell-checks.ts';
import { readCsvBatches } from './csv-records.ts';
import type { DecodeReport } from './decode.ts';
import { FileRefusedError, listInEnglish } from './file-errors.ts';
import { formatDate, formatMonth, isRealDate, londonLocalToUtc, parseLocalDateTime, type LocalDateTime } from './london-time.ts';
import { buildRawRow, hasProblemFor } from './row-building.ts';

/**
 * A&E assault attendances to the ISTV (Information Sharing to Tackle Violence) minimum
 * dataset, ISB 1594, as CSV with the NHS Data Dictionary element names as headers. Only
 * these columns are accepted: refusing every other column is what keeps names, NHS
 * numbers and dates of birth from riding along with the assault data.
 */

export const ISTV_COLUMNS = {
  arrival: 'ARRIVAL DATE AND TIME AT ACCIDENT AND EMERGENCY DEPARTMENT',
  assaultAt: 'ASSAULT DATE AND TIME',
  method: 'ASSAULT METHOD',
  methodOther: 'ASSAULT METHOD OTHER DESCRIPTION',
  locationType: 'ASSAULT LOCATION TYPE',
  locationDesc: 'ASSAULT LOCATION DESCRIPTION',
  longitude: 'ASSAULT LOCATION LONGITUDE',
  latitude: 'ASSAULT LOCATION LATITUDE',
  lsoa: 'ASSAULT LOCATION LSOA',
} as const;

type IstvKey = keyof typeof ISTV_COLUMNS;

/** Mandatory (M) elements: a file without these columns is refused. The others are Required-if-available or optional extras. */
const MANDATORY: readonly IstvKey[] = ['assaultAt', 'method', 'locationType'];

export type IstvCode = { code: string; label: string };
/** A partnership's editable code list: codes, optionally with labels (a file may use either). */
export type IstvCodeList = ReadonlyArray<string | IstvCode>;

/** The national code lists were not available; these are the partnership defaults, editable per partnership. */
export const DEFAULT_ISTV_METHODS: readonly IstvCode[] = [
  { code: 'body-part', label: 'Body part (fist, foot, head)' },
  { code: 'blunt-object', label: 'Blunt object' },
  { code: 'knife-or-sharp-object', label: 'Knife or sharp object' },
  { code: 'firearm', label: 'Firearm' },
  { code: 'glass-or-bottle', label: 'Glass or bottle' },
  { code: 'other', label: 'Other' },
];

export const DEFAULT_ISTV_LOCATION_TYPES: readonly IstvCode[] = [
  { code: 'home', label: 'Home' },
  { code: 'street', label: 'Street' },
  { code: 'licensed-premises', label: 'Licensed premises' },
  { code: 'other-public-place', label: 'Other public place' },
  { code: 'school', label: 'School' },
  { code: 'workplace', label: 'Workplace' },
  { code: 'transport', label: 'Transport' },
  { code: 'other', label: 'Other' },
];

/** The submission header (one per file), given by the uploader alongside the file. */
export type IstvSubmissionHeader = {
  /** REPORTING PERIOD START DATE, 'YYYY-MM-DD'. */
  periodStart: string;
  /** REPORTING PERIOD END DATE, 'YYYY-MM-DD', inclusive. */
  periodEnd: string;
  /** SITE CODE (OF TREATMENT): the ODS site code, e.g. RYJ01. */
  siteCode: string;
};

export type IstvOptions = {
  methods: IstvCodeList;
  locationTypes: IstvCodeList;
  /** "Now" for the future-date check; tests pin it. */
  now?: Date;
  onDecode?: (report: DecodeReport) => void;
};

export const ISTV_REASONS = {
  notInDataset: 'column not in the ISTV minimum dataset',
  missingColumn: 'column missing',
  duplicateColumn: 'column appears more than once',
  dateTimeFormat: 'not a date and time in the form YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM',
  notRealDate: 'not a real date',
  notRealTime: 'not a real time',
  outsidePeriod: 'outside the reporting period',
  afterArrival: 'after the arrival time',
  inFuture: 'in the future',
  method: 'not in the assault method code list',
  locationType: 'not in the assault location type code list',
  otherRequired: "required when the assault method is 'other'",
  lsoaCode: 'not an LSOA code (E01 or W01 and six digits)',
  headerDate: 'not a real date in the form YYYY-MM-DD',
  headerOrder: 'the reporting period ends before it starts',
  siteCode: 'not an ODS site code (3 to 5 capital letters and digits, e.g. RYJ01)',
  emptyCodeList: 'the code list is empty',
} as const;

const DEFAULT_OPTIONS: IstvOptions = { methods: DEFAULT_ISTV_METHODS, locationTypes: DEFAULT_ISTV_LOCATION_TYPES };

const KEY_BY_HEADER = new Map<string, IstvKey>(
  (Object.entries(ISTV_COLUMNS) as Array<[IstvKey, string]>).map(([key, name]) => [name, key]),
);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SITE_CODE = /^[A-Z0-9]{3,5}$/;
const CLOCK_CHANGE_MS = 60 * 60 * 1000;

/**
 * Reads one ISTV submission. Yields a ParsedRow per assault; throws FileRefusedError for
 * a bad submission header, a column outside the dataset, or unreadable CSV.
 */
export async function* parseIstvBatches(
  input: Readable,
  header: IstvSubmissionHeader,
  opts: IstvOptions = DEFAULT_OPTIONS,
): AsyncGenerator<ParsedRow[]> {
  let submission: Submission;
  let methods: Map<string, string>;
  let locationTypes: Map<string, string>;
  try {
    submission = checkSubmissionHeader(header);
    methods = codeLookup(opts.methods, DEFAULT_ISTV_METHODS, 'ASSAULT METHOD code list');
    locationTypes = codeLookup(opts.locationTypes, DEFAULT_ISTV_LOCATION_TYPES, 'ASSAULT LOCATION TYPE code list');
  } catch (err) {
    // Refused before a byte is read: release the upload rather than leave it hanging.
    input.destroy();
    throw err;
  }
  const context: RowContext = {
    ...submission,
    methods,
    locationTypes,
    now: (opts.now ?? new Date()).getTime(),
    batchKey: `${submission.siteCode}|${submission.periodStart}|${submission.periodEnd}`,
  };

  let layout: Layout | null = null;
  for await (const batch of readCsvBatches(input, { onDecode: opts.onDecode })) {
    const rows: ParsedRow[] = [];
    for (const record of batch) {
      if (layout === null) {
        layout = readHeader(record.cells);
        continue;
      }
      rows.push(parseRow(layout, context, record.cells, record.line));
    }
    if (rows.length > 0) yield rows;
  }
  if (layout === null) {
    throw new FileRefusedError(
      'empty-file',
      `The file is empty. An ISTV file starts with a header line naming the dataset fields (${ISTV_COLUMNS.assaultAt}, ${ISTV_COLUMNS.method}, ...).`,
      [{ line: 0, field: '(file)', reason: 'file is empty' }],
    );
  }
}

type Submission = { periodStart: string; periodEnd: string; siteCode: string };

function checkSubmissionHeader(header: IstvSubmissionHeader): Submission {
  const problems: RowProblem[] = [];
  const periodStart = header.periodStart.trim();
  const periodEnd = header.periodEnd.trim();
  const siteCode = header.siteCode.trim().toUpperCase();
  const realDate = (text: string): boolean => {
    const m = ISO_DATE.exec(text);
    return m !== null && isRealDate(+m[1]!, +m[2]!, +m[3]!);
  };
  const startOk = realDate(periodStart);
  const endOk = realDate(periodEnd);
  if (!startOk) problems.push({ line: 0, field: 'REPORTING PERIOD START DATE', reason: ISTV_REASONS.headerDate });
  if (!endOk) problems.push({ line: 0, field: 'REPORTING PERIOD END DATE', reason: ISTV_REASONS.headerDate });
  if (startOk && endOk && periodEnd < periodStart) {
    problems.push({ line: 0, field: 'REPORTING PERIOD END DATE', reason: ISTV_REASONS.headerOrder });
  }
  if (!SITE_CODE.test(siteCode)) problems.push({ line: 0, field: 'SITE CODE (OF TREATMENT)', reason: ISTV_REASONS.siteCode });
  if (problems.length > 0) {
    throw new FileRefusedError(
      'invalid-submission-header',
      `The submission details are not valid: ${problems.map((p) => `${p.field} is ${p.reason}`).join('; ')}.`,
      problems,
    );
  }
  return { periodStart, periodEnd, siteCode };
}

/** "Knife or sharp object", "knife-or-sharp-object" and "KNIFE_OR_SHARP_OBJECT" are the same entry. */
function codeKey(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

function codeLookup(list: IstvCodeList, defaults: readonly IstvCode[], what: string): Map<string, string> {
  const defaultLabel = new Map(defaults.map((d) => [codeKey(d.code), d.label]));
  const lookup = new Map<string, string>();
  for (const entry of list) {
    const code = typeof entry === 'string' ? entry : entry.code;
    const label = typeof entry === 'string' ? defaultLabel.get(codeKey(entry)) : entry.label;
    lookup.set(codeKey(code), code);
    if (label) lookup.set(codeKey(label), code);
  }
  if (lookup.size === 0) {
    throw new FileRefusedError('invalid-submission-header', `The ${what} is empty, so no assault could be accepted.`, [
      { line: 0, field: what, reason: ISTV_REASONS.emptyCodeList },
    ]);
  }
  return lookup;
}

type Layout = {
  headerCells: string[];
  width: number;
  /** Canonical column name per position; '' for a blank header. */
  names: string[];
  scanners: Array<(value: string) => IdentifierKind | null>;
  at: Partial<Record<IstvKey, number>>;
};

function istvHeaderKey(text: string): string {
  return text.replace(/^\uFEFF/, '').trim().toUpperCase().replace(/[\s_]+/g, ' ');
}

function readHeader(cells: string[]): Layout {
  const { headerCells, names, at, unknown: outside, duplicated } = matchHeader<IstvKey>(cells, (text) => KEY_BY_HEADER.get(istvHeaderKey(text)), (key) => ISTV_COLUMNS[key]);

  if (outside.length > 0) {
    const personal = outside.filter((h) => headerNamesPerson(h));
    const listed = listInEnglish(outside);
    throw new FileRefusedError(
      personal.length > 0 ? 'personal-data-column' : 'unexpected-columns',
      `The file has ${outside.length === 1 ? 'a column' : 'columns'} that ${outside.length === 1 ? 'is' : 'are'} not in the ISTV minimum dataset: ${listed}.` +
        (personal.length > 0
          ? ` ${listInEnglish(personal)} ${personal.length === 1 ? 'looks' : 'look'} like personal data, which must never be shared in this feed.`
          : '') +
        ' Remove ' + (outside.length === 1 ? 'it' : 'them') + ' and upload the file again: only the ISTV fields can be shared.',
      outside.map((field) => ({ line: 0, field, reason: ISTV_REASONS.notInDataset })),
    );
  }
  const missing = MANDATORY.filter((k) => at[k] === undefined).map((k) => ISTV_COLUMNS[k]);
  if (missing.length > 0) {
    throw new FileRefusedError(
      'missing-columns',
      `The file is missing ${missing.length === 1 ? 'the mandatory ISTV column' : 'these mandatory ISTV columns'}: ${listInEnglish(missing)}.`,
      missing.map((field) => ({ line: 0, field, reason: ISTV_REASONS.missingColumn })),
    );
  }
  if (duplicated.length > 0) {
    throw new FileRefusedError(
      'duplicate-columns',
      `The file has ${listInEnglish(duplicated)} more than once, so it is not clear which to use.`,
      duplicated.map((field) => ({ line: 0, field, reason: ISTV_REASONS.duplicateColumn })),
    );
  }
  return {
    headerCells,
    width: cells.length,
    names,
    scanners: names.map(() => createIdentifierScanner()),
    at,
  };
}

type RowContext = Submission & {
  methods: Map<string, string>;
  locationTypes: Map<string, string>;
  now: number;
  batchKey: string;
};

type DateCheck = { local: LocalDateTime; instant: Date } | { reason: string };

function readDateTime(text: string, now: number): DateCheck {
  const parsed = parseLocalDateTime(text, 'dmy');
  if (!parsed.ok || !parsed.hasTime) {
    const reason =
      !parsed.ok && parsed.reason === 'date' ? ISTV_REASONS.notRealDate : !parsed.ok && parsed.reason === 'time' ? ISTV_REASONS.notRealTime : ISTV_REASONS.dateTimeFormat;
    return { reason };
  }
  const instant = londonLocalToUtc(parsed.value);
  if (instant.getTime() > now) return { reason: ISTV_REASONS.inFuture };
  return { local: parsed.value, instant };
}

function parseRow(layout: Layout, ctx: RowContext, cells: string[], line: number): ParsedRow {
  let problems: RowProblem[] | null = null;
  let withheld: number[] | null = null;
  const { names, at } = layout;
  const add = (field: string, reason: string): void => {
    (problems ??= []).push({ line, field, reason });
  };

  if (cells.length !== layout.width) add('(row)', REASONS.cellCount(cells.length, layout.width));
  for (let i = 0; i < cells.length; i++) {
    const value = trimCell(cells[i]!);
    cells[i] = value;
    if (value.length === 0) continue;
    const field = (i < names.length ? names[i] : '') || `column ${i + 1}`;
    const generic = cellProblem(value);
    if (generic !== null) add(field, generic);
    if (i >= names.length || names[i] === '') add(field, REASONS.valueWithoutHeader);
    const kind = i < layout.scanners.length ? layout.scanners[i]!(value) : null;
    if (kind !== null) {
      add(field, IDENTIFIER_REASONS[kind]);
      (withheld ??= []).push(i);
    }
  }
  const cell = (key: IstvKey): string => {
    const i = at[key];
    return i === undefined ? '' : (cells[i] ?? '');
  };
  const usable = (key: IstvKey): boolean => !hasProblemFor(problems, ISTV_COLUMNS[key]);

  // The reporting period is the period of attendances: an arrival inside it counts, even
  // when the assault happened just before it (late on the last night of the month before).
  // Without an arrival time, the assault date must lie in the period.
  const inPeriod = (local: LocalDateTime): boolean => {
    const day = formatDate(local.year, local.month, local.day);
    return day >= ctx.periodStart && day <= ctx.periodEnd;
  };

  let arrival: { local: LocalDateTime; instant: Date } | null = null;
  const arrivalText = cell('arrival');
  if (arrivalText !== '' && usable('arrival')) {
    const checked = readDateTime(arrivalText, ctx.now);
    if ('reason' in checked) add(ISTV_COLUMNS.arrival, checked.reason);
    else if (!inPeriod(checked.local)) add(ISTV_COLUMNS.arrival, ISTV_REASONS.outsidePeriod);
    else arrival = checked;
  }

  let assault: { local: LocalDateTime; instant: Date } | null = null;
  const assaultText = cell('assaultAt');
  if (usable('assaultAt')) {
    if (assaultText === '') add(ISTV_COLUMNS.assaultAt, REASONS.empty);
    else {
      const checked = readDateTime(assaultText, ctx.now);
      if ('reason' in checked) add(ISTV_COLUMNS.assaultAt, checked.reason);
      else if (arrivalText === '' && !inPeriod(checked.local)) add(ISTV_COLUMNS.assaultAt, ISTV_REASONS.outsidePeriod);
      else assault = checked;
    }
  }
  // Wall-clock times are ambiguous for the hour the clocks go back, so an assault up to an
  // hour "after" its arrival is that hour read twice, not an error.
  if (assault !== null && arrival !== null && assault.instant.getTime() > arrival.instant.getTime() + CLOCK_CHANGE_MS) {
    add(ISTV_COLUMNS.assaultAt, ISTV_REASONS.afterArrival);
  }

  const methodText = cell('method');
  const method = methodText === '' ? undefined : ctx.methods.get(codeKey(methodText));
  if (method === undefined && usable('method')) add(ISTV_COLUMNS.method, methodText === '' ? REASONS.empty : ISTV_REASONS.method);
  const methodOther = cell('methodOther');
  if (method !== undefined && codeKey(method) === 'other' && methodOther === '' && usable('methodOther')) {
    add(ISTV_COLUMNS.methodOther, ISTV_REASONS.otherRequired);
  }

  const locationTypeText = cell('locationType');
  const locationType = locationTypeText === '' ? undefined : ctx.locationTypes.get(codeKey(locationTypeText));
  if (locationType === undefined && usable('locationType')) {
    add(ISTV_COLUMNS.locationType, locationTypeText === '' ? REASONS.empty : ISTV_REASONS.locationType);
  }

  let lon: number | null = null;
  let lat: number | null = null;
  if (usable('longitude') && usable('latitude')) {
    const coords = checkLonLat(cell('longitude'), cell('latitude'));
    if (coords.ok) {
      lon = coords.lon;
      lat = coords.lat;
    } else {
      for (const p of coords.problems) add(p.which === 'lon' ? ISTV_COLUMNS.longitude : ISTV_COLUMNS.latitude, p.reason);
    }
  }
  const lsoa = cell('lsoa');
  if (lsoa !== '' && !LSOA_CODE.test(lsoa) && usable('lsoa')) add(ISTV_COLUMNS.lsoa, ISTV_REASONS.lsoaCode);

  if (problems !== null || assault === null || method === undefined || locationType === undefined) {
    return { kind: 'invalid', line, problems: problems ?? [], raw: buildRawRow(layout.headerCells, cells, withheld) };
  }

  const locationDesc = cell('locationDesc');
  const incident: ParsedIncident = {
    line,
    sourceRef: null,
    month: formatMonth(assault.local.year, assault.local.month),
    occurredAt: assault.instant,
    sourceCategory: method,
    outcome: null,
    locationDesc: locationDesc !== '' ? locationDesc : null,
    lon,
    lat,
    areaCode: lsoa !== '' ? lsoa : null,
    batchKey: ctx.batchKey,
    attributes: {
      arrivalAt: arrival !== null ? arrival.instant.toISOString() : null,
      locationType,
      methodOther: methodOther !== '' ? methodOther : null,
      siteCode: ctx.siteCode,
    },
  };
  return { kind: 'ok', incident };
}

/** The same rows one by one. */
export async function* parseIstv(input: Readable, header: IstvSubmissionHeader, opts: IstvOptions = DEFAULT_OPTIONS): AsyncGenerator<ParsedRow> {
  for await (const rows of parseIstvBatches(input, header, opts)) yield* rows;
}
