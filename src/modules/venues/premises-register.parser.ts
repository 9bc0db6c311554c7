import type { RowProblem } from '../ingestion/incident.types.ts';
import { REASONS, cellProblem, checkLonLat, matchHeader, normaliseHeader, trimCell } from '../ingestion/parsers/cell-checks.ts';
import { readCsvRecords } from '../ingestion/parsers/csv-records.ts';
import type { ByteSource } from '../ingestion/parsers/decode.ts';
import { FileRefusedError, listInEnglish } from '../ingestion/parsers/file-errors.ts';

/**
 * The licensed-premises register as councils export it: one row per premises licence,
 * with name, address and postcode, and where known its coordinates and licensed hours.
 * Other columns are ignored and never stored, because registers often carry the names of
 * licence holders and designated premises supervisors.
 */

export const REGISTER_COLUMNS = {
  name: 'name',
  address: 'address',
  postcode: 'postcode',
  longitude: 'longitude',
  latitude: 'latitude',
  licensedHours: 'licensed hours',
} as const;
type RegisterKey = keyof typeof REGISTER_COLUMNS;

const REQUIRED: readonly RegisterKey[] = ['name', 'address', 'postcode'];

/** Header spellings accepted for each column, after case, spacing and underscores are forgiven. */
const HEADER_SYNONYMS: ReadonlyMap<string, RegisterKey> = new Map<string, RegisterKey>([
  ['name', 'name'], ['premises name', 'name'], ['premises', 'name'],
  ['address', 'address'], ['premises address', 'address'],
  ['postcode', 'postcode'], ['post code', 'postcode'],
  ['longitude', 'longitude'], ['lon', 'longitude'], ['lng', 'longitude'], ['long', 'longitude'],
  ['latitude', 'latitude'], ['lat', 'latitude'],
  ['licensed hours', 'licensedHours'], ['licensing hours', 'licensedHours'], ['hours', 'licensedHours'],
]);

export const REGISTER_REASONS = {
  missingColumn: 'column missing',
  duplicateColumn: 'column appears more than once',
  empty: REASONS.empty,
  nameTooLong: 'longer than 200 characters',
  postcode: 'not a UK postcode (for example KB1 2AB)',
  duplicate: (line: number) => `same name and postcode as line ${line}`,
} as const;

/** Registers are hundreds of rows, a city's a few thousand; more than this is not a register. */
export const MAX_REGISTER_ROWS = 50_000;
const MAX_NAME_LENGTH = 200;
/** Outward code, a space, inward code: "SW1A 1AA", "M1 1AE", "KB1 2AB". */
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}$/;

export type RegisterEntry = {
  line: number;
  name: string;
  address: string;
  postcode: string;
  lon: number | null;
  lat: number | null;
  licensedHours: string | null;
};

export type ParsedRegister = {
  entries: RegisterEntry[];
  problems: RowProblem[];
  /** Headers of columns that were not read, as written. */
  ignoredColumns: string[];
};

/** Upper case with one space before the inward code, whatever spacing it was typed with. */
export function normalisePostcode(text: string): string {
  const compact = text.toUpperCase().replace(/\s+/g, '');
  return compact.length > 3 ? `${compact.slice(0, -3)} ${compact.slice(-3)}` : compact;
}

/**
 * Reads the whole register, checking every row; problems name the line and field. The
 * caller stores nothing unless `problems` is empty. Throws FileRefusedError when the
 * file cannot be read row by row at all (no header, required columns missing, bad quoting).
 */
export async function parsePremisesRegister(input: ByteSource): Promise<ParsedRegister> {
  const entries: RegisterEntry[] = [];
  const problems: RowProblem[] = [];
  const firstLineOf = new Map<string, number>();
  let header: ReturnType<typeof readHeader> | null = null;
  let rows = 0;
  for await (const record of readCsvRecords(input)) {
    if (header === null) {
      header = readHeader(record.cells);
      continue;
    }
    if (++rows > MAX_REGISTER_ROWS) {
      throw new FileRefusedError('unreadable', `The register has more than ${MAX_REGISTER_ROWS.toLocaleString('en-GB')} rows, which is more than any licensing register. Check that this is the right file.`, [
        { line: record.line, field: '(file)', reason: `more than ${MAX_REGISTER_ROWS} rows` },
      ]);
    }
    const { entry, key } = readRow(header, record.cells, record.line, problems);
    // A second row for the same premises is reported even when the first had other problems.
    const first = key === null ? undefined : firstLineOf.get(key);
    if (first !== undefined) {
      problems.push({ line: record.line, field: REGISTER_COLUMNS.name, reason: REGISTER_REASONS.duplicate(first) });
      continue;
    }
    if (key !== null) firstLineOf.set(key, record.line);
    if (entry !== null) entries.push(entry);
  }
  if (header === null || rows === 0) {
    throw new FileRefusedError('empty-file', 'The register has no premises in it. It needs a header line (name, address, postcode, longitude, latitude, licensed hours) and one line per premises.', [
      { line: header === null ? 0 : 1, field: '(file)', reason: 'no premises' },
    ]);
  }
  return { entries, problems, ignoredColumns: header.ignored };
}

