import { MAX_COLUMNS, tooManyColumns } from './file-errors.ts';
/**
 * Checks shared by every feed parser. They return a reason (or null) rather than building
 * problem objects, so the hot path of a million-row file allocates nothing for a good cell.
 */

/** Reasons that appear in upload reports; tests and the UI match on them. */
export const REASONS = {
  oversized: 'field longer than 1000 characters',
  formula: 'looks like a spreadsheet formula',
  outsideUk: 'coordinates outside the UK',
  notANumber: 'not a number',
  halfCoordinate: 'longitude and latitude must both be given or both be empty',
  empty: 'must not be empty',
  cellCount: (got: number, expected: number) => `row has ${got} values but the header has ${expected} columns`,
  valueWithoutHeader: 'value in a column with no header',
} as const;

export const MAX_FIELD_LENGTH = 1000;

/** Roughly the UK including Northern Ireland, Shetland and the Scillies. */
export const UK_BOUNDS = { minLon: -8.7, maxLon: 1.9, minLat: 49.8, maxLat: 60.9 } as const;

/**
 * LSOA codes, 2011 and 2021: E01 (England) or W01 (Wales) and six digits. The pattern
 * /^[EW]0100\d{4}$/ is too narrow: real codes run past E0100xxxx (City of London
 * E01032739, 2021 codes E0103xxxx).
 */
export const LSOA_CODE = /^[EW]01\d{6}$/;

const FORMULA_LEAD = new Uint8Array(128);
for (const ch of '=+-@\t\r') FORMULA_LEAD[ch.charCodeAt(0)] = 1;

/**
 * What a spreadsheet would run when the cell is opened: '=' followed by anything, or
 * '+', '-', '@' followed by a function call (@SUM(), a cell reference (+A1), a DDE link
 * (cmd|...) or '='. A negative number ("-0.1276") or a lone "-" is not a formula.
 */
const FORMULA =
  /^[\t\r]*(?:=[\s\S]|[+\-@][\s\S]*?(?:[A-Za-z_][A-Za-z0-9_.]*\s*\(|(?<![A-Za-z0-9_$])\$?[A-Za-z]{1,3}\$?\d+(?![A-Za-z0-9_])|[A-Za-z0-9_.]+\s*\||=))/;

/** Only the start of a long cell is looked at: the search after a sign is quadratic on pathological input. */
const FORMULA_WINDOW = 256;

export function looksLikeFormula(value: string): boolean {
  const c = value.charCodeAt(0);
  if (!(c < 128 && FORMULA_LEAD[c] === 1)) return false;
  // Every longitude west of Greenwich starts with '-': settle plain numbers without a regex.
  if ((c === 45 || c === 43) && isUnsignedDecimal(value, 1)) return false;
  return FORMULA.test(value.length > FORMULA_WINDOW ? value.slice(0, FORMULA_WINDOW) : value);
}

/** Checks every cell must pass whatever its column: length and formula injection. */
export function cellProblem(value: string): string | null {
  if (value.length > MAX_FIELD_LENGTH) return REASONS.oversized;
  if (looksLikeFormula(value)) return REASONS.formula;
  return null;
}

/** Digits with at most one '.', and at least one digit, from `start` to the end. */
function isUnsignedDecimal(text: string, start: number): boolean {
  let digits = 0;
  let dots = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && dots === 0) dots++;
    else return false;
  }
  return digits > 0;
}

/** A plain decimal number, or NaN. Number() alone would accept "0x1F", "1e3", "Infinity" and " ". */
export function parseDecimal(text: string): number {
  const c = text.charCodeAt(0);
  return isUnsignedDecimal(text, c === 45 || c === 43 ? 1 : 0) ? Number(text) : Number.NaN;
}

export type CoordinateResult =
  | { ok: true; lon: number | null; lat: number | null }
  | { ok: false; problems: Array<{ which: 'lon' | 'lat'; reason: string }> };

