/**
 * Finds personal identifiers in feeds that are meant to be depersonalised (police.uk,
 * ISTV, council incident lists). Anything found makes the row (or, for a column header,
 * the file) refused: personal data belongs only in the cases module.
 *
 * This runs on every free-text cell of million-row files, so each rule starts with a
 * cheap test (an '@', enough digits, a 'b' for "born"/"DOB") before any regex, and the
 * regexes require a non-alphanumeric boundary so that digits inside a police.uk Crime ID
 * (64 hex characters) can never look like a phone or NHS number.
 */

export type IdentifierKind = 'nhs-number' | 'date-of-birth' | 'postcode' | 'phone' | 'email';

export type IdentifierFinding = { kind: IdentifierKind };

export type FindIdentifiersOptions = {
  /** The value comes from a column whose header suggests a date of birth: any date in it is one. */
  birthDateField?: boolean;
};

/** Each kind at most once, in a fixed order: NHS number, phone, email, postcode, date of birth. */
export function findIdentifiers(value: string, opts?: FindIdentifiersOptions): IdentifierFinding[] {
  const found = scan(value, opts?.birthDateField === true, false);
  const out: IdentifierFinding[] = [];
  if (found === 0) return out;
  for (let i = 0; i < KIND_ORDER.length; i++) if (found & (1 << i)) out.push({ kind: KIND_ORDER[i]! });
  return out;
}

/**
 * The first identifier found, or null; allocates nothing when there is none. This is the
 * form the parsers use per cell.
 */
export function firstIdentifier(value: string, opts?: FindIdentifiersOptions): IdentifierKind | null {
  const found = scan(value, opts?.birthDateField === true, true);
  if (found === 0) return null;
  for (let i = 0; i < KIND_ORDER.length; i++) if (found & (1 << i)) return KIND_ORDER[i]!;
  return null;
}

/**
 * firstIdentifier with a memory, for one column of one file: values repeat (outcome
 * categories, LSOA names, snap-point street names), and a repeat costs a hash lookup
 * instead of the regexes. Bounded so a column of unique values cannot grow it without end.
 */
export function createIdentifierScanner(opts?: FindIdentifiersOptions & { maxEntries?: number }): (value: string) => IdentifierKind | null {
  const maxEntries = opts?.maxEntries ?? 20_000;
  const memo = new Map<string, IdentifierKind | null>();
  let lastValue: string | null = null;
  let lastKind: IdentifierKind | null = null;
  return (value: string): IdentifierKind | null => {
    if (value === lastValue) return lastKind;
    let kind = memo.get(value);
    if (kind === undefined) {
      kind = firstIdentifier(value, opts);
      if (memo.size < maxEntries && value.length <= 200) memo.set(value, kind);
    }
    lastValue = value;
    lastKind = kind;
    return kind;
  };
}

/** Plain-English reason for a problem report; it never repeats the value. */
export function identifierReason(kind: IdentifierKind): string {
  return IDENTIFIER_REASONS[kind];
}

export const IDENTIFIER_REASONS: Readonly<Record<IdentifierKind, string>> = {
  'nhs-number': 'looks like an NHS number',
  'date-of-birth': 'looks like a date of birth',
  postcode: 'looks like a full postcode',
  phone: 'looks like a phone number',
  email: 'looks like an email address',
};

// --- the rules -----------------------------------------------------------------------

/** Bit i set = KIND_ORDER[i] found. */
const KIND_ORDER: readonly IdentifierKind[] = ['nhs-number', 'phone', 'email', 'postcode', 'date-of-birth'];
const NHS = 1;
const PHONE = 2;
const EMAIL = 4;
const POSTCODE_FOUND = 8;
const DOB = 16;

/** The kinds found, as bits; with `firstOnly`, stops at the first. */
function scan(value: string, birthDateField: boolean, firstOnly: boolean): number {
  // Shortest identifiers: "M11AE", "a@b.co". Dates in a birth-date column can be short too ("1/2/90").
  if (value.length < 5 && !birthDateField) return 0;
  // Every rule needs a digit or an '@'; most free text (street names, outcomes) has neither.
  if (!DIGIT_OR_AT.test(value)) return 0;
  const hasAt = value.indexOf('@') !== -1;
  const digits = countDigits(value);

  let found = 0;
  if (digits >= 10) {
    found |= tenDigitKinds(value);
    if (found !== 0 && firstOnly) return found & NHS ? NHS : found;
  }
  if (hasAt && containsEmail(value)) {
    found |= EMAIL;
    if (firstOnly) return found;
  }
  if ((digits >= 2 || (digits === 1 && GIRO.test(value))) && POSTCODE.test(value)) {
    found |= POSTCODE_FOUND;
    if (firstOnly) return found;
  }
  if (digits >= 2 && (birthDateField ? ANY_DATE.test(value) : hasLetterB(value) && DOB_IN_TEXT.test(value))) {
    found |= DOB;
  }
  return found;
}