function readHeader(cells: string[]) {
  const match = matchHeader<RegisterKey>(cells, (text) => HEADER_SYNONYMS.get(normaliseHeader(text)), (key) => REGISTER_COLUMNS[key]);
  const missing = REQUIRED.filter((key) => match.at[key] === undefined).map((key) => REGISTER_COLUMNS[key]);
  if (missing.length > 0) {
    throw new FileRefusedError(
      'missing-columns',
      `The register is missing ${missing.length === 1 ? 'the column' : 'the columns'} ${listInEnglish(missing)}. Its first line must name the columns: name, address, postcode, and if known longitude, latitude and licensed hours.`,
      missing.map((field) => ({ line: 1, field, reason: REGISTER_REASONS.missingColumn })),
    );
  }
  if (match.duplicated.length > 0) {
    throw new FileRefusedError(
      'duplicate-columns',
      `The register has ${listInEnglish(match.duplicated)} more than once, so it is not clear which to use.`,
      match.duplicated.map((field) => ({ line: 1, field, reason: REGISTER_REASONS.duplicateColumn })),
    );
  }
  if ((match.at.longitude === undefined) !== (match.at.latitude === undefined)) {
    const missingHalf = match.at.longitude === undefined ? REGISTER_COLUMNS.longitude : REGISTER_COLUMNS.latitude;
    throw new FileRefusedError('missing-columns', `The register has ${missingHalf === 'longitude' ? 'latitude' : 'longitude'} but no ${missingHalf} column: give both, or neither.`, [
      { line: 1, field: missingHalf, reason: REGISTER_REASONS.missingColumn },
    ]);
  }
  return { width: cells.length, names: match.names, at: match.at, ignored: match.unknown };
}

/** The row's entry when it is valid, and its identity (name and postcode) when those two are. */
function readRow(header: ReturnType<typeof readHeader>, cells: string[], line: number, problems: RowProblem[]): { entry: RegisterEntry | null; key: string | null } {
  const before = problems.length;
  const add = (field: string, reason: string) => problems.push({ line, field, reason });
  if (cells.length !== header.width) add('(row)', REASONS.cellCount(cells.length, header.width));
  const cell = (key: RegisterKey): string => {
    const i = header.at[key];
    return i === undefined ? '' : trimCell(cells[i] ?? '');
  };
  for (const key of Object.keys(REGISTER_COLUMNS) as RegisterKey[]) {
    const value = cell(key);
    const problem = value === '' ? null : cellProblem(value);
    if (problem !== null) add(REGISTER_COLUMNS[key], problem);
  }
  const name = cell('name').replace(/\s+/g, ' ');
  const address = cell('address').replace(/\s+/g, ' ');
  const postcodeText = cell('postcode');
  if (name === '') add(REGISTER_COLUMNS.name, REGISTER_REASONS.empty);
  else if (name.length > MAX_NAME_LENGTH) add(REGISTER_COLUMNS.name, REGISTER_REASONS.nameTooLong);
  if (address === '') add(REGISTER_COLUMNS.address, REGISTER_REASONS.empty);
  const postcode = normalisePostcode(postcodeText);
  if (postcodeText === '') add(REGISTER_COLUMNS.postcode, REGISTER_REASONS.empty);
  else if (!POSTCODE.test(postcode)) add(REGISTER_COLUMNS.postcode, REGISTER_REASONS.postcode);
  const coords = checkLonLat(cell('longitude'), cell('latitude'));
  if (!coords.ok) {
    for (const p of coords.problems) add(p.which === 'lon' ? REGISTER_COLUMNS.longitude : REGISTER_COLUMNS.latitude, p.reason);
  }
  const identified = !problems.slice(before).some((p) => p.field === REGISTER_COLUMNS.name || p.field === REGISTER_COLUMNS.postcode);
  const key = identified ? `${name.toLowerCase()}|${postcode}` : null;
  if (problems.length > before || !coords.ok) return { entry: null, key };
  const hours = cell('licensedHours');
  return { entry: { line, name, address, postcode, lon: coords.lon, lat: coords.lat, licensedHours: hours === '' ? null : hours }, key };
}