const NO_LOCATION: CoordinateResult = Object.freeze({ ok: true, lon: null, lat: null }) as CoordinateResult;

/** Both empty is "no location" (police.uk has ~9% of such rows); otherwise both must be numbers inside the UK. */
export function checkLonLat(lonText: string, latText: string): CoordinateResult {
  if (lonText.length === 0 && latText.length === 0) return NO_LOCATION;
  if (lonText.length === 0 || latText.length === 0) {
    return { ok: false, problems: [{ which: lonText.length === 0 ? 'lon' : 'lat', reason: REASONS.halfCoordinate }] };
  }
  const lon = parseDecimal(lonText);
  const lat = parseDecimal(latText);
  if (lon >= UK_BOUNDS.minLon && lon <= UK_BOUNDS.maxLon && lat >= UK_BOUNDS.minLat && lat <= UK_BOUNDS.maxLat) {
    return { ok: true, lon, lat };
  }
  const problems: Array<{ which: 'lon' | 'lat'; reason: string }> = [];
  if (Number.isNaN(lon)) problems.push({ which: 'lon', reason: REASONS.notANumber });
  else if (lon < UK_BOUNDS.minLon || lon > UK_BOUNDS.maxLon) problems.push({ which: 'lon', reason: REASONS.outsideUk });
  if (Number.isNaN(lat)) problems.push({ which: 'lat', reason: REASONS.notANumber });
  else if (lat < UK_BOUNDS.minLat || lat > UK_BOUNDS.maxLat) problems.push({ which: 'lat', reason: REASONS.outsideUk });
  return { ok: false, problems };
}

export function insideUk(lon: number, lat: number): boolean {
  return lon >= UK_BOUNDS.minLon && lon <= UK_BOUNDS.maxLon && lat >= UK_BOUNDS.minLat && lat <= UK_BOUNDS.maxLat;
}

/** Trims only when needed: most cells have no padding, and this runs on every cell. */
export function trimCell(value: string): string {
  const len = value.length;
  if (len === 0) return value;
  return value.charCodeAt(0) <= 32 || value.charCodeAt(len - 1) <= 32 || value.charCodeAt(0) === 160 || value.charCodeAt(len - 1) === 160
    ? value.trim()
    : value;
}

/** Header comparison that forgives case, spacing, underscores and a stray BOM. */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

/** How a header row lines up with a fixed set of known columns. */
export type HeaderMatch<K extends string> = {
  /** Header cells as written, trimmed and without a byte order mark. */
  headerCells: string[];
  /** Canonical column name per position; the text as written for unknown columns; '' for a blank header. */
  names: string[];
  /** Position of each known column found. */
  at: Partial<Record<K, number>>;
  /** Headers that name no known column, as written. */
  unknown: string[];
  /** Known columns that appear more than once. */
  duplicated: string[];
};

/**
 * Matches a header row against known columns: `keyOf` recognises a header (however the
 * feed allows it to be written) and `nameOf` gives the column's canonical name. Refuses
 * more columns than any feed has; leaves judging unknown, missing and repeated columns to
 * the feed, whose messages differ.
 */
export function matchHeader<K extends string>(cells: string[], keyOf: (text: string) => K | undefined, nameOf: (key: K) => string): HeaderMatch<K> {
  if (cells.length > MAX_COLUMNS) throw tooManyColumns(cells.length);
  const headerCells = cells.map((raw) => trimCell(raw.replace(/^\uFEFF/, '')));
  const names: string[] = [];
  const at: Partial<Record<K, number>> = {};
  const unknown: string[] = [];
  const duplicated: string[] = [];
  headerCells.forEach((text, i) => {
    if (text === '') {
      names.push('');
      return;
    }
    const key = keyOf(text);
    if (key === undefined) {
      unknown.push(text);
      names.push(text);
      return;
    }
    names.push(nameOf(key));
    if (at[key] !== undefined) duplicated.push(nameOf(key));
    else at[key] = i;
  });
  return { headerCells, names, at, unknown, duplicated };
}
