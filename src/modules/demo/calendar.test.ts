import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayOfWeek,
  formatDmyMinute,
  formatIsoMinute,
  londonOffsetMinutes,
  monthBounds,
  monthRange,
  utcToWallClock,
  wallClockToUtc,
} from './calendar.ts';

describe('calendar', () => {
  it('lists months across a year end, oldest first', () => {
    expect(monthRange('2025-02', 4)).toEqual(['2024-11', '2024-12', '2025-01', '2025-02']);
    expect(monthRange('2025-05', 24)).toHaveLength(24);
    expect(() => monthRange('2025-13', 2)).toThrow();
  });

  it('knows month lengths and weekdays without the host time zone', () => {
    expect(monthBounds('2024-02')).toEqual({ start: '2024-02-01', end: '2024-02-29' });
    expect(monthBounds('2023-02').end).toBe('2023-02-28');
    expect(dayOfWeek(2024, 6, 7)).toBe(5); // a Friday
    expect(addDays({ year: 2024, month: 12, day: 31, hour: 23, minute: 5 }, 1)).toEqual({ year: 2025, month: 1, day: 1, hour: 23, minute: 5 });
  });

  it('applies UK summer time: the skipped hour does not exist, the repeated hour is taken as BST', () => {
    expect(londonOffsetMinutes(Date.UTC(2024, 0, 15))).toBe(0);
    expect(londonOffsetMinutes(Date.UTC(2024, 6, 15))).toBe(60);
    expect(wallClockToUtc({ year: 2024, month: 3, day: 31, hour: 1, minute: 30 })).toBeNull();
    expect(wallClockToUtc({ year: 2024, month: 3, day: 31, hour: 2, minute: 30 })).toBe(Date.UTC(2024, 2, 31, 1, 30));
    expect(wallClockToUtc({ year: 2024, month: 10, day: 27, hour: 1, minute: 30 })).toBe(Date.UTC(2024, 9, 27, 0, 30));
    expect(wallClockToUtc({ year: 2024, month: 7, day: 1, hour: 12, minute: 0 })).toBe(Date.UTC(2024, 6, 1, 11, 0));
    const w = utcToWallClock(Date.UTC(2024, 6, 1, 23, 30));
    expect(formatIsoMinute(w)).toBe('2024-07-02 00:30');
    expect(formatDmyMinute(w)).toBe('02/07/2024 00:30');
  });
});
