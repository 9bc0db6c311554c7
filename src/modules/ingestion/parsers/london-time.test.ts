import { describe, it, expect } from 'vitest';
import {
  daysInMonth,
  isBritishSummerTime,
  isRealDate,
  londonLocalToUtc,
  londonMonthOf,
  londonParts,
  parseLocalDateTime,
  parseTimeOfDay,
  type LocalDateTime,
} from './london-time.ts';

const at = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0): LocalDateTime => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

const LONDON_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** What the platform's time-zone database says the London wall clock shows at an instant. */
function intlLondon(instant: Date): string {
  return LONDON_CLOCK.format(instant);
}

describe('calendar', () => {
  it('knows real dates and leap years', () => {
    expect(isRealDate(2023, 2, 28)).toBe(true);
    expect(isRealDate(2023, 2, 29)).toBe(false);
    expect(isRealDate(2024, 2, 29)).toBe(true);
    expect(isRealDate(1900, 2, 29)).toBe(false);
    expect(isRealDate(2000, 2, 29)).toBe(true);
    expect(isRealDate(2023, 13, 1)).toBe(false);
    expect(isRealDate(2023, 4, 31)).toBe(false);
    expect(daysInMonth(2023, 12)).toBe(31);
  });
});

describe('Europe/London', () => {
  it('reads winter times as GMT and summer times as BST', () => {
    expect(londonLocalToUtc(at(2024, 1, 15, 12, 0)).toISOString()).toBe('2024-01-15T12:00:00.000Z');
    expect(londonLocalToUtc(at(2024, 7, 1, 23, 15)).toISOString()).toBe('2024-07-01T22:15:00.000Z');
  });

  it('handles the spring and autumn changes', () => {
    // 2024: BST from 31 March 01:00 UTC to 27 October 01:00 UTC.
    expect(londonLocalToUtc(at(2024, 3, 31, 0, 30)).toISOString()).toBe('2024-03-31T00:30:00.000Z');
    expect(londonLocalToUtc(at(2024, 3, 31, 2, 30)).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    // 01:30 does not exist that night: read as GMT (02:30 BST).
    expect(londonLocalToUtc(at(2024, 3, 31, 1, 30)).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    // 01:30 happens twice in October: the first (BST) one.
    expect(londonLocalToUtc(at(2024, 10, 27, 1, 30)).toISOString()).toBe('2024-10-27T00:30:00.000Z');
    expect(londonLocalToUtc(at(2024, 10, 27, 2, 30)).toISOString()).toBe('2024-10-27T02:30:00.000Z');
  });

  it('agrees with the time-zone database every hour of three years', () => {
    const start = Date.UTC(2023, 0, 1);
    for (let ms = start; ms < Date.UTC(2026, 0, 1); ms += 3_600_000) {
      const instant = new Date(ms);
      const p = londonParts(instant);
      const mine = `${String(p.day).padStart(2, '0')}/${String(p.month).padStart(2, '0')}/${p.year}, ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
      expect(mine).toBe(intlLondon(instant));
      if (!(p.month === 10 && p.hour === 1 && !isBritishSummerTime(ms))) {
        // Round trip, except the second 01:xx in October, which maps to the first.
        expect(londonLocalToUtc(p).getTime()).toBe(ms);
      }
    }
  });

  it('gives the current month in London', () => {
    expect(londonMonthOf(new Date('2024-05-31T23:30:00Z'))).toBe('2024-06');
    expect(londonMonthOf(new Date('2024-12-31T23:30:00Z'))).toBe('2024-12');
  });
});

describe('parseLocalDateTime', () => {
  it('reads the ISTV forms', () => {
    expect(parseLocalDateTime('2024-03-12 23:05')).toEqual({ ok: true, value: at(2024, 3, 12, 23, 5), hasTime: true });
    expect(parseLocalDateTime('2024-03-12T23:05')).toEqual({ ok: true, value: at(2024, 3, 12, 23, 5), hasTime: true });
    expect(parseLocalDateTime('2024-03-12T23:05:09')).toEqual({ ok: true, value: at(2024, 3, 12, 23, 5, 9), hasTime: true });
    expect(parseLocalDateTime('12/03/2024 23:05')).toEqual({ ok: true, value: at(2024, 3, 12, 23, 5), hasTime: true });
  });

  it('reads dates without times, month-first dates and am/pm', () => {
    expect(parseLocalDateTime('2024-03-12')).toEqual({ ok: true, value: at(2024, 3, 12), hasTime: false });
    expect(parseLocalDateTime('03/12/2024', 'mdy')).toEqual({ ok: true, value: at(2024, 3, 12), hasTime: false });
    expect(parseLocalDateTime('12/03/2024 11:05 pm')).toEqual({ ok: true, value: at(2024, 3, 12, 23, 5), hasTime: true });
    expect(parseLocalDateTime('12/03/2024 12:05 AM')).toEqual({ ok: true, value: at(2024, 3, 12, 0, 5), hasTime: true });
  });

  it('says why a value is refused', () => {
    expect(parseLocalDateTime('2023-02-30 10:00')).toEqual({ ok: false, reason: 'date' });
    expect(parseLocalDateTime('2023-13-01')).toEqual({ ok: false, reason: 'date' });
    expect(parseLocalDateTime('2023-02-10 24:00')).toEqual({ ok: false, reason: 'time' });
    expect(parseLocalDateTime('12/03/2024', 'iso')).toEqual({ ok: false, reason: 'format' });
    expect(parseLocalDateTime('last Tuesday')).toEqual({ ok: false, reason: 'format' });
    expect(parseLocalDateTime('12/03/24')).toEqual({ ok: false, reason: 'format' });
  });
});

describe('parseTimeOfDay', () => {
  it('reads 24-hour and am/pm times', () => {
    expect(parseTimeOfDay('23:15')).toEqual({ hour: 23, minute: 15, second: 0 });
    expect(parseTimeOfDay('9:05:30')).toEqual({ hour: 9, minute: 5, second: 30 });
    expect(parseTimeOfDay('9:05 p.m.')).toEqual({ hour: 21, minute: 5, second: 0 });
    expect(parseTimeOfDay('25:00')).toBeNull();
    expect(parseTimeOfDay('13:00 pm')).toBeNull();
    expect(parseTimeOfDay('noon')).toBeNull();
  });
});
