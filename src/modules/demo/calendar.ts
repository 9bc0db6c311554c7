/**
 * Calendar and Europe/London wall-clock arithmetic for the generators.
 *
 * Everything is done with UTC milliseconds and explicit UK daylight-saving rules rather than
 * the host's time zone or Intl, so the generated files are the same on every machine.
 * A&E and council systems record local wall-clock time; police.uk only has months.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A local (Europe/London) wall-clock time to the minute. `month` is 1-12. */
export type WallClock = { year: number; month: number; day: number; hour: number; minute: number };

export function parseMonth(month: string): { year: number; month: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) throw new Error(`not a YYYY-MM month: ${month}`);
  const mm = Number(m[2]);
  if (mm < 1 || mm > 12) throw new Error(`not a YYYY-MM month: ${month}`);
  return { year: Number(m[1]), month: mm };
}

export function formatMonth(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The `count` months ending with `endMonth`, oldest first. */
export function monthRange(endMonth: string, count: number): string[] {
  if (!Number.isInteger(count) || count < 1) throw new Error('months must be a positive integer');
  const { year, month } = parseMonth(endMonth);
  const endIndex = year * 12 + (month - 1);
  const out: string[] = [];
  for (let i = endIndex - count + 1; i <= endIndex; i++) out.push(formatMonth(Math.floor(i / 12), (i % 12) + 1));
  return out;
}

export function addMonths(month: string, delta: number): string {
  const { year, month: m } = parseMonth(month);
  const i = year * 12 + (m - 1) + delta;
  return formatMonth(Math.floor(i / 12), (i % 12) + 1);
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Sunday ... 6 = Saturday, of a calendar date (no time zone involved). */
export function dayOfWeek(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** UK summer time runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October. */
function lastSundayUtc(year: number, month: number): number {
  const last = daysInMonth(year, month);
  const dow = dayOfWeek(year, month, last);
  return Date.UTC(year, month - 1, last - dow, 1, 0);
}

/** Minutes Europe/London is ahead of UTC at a UTC instant: 60 in BST, else 0. */
export function londonOffsetMinutes(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSundayUtc(year, 3) && utcMs < lastSundayUtc(year, 10) ? 60 : 0;
}

/**
 * The UTC instant of a London wall-clock time; null for the hour that does not exist when
 * the clocks go forward. In the repeated hour in October the first (BST) occurrence is taken.
 */
export function wallClockToUtc(w: WallClock): number | null {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  for (const offset of [60, 0]) {
    const utc = naive - offset * MINUTE;
    if (londonOffsetMinutes(utc) === offset) return utc;
  }
  return null;
}

export function utcToWallClock(utcMs: number): WallClock {
  const d = new Date(utcMs + londonOffsetMinutes(utcMs) * MINUTE);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

/** The wall clock `days` calendar days later (hour and minute unchanged). */
export function addDays(w: WallClock, days: number): WallClock {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day) + days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: w.hour, minute: w.minute };
}

const p2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD HH:MM', the ISTV date-time form. */
export function formatIsoMinute(w: WallClock): string {
  return `${w.year}-${p2(w.month)}-${p2(w.day)} ${p2(w.hour)}:${p2(w.minute)}`;
}

/** 'DD/MM/YYYY HH:MM', how UK council case systems export dates. */
export function formatDmyMinute(w: WallClock): string {
  return `${p2(w.day)}/${p2(w.month)}/${w.year} ${p2(w.hour)}:${p2(w.minute)}`;
}

export function monthOfWallClock(w: WallClock): string {
  return formatMonth(w.year, w.month);
}

/** 'YYYY-MM-DD' of the first and last day of a month. */
export function monthBounds(month: string): { start: string; end: string } {
  const { year, month: m } = parseMonth(month);
  return { start: `${month}-01`, end: `${month}-${p2(daysInMonth(year, m))}` };
}
