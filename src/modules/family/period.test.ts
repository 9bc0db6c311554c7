import { describe, expect, it } from 'vitest';
import { addMonths, monthsIn, parsePeriod, periodKind, periodLabel, toMonth } from './period.ts';

const ok = (text: string) => {
  const result = parsePeriod(text);
  if (!result.ok) throw new Error(result.reason);
  return result.period;
};
const reason = (text: string) => {
  const result = parsePeriod(text);
  if (result.ok) throw new Error(`${text} parsed`);
  return result.reason;
};

describe('comparator periods', () => {
  it('reads a calendar year as January to December', () => {
    expect(ok('2019')).toEqual({ from: '2019-01', to: '2019-12' });
    expect(ok(' 2021 ')).toEqual({ from: '2021-01', to: '2021-12' });
  });

  it('reads a financial year as April to March, however the second year is written', () => {
    expect(ok('2019/20')).toEqual({ from: '2019-04', to: '2020-03' });
    expect(ok('2019/2020')).toEqual({ from: '2019-04', to: '2020-03' });
    expect(ok('2019-20')).toEqual({ from: '2019-04', to: '2020-03' });
    expect(ok('1999/00')).toEqual({ from: '1999-04', to: '2000-03' });
  });

  it('reads a range of months, both ends included', () => {
    expect(ok('2019-01..2019-12')).toEqual({ from: '2019-01', to: '2019-12' });
    expect(ok('2023-06 .. 2025-05')).toEqual({ from: '2023-06', to: '2025-05' });
    expect(ok('2024-02..2024-02')).toEqual({ from: '2024-02', to: '2024-02' });
  });

  it('refuses what it cannot read, saying why', () => {
    expect(reason('2019/21')).toMatch(/not a financial year/);
    expect(reason('2019-03')).toMatch(/single month.*2019-03\.\.2019-03/);
    expect(reason('2019-13..2020-01')).toMatch(/month that is not 01 to 12/);
    expect(reason('2020-01..2019-12')).toMatch(/ends before it starts/);
    expect(reason('1850')).toMatch(/not between/);
    expect(reason('FY19')).toMatch(/not a period/);
    expect(reason('')).toMatch(/not a period/);
  });

  it('labels periods the way they are usually written', () => {
    expect(periodLabel({ from: '2019-01', to: '2019-12' })).toBe('2019');
    expect(periodLabel({ from: '2019-04', to: '2020-03' })).toBe('2019/20');
    expect(periodLabel({ from: '1999-04', to: '2000-03' })).toBe('1999/00');
    expect(periodLabel({ from: '2023-06', to: '2024-05' })).toBe('Jun 2023 to May 2024');
    expect(periodLabel({ from: '2024-02', to: '2024-02' })).toBe('Feb 2024');
  });

  it('tells the kinds of period apart, so a series never mixes them', () => {
    expect(periodKind({ from: '2019-01', to: '2019-12' })).toBe('calendar-year');
    expect(periodKind({ from: '2019-04', to: '2020-03' })).toBe('financial-year');
    expect(periodKind({ from: '2019-07', to: '2020-06' })).toBe('months-12-from-07');
    expect(periodKind({ from: '2019-07', to: '2019-09' })).toBe('months-3-from-07');
  });

  it('counts and moves months across year ends', () => {
    expect(monthsIn({ from: '2019-04', to: '2020-03' })).toBe(12);
    expect(addMonths('2019-11', 3)).toBe('2020-02');
    expect(addMonths('2020-01', -1)).toBe('2019-12');
    expect(toMonth('2019-04-01')).toBe('2019-04');
    expect(toMonth('2019-13')).toBeNull();
  });
});