const DIGIT_OR_AT = /[\d@]/;
/** GIR 0AA (Girobank) is the one full postcode with a single digit. */
const GIRO = /gir/i;

function countDigits(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

function hasLetterB(value: string): boolean {
  return value.indexOf('b') !== -1 || value.indexOf('B') !== -1;
}

/**
 * NHS numbers: 3-3-4 digits (spaces or dashes allowed) passing the modulus-11 check.
 * Not preceded or followed by a letter or digit, so a run of digits in a hex id or a
 * longer number does not count; nor by a decimal point (the decimals of a coordinate).
 */
const NHS_CANDIDATE = /(?<![A-Za-z0-9.])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![A-Za-z0-9]|\.\d)/g;

/**
 * UK phone numbers: +44 / 0044 / 0 then 9–10 more digits, with single spaces, dashes,
 * dots or brackets between groups. The lookbehind excludes '.', so the decimals of a
 * coordinate ("51.0123456789") are not a number starting with 0.
 */
const PHONE_CANDIDATE =
  /(?:(?<![A-Za-z0-9+.])(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?|(?<![A-Za-z0-9.])\(?0)(\d(?:[ \-.)]{0,2}\d){8,9})(?![A-Za-z0-9]|\.\d)/g;

function tenDigitKinds(value: string): number {
  let kinds = 0;
  NHS_CANDIDATE.lastIndex = 0;
  for (let m = NHS_CANDIDATE.exec(value); m !== null; m = NHS_CANDIDATE.exec(value)) {
    if (isValidNhsNumber(m[1]! + m[2]! + m[3]!)) {
      kinds |= NHS;
      break;
    }
  }
  PHONE_CANDIDATE.lastIndex = 0;
  for (let m = PHONE_CANDIDATE.exec(value); m !== null; m = PHONE_CANDIDATE.exec(value)) {
    const groups = m[1]!;
    // Phone numbers are written in groups of 3+ digits after the area code; "05-12-2023 10:30" is a date.
    if (SHORT_INNER_GROUP.test(groups)) continue;
    const national = '0' + groups.replace(NON_DIGITS, '');
    // A valid NHS number that happens to look like a phone number is reported as the NHS number.
    if (national.length === 10 && isValidNhsNumber(national)) continue;
    if ((national.length === 10 || national.length === 11) && UK_NUMBER_RANGE.test(national)) {
      kinds |= PHONE;
      break;
    }
  }
  return kinds;
}

const NON_DIGITS = /\D/g;
const SHORT_INNER_GROUP = /\D\d{1,2}(?!\d)/;
/** Geographic (01, 02), non-geographic (03, 05, 08, 09) and mobile (07) ranges; 04 and 06 are unused. */
const UK_NUMBER_RANGE = /^0[1235789]/;

/** Modulus 11 with weights 10..2; a remainder giving check digit 10 means the number is invalid. */
export function isValidNhsNumber(tenDigits: string): boolean {
  if (tenDigits.length !== 10) return false;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const d = tenDigits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    sum += d * (10 - i);
  }
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return false;
  return check === tenDigits.charCodeAt(9) - 48;
}

/**
 * Emails are checked around each '@' rather than with one regex over the whole value:
 * a regex with an unanchored local part is quadratic on a long field.
 */
const EMAIL_LOCAL_CHAR = /[A-Za-z0-9._%+\-']/;
const EMAIL_DOMAIN = /[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9-])/y;

function containsEmail(value: string): boolean {
  for (let at = value.indexOf('@'); at !== -1; at = value.indexOf('@', at + 1)) {
    if (at === 0 || !EMAIL_LOCAL_CHAR.test(value.charAt(at - 1))) continue;
    EMAIL_DOMAIN.lastIndex = at + 1;
    if (EMAIL_DOMAIN.test(value)) return true;
  }
  return false;
}

