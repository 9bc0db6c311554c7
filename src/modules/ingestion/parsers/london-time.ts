/**
 * Local (Europe/London) wall-clock times in feeds → correct UTC instants, without Intl
 * (slow per row) or a timezone library. UK rules since 1996: British Summer Time runs from
 * 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.
 */

export type LocalDateTime = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

const HOUR = 3_600_000;

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function lastSundayUtc(year: number, monthIndex: number): number {
  const lastDay = new Date(Date.UTC(year, monthIndex + 1, 0));
  return Date.UTC(year, monthIndex, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

const bstCache = new Map<number, readonly [number, number]>();

function bstWindow(year: number): readonly [number, number] {
  let window = bstCache.get(year);
  if (!window) {
    window = [lastSundayUtc(year, 2), lastSundayUtc(year, 9)] as const;
    bstCache.set(year, window);
  }
  return window;
}

export function isBritishSummerTime(utcMs: number): boolean {
  const [start, end] = bstWindow(new Date(utcMs).getUTCFullYear());
  return utcMs >= start && utcMs < end;
}

/**
 * The instant a London wall-clock time denotes. The hour skipped in spring (01:xx on the
 * last Sunday of March) is read as GMT, i.e. one hour later on the BST clock; the hour
 * repeated in autumn is read as its first (BST) occurrence.
 */
export function londonLocalToUtc(t: LocalDateTime): Date {
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const ifSummer = asUtc - HOUR;
  return new Date(isBritishSummerTime(ifSummer) ? ifSummer : asUtc);
}

export function londonParts(instant: Date): LocalDateTime {
  const ms = instant.getTime();
  const local = new Date(isBritishSummerTime(ms) ? ms + HOUR : ms);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

export function formatMonth(year: number, month: number): string {
  return `${year}-${pad2(month)}`;
}

export function formatDate(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** 'YYYY-MM' of the current month in London. */
export function londonMonthOf(instant: Date): string {
  const p = londonParts(instant);
  return formatMonth(p.year, p.month);
}

/** 'YYYY-MM-DD' of the current day in London. */
export function londonDateOf(instant: Date): string {
  const p = londonParts(instant);
  return formatDate(p.year, p.month, p.day);
}

// --- reading dates and times from cells ----------------------------------------------

/** How to read day and month in a date written with slashes ("03/04/2024"); ISO dates are always accepted unless 'iso' only. */
export type DateOrder = 'iso' | 'dmy' | 'mdy';

export type ParsedDateTime =
  | { ok: true; value: LocalDateTime; hasTime: boolean }
  | { ok: false; reason: 'format' | 'date' | 'time' };

const ISO_DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?$/;
const SLASH_DATE_TIME =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?[Mm]\.?)?)?$/;
const TIME_ONLY = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:\s*([AaPp])\.?[Mm]\.?)?$/;

/**
 * Reads 'YYYY-MM-DD[ HH:MM[:SS]]', 'YYYY-MM-DDTHH:MM[:SS]', and (unless order is 'iso')
 * 'DD/MM/YYYY[ HH:MM[:SS][ am/pm]]' (or MM/DD/YYYY for 'mdy'; '-' and '.' also separate).
 */
export function parseLocalDateTime(text: string, order: DateOrder = 'dmy'): ParsedDateTime {
  let y: number, mo: number, d: number;
  let h = 0,
    mi = 0,
    s = 0;
  let hasTime = false;
  let m = ISO_DATE_TIME.exec(text);
  if (m) {
    y = +m[1]!;
    mo = +m[2]!;
    d = +m[3]!;
    if (m[4] !== undefined) {
      hasTime = true;
      h = +m[4];
      mi = +m[5]!;
      s = m[6] !== undefined ? +m[6] : 0;
    }
  } else if (order !== 'iso' && (m = SLASH_DATE_TIME.exec(text))) {
    d = order === 'mdy' ? +m[2]! : +m[1]!;
    mo = order === 'mdy' ? +m[1]! : +m[2]!;
    y = +m[3]!;
    if (m[4] !== undefined) {
      hasTime = true;
      h = +m[4];
      mi = +m[5]!;
      s = m[6] !== undefined ? +m[6] : 0;
      if (m[7] !== undefined) {
        if (h < 1 || h > 12) return { ok: false, reason: 'time' };
        h = (h % 12) + (m[7] === 'p' || m[7] === 'P' ? 12 : 0);
      }
    }
  } else {
    return { ok: false, reason: 'format' };
  }
  if (!isRealDate(y, mo, d)) return { ok: false, reason: 'date' };
  if (h > 23 || mi > 59 || s > 59) return { ok: false, reason: 'time' };
  return { ok: true, value: { year: y, month: mo, day: d, hour: h, minute: mi, second: s }, hasTime };
}

/** 'HH:MM[:SS][ am/pm]' → hour, minute and second, or null. */
export function parseTimeOfDay(text: string): { hour: number; minute: number; second: number } | null {
  const m = TIME_ONLY.exec(text);
  if (!m) return null;
  let h = +m[1]!;
  const mi = +m[2]!;
  const s = m[3] !== undefined ? +m[3] : 0;
  if (m[4] !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (m[4] === 'p' || m[4] === 'P' ? 12 : 0);
  }
  if (h > 23 || mi > 59 || s > 59) return null;
  return { hour: h, minute: mi, second: s };
}
