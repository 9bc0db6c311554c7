/**
 * Periods of comparator figures. Published figures come by calendar year (the Met's
 * annual files), by financial year (PHOF, Home Office) or over some other run of months;
 * each is stored as its first and last month so that they can be compared and sorted
 * whatever way they were written.
 */

/** Months as 'YYYY-MM', both inclusive. */
export type FamilyPeriod = { from: string; to: string };

export type PeriodParse = { ok: true; period: FamilyPeriod } | { ok: false; reason: string };

export const PERIOD_FORMS = 'a calendar year (2019), a financial year (2019/20) or a range of months (2019-01..2019-12)';

const YEAR = /^(\d{4})$/;
const FINANCIAL_YEAR = /^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$/;
const MONTH_RANGE = /^(\d{4})-(\d{2})\s*\.\.\s*(\d{4})-(\d{2})$/;
const MIN_YEAR = 1990;
const MAX_YEAR = 2100;

export function month(year: number, monthNumber: number): string {
  return `${String(year).padStart(4, '0')}-${String(monthNumber).padStart(2, '0')}`;
}

export function monthIndex(value: string): number {
  return Number(value.slice(0, 4)) * 12 + Number(value.slice(5, 7)) - 1;
}

export function addMonths(value: string, delta: number): string {
  const i = monthIndex(value) + delta;
  return month(Math.floor(i / 12), (i % 12) + 1);
}

export function monthsIn(period: FamilyPeriod): number {
  return monthIndex(period.to) - monthIndex(period.from) + 1;
}

function yearInRange(year: number): boolean {
  return year >= MIN_YEAR && year <= MAX_YEAR;
}

/**
 * Reads a period as written in a figures file. "2019/2020" and "2019-20" are accepted for a
 * financial year as people type them; a financial year whose second half is not the next
 * year ("2019/21") is refused rather than guessed at.
 */
export function parsePeriod(text: string): PeriodParse {
  const value = text.trim();
  let m = YEAR.exec(value);
  if (m) {
    const year = Number(m[1]);
    if (!yearInRange(year)) return { ok: false, reason: `year ${year} is not between ${MIN_YEAR} and ${MAX_YEAR}` };
    return { ok: true, period: { from: month(year, 1), to: month(year, 12) } };
  }
  m = FINANCIAL_YEAR.exec(value);
  if (m) {
    const start = Number(m[1]);
    const endText = m[2]!;
    const end = endText.length === 2 ? Math.floor(start / 100) * 100 + Number(endText) + (Number(endText) < start % 100 ? 100 : 0) : Number(endText);
    if (end !== start + 1) {
      // "2019-03" is a month, which is only a period when written as a range.
      if (/^\d{4}-\d{2}$/.test(value)) return { ok: false, reason: `"${value}" is a single month: write it as a range (${value}..${value})` };
      return { ok: false, reason: `"${value}" is not a financial year: the second year must follow the first (2019/20)` };
    }
    if (!yearInRange(start)) return { ok: false, reason: `year ${start} is not between ${MIN_YEAR} and ${MAX_YEAR}` };
    return { ok: true, period: { from: month(start, 4), to: month(start + 1, 3) } };
  }
  m = MONTH_RANGE.exec(value);
  if (m) {
    const [y1, m1, y2, m2] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return { ok: false, reason: `"${value}" has a month that is not 01 to 12` };
    if (!yearInRange(y1) || !yearInRange(y2)) return { ok: false, reason: `a year in "${value}" is not between ${MIN_YEAR} and ${MAX_YEAR}` };
    const period = { from: month(y1, m1), to: month(y2, m2) };
    if (monthIndex(period.to) < monthIndex(period.from)) return { ok: false, reason: `"${value}" ends before it starts` };
    return { ok: true, period };
  }
  return { ok: false, reason: `"${value.slice(0, 40)}" is not a period: write ${PERIOD_FORMS}` };
}

const monthName = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** How a period reads: "2019", "2019/20", or "Mar 2019 to Feb 2020". */
export function periodLabel(period: FamilyPeriod): string {
  const [fy, fm] = [Number(period.from.slice(0, 4)), Number(period.from.slice(5, 7))];
  const [ty, tm] = [Number(period.to.slice(0, 4)), Number(period.to.slice(5, 7))];
  if (fm === 1 && tm === 12 && fy === ty) return String(fy);
  if (fm === 4 && tm === 3 && ty === fy + 1) return `${fy}/${String(ty % 100).padStart(2, '0')}`;
  const name = (v: string) => monthName.format(new Date(`${v}-01T00:00:00Z`));
  return period.from === period.to ? name(period.from) : `${name(period.from)} to ${name(period.to)}`;
}

/** The form a period is written in, so a time series only joins periods of one kind. */
export function periodKind(period: FamilyPeriod): string {
  const label = periodLabel(period);
  if (/^\d{4}$/.test(label)) return 'calendar-year';
  if (/^\d{4}\/\d{2}$/.test(label)) return 'financial-year';
  return `months-${monthsIn(period)}-from-${period.from.slice(5, 7)}`;
}

/** Key for maps: '2019-04..2020-03'. */
export function periodKey(period: FamilyPeriod): string {
  return `${period.from}..${period.to}`;
}

export function samePeriod(a: FamilyPeriod, b: FamilyPeriod): boolean {
  return a.from === b.from && a.to === b.to;
}

/** 'YYYY-MM' from 'YYYY-MM' or a date 'YYYY-MM-DD'; null for anything else. */
export function toMonth(value: string): string | null {
  const m = /^(\d{4})-(\d{2})(?:-\d{2})?$/.exec(value.trim());
  if (!m) return null;
  const monthNumber = Number(m[2]);
  return monthNumber >= 1 && monthNumber <= 12 ? `${m[1]}-${m[2]}` : null;
}