/**
 * A full postcode: outward code (A9, A99, A9A, AA9, AA99, AA9A) then inward code (9AA,
 * letters never C I K M O V). A district ("EC1A") or sector ("EC1A 1") is not personal
 * and does not match.
 */
const POSTCODE =
  /(?<![A-Za-z0-9])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)[ \t]{0,2}\d[ABD-HJLNP-UW-Z]{2}(?![A-Za-z0-9])/i;

const DATE_PATTERN =
  String.raw`(?:\d{1,2}[\/.\-]\d{1,2}[\/.\-](?:\d{4}|\d{2})|\d{4}[\/.\-]\d{1,2}[\/.\-]\d{1,2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4})`;

/** In free text a date only counts as a date of birth when it is labelled as one. */
const DOB_IN_TEXT = new RegExp(
  String.raw`(?<![A-Za-z])(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|born(?:\s+on)?)\s*[:\-]?\s*` + DATE_PATTERN,
  'i',
);
const ANY_DATE = new RegExp(String.raw`(?<![0-9])` + DATE_PATTERN + String.raw`(?![0-9])`, 'i');

// --- column headers ------------------------------------------------------------------

/**
 * Whether a column header names personal data (a person's name, date of birth, NHS
 * number, address, phone, email or full postcode). Used to refuse a whole file: a column
 * like that has no place in a depersonalised feed, whatever is in it.
 *
 * "Name" is personal unless it names a place or thing ("LSOA name", "Street name",
 * "Premises name"); "postcode" is personal unless it is a district or sector.
 */
export function headerNamesPerson(header: string): boolean {
  const words = headerWords(header);
  if (words.length === 0) return false;
  const joined = words.join(' ');
  const has = (w: string): boolean => words.includes(w);

  if (ALWAYS_PERSONAL.some((w) => has(w))) return true;
  if (PERSONAL_PHRASES.some((p) => (' ' + joined + ' ').includes(' ' + p + ' '))) return true;
  if (has('nhs') && (has('number') || has('no') || has('num') || has('id'))) return true;
  if (has('name') || has('names')) return !words.some((w) => NOT_A_PERSON.has(w));
  if (has('postcode') || has('postcodes') || joined.includes('post code') || joined.includes('postal code') || has('zip')) {
    return !words.some((w) => PARTIAL_POSTCODE.has(w));
  }
  return false;
}

/** "DateOfBirth", "date_of_birth", "Date-of-birth" → ["date", "of", "birth"]. */
function headerWords(header: string): string[] {
  return header
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/e-mail/g, 'email')
    .replace(/d\.o\.b\.?/g, 'dob')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

const ALWAYS_PERSONAL = [
  'surname',
  'surnames',
  'forename',
  'forenames',
  'firstname',
  'lastname',
  'fullname',
  'patient',
  'patients',
  'dob',
  'birth',
  'birthdate',
  'birthday',
  'address',
  'addresses',
  'phone',
  'telephone',
  'tel',
  'mobile',
  'email',
  'emails',
  'nhsno',
  'nhsnumber',
  'mrn',
  'nino',
  'passport',
  'alias',
  'nickname',
];

const PERSONAL_PHRASES = [
  'date of birth',
  'hospital number',
  'medical record number',
  'national insurance',
  'ni number',
  'contact number',
  'chi number',
];

/** Words that make "name" the name of a place, area or thing rather than a person. */
const NOT_A_PERSON = new Set([
  'lsoa',
  'msoa',
  'oa',
  'ward',
  'street',
  'road',
  'area',
  'location',
  'site',
  'venue',
  'premises',
  'place',
  'borough',
  'district',
  'authority',
  'lad',
  'la',
  'council',
  'force',
  'team',
  'neighbourhood',
  'town',
  'city',
  'county',
  'region',
  'school',
  'pub',
  'club',
  'bar',
  'business',
  'organisation',
  'organization',
  'agency',
  'station',
  'hospital',
  'trust',
  'department',
  'dept',
  'unit',
  'category',
  'type',
  'offence',
  'crime',
  'incident',
  'file',
  'dataset',
  'beat',
  'sector',
  'building',
  'estate',
  'park',
  'establishment',
  'shop',
  'store',
  'company',
  'outcome',
  'scheme',
  'project',
  'service',
  'partnership',
  'landmark',
  'route',
  'junction',
  'feature',
]);

const PARTIAL_POSTCODE = new Set(['district', 'sector', 'area', 'outward', 'outcode', 'prefix', 'partial']);
