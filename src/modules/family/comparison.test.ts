import { describe, expect, it } from 'vitest';
import { changeOverLast, compareIndicator, familyAverageOf, rankAmong, spreadOf, tCritical, type FamilyFigure, type OwnFigure } from './comparison.ts';
import { quantile } from '../analysis/stats/quantile.ts';
import { periodKey } from './period.ts';

const year = (y: number) => ({ from: `${y}-01`, to: `${y}-12` });
const fig = (areaCode: string, y: number, numerator: number, denominator = 1000): FamilyFigure => ({ areaCode, indicator: 'B12b', period: year(y), numerator, denominator, multiplier: 1000 });
const members = ['A', 'B', 'C', 'D'].map((code) => ({ code, name: `Place ${code}` }));

describe('family statistics', () => {
  it('takes quartiles by linear interpolation (type 7)', () => {
    expect(quantile([10, 20, 30, 40], 0.25)).toBe(17.5);
    expect(quantile([10, 20, 30, 40], 0.5)).toBe(25);
    expect(quantile([10, 20, 30, 40], 0.75)).toBe(32.5);
    expect(spreadOf([40, 10, 30, 20])).toEqual({ min: 10, lowerQuartile: 17.5, median: 25, upperQuartile: 32.5, max: 40 });
    expect(spreadOf([])).toBeNull();
  });

  it('has Student\'s t critical values as tabulated', () => {
    expect(tCritical(1)).toBeCloseTo(12.7062, 3);
    expect(tCritical(3)).toBeCloseTo(3.1824, 3);
    expect(tCritical(9)).toBeCloseTo(2.2622, 3);
    expect(tCritical(30)).toBeCloseTo(2.0423, 3);
  });

  it('averages the members\' rates, each counting once, with a t interval over them', () => {
    // Mean 25; sample sd √(500/3) = 12.9099; half-width 3.18245 × 12.9099 / √4 = 20.5426.
    const avg = familyAverageOf([10, 20, 30, 40])!;
    expect(avg.value).toBe(25);
    expect(avg.members).toBe(4);
    expect(avg.lower).toBeCloseTo(25 - 20.5426, 3);
    expect(avg.upper).toBeCloseTo(25 + 20.5426, 3);
    expect(familyAverageOf([7])).toEqual({ value: 7, lower: null, upper: null, members: 1 });
    expect(familyAverageOf([])).toBeNull();
  });

  it('ranks from the lowest rate, ties sharing the better place', () => {
    expect(rankAmong(25, [10, 20, 30, 40])).toBe(3);
    expect(rankAmong(5, [10, 20])).toBe(1);
    expect(rankAmong(20, [10, 20, 20])).toBe(2);
  });
});

describe('one indicator against the family', () => {
  const figures = [
    fig('A', 2019, 10), fig('B', 2019, 20), fig('C', 2019, 30), fig('D', 2019, 40),
    fig('A', 2020, 12), fig('B', 2020, 18), fig('C', 2020, 30),
    fig('Z', 2020, 999), // not a member: ignored
  ];
  const own = new Map<string, OwnFigure>([
    [periodKey(year(2019)), { numerator: 25, denominator: 1000, source: 'loaded' }],
    [periodKey(year(2020)), { numerator: 30, denominator: 1000, source: 'loaded' }],
  ]);
  const base = { indicator: 'B12b', label: 'Violence offences per 1,000', multiplier: 1000, polarity: 'low-is-good' as const, members, figures, own, partnershipName: 'Kingsbridge' };

  it('gives the average, rank, spread and every member per period', () => {
    const result = compareIndicator({ ...base, suppression: { suppress: false, threshold: 5 } });
    expect(result.trend.map((p) => p.period.label)).toEqual(['2019', '2020']);
    const first = result.trend[0]!;
    expect(first.familyAverage!.value).toBe(25);
    expect(first.own!.rate).toBe(25);
    expect(first.rank).toBe(3);
    expect(first.rankedOf).toBe(5);
    expect(first.spread!.median).toBe(25);
    expect(first.comparison).toBe('similar');
    const latest = result.latest!;
    expect(latest.period.label).toBe('2020');
    expect(latest.members.map((m) => m.rate)).toEqual([12, 18, 30, null]);
    expect(latest.familyAverage!.value).toBe(20);
    expect(latest.rank).toBe(3);
  });

  it('says how the family moved between the last two periods', () => {
    const change = compareIndicator({ ...base, suppression: { suppress: false, threshold: 5 } }).change!;
    // A up (10 → 12), B down (20 → 18), C unchanged, D has no 2020 figure.
    expect([change.compared, change.up, change.down, change.unchanged]).toEqual([3, 1, 1, 1]);
    expect(change.shareUp).toBeCloseTo(1 / 3, 12);
    expect(change.ownChange).toBeCloseTo(0.2, 12);
    expect(change.familyAverageChange).toBeCloseTo(20 / 25 - 1, 12);
    expect(change.statement).toBe('Violence offences per 1,000 went up in 1 of the 3 family members with figures for both (33%; 95% interval 6% to 79%) between 2019 and 2020; the family average went down by 20%; in Kingsbridge it went up by 20%.');
    // Wilson's interval for 1 of 3, worked by hand: (2 + z²) / 2(3 + z²) ∓ z·√(z² + 4·(2/3)) / 2(3 + z²), z = 1.96.
    expect(change.shareUpInterval!.lower).toBeCloseTo(0.0615, 3);
    expect(change.shareUpInterval!.upper).toBeCloseTo(0.7923, 3);
  });

  it('withholds counts of 1 to 4 outside the analyst role, and leaves them out of the family statistics', () => {
    const small = [fig('A', 2021, 3, 1000), fig('B', 2021, 20), fig('C', 2021, 30)];
    const ownSmall = new Map<string, OwnFigure>([[periodKey(year(2021)), { numerator: 2, denominator: 1000, source: 'loaded' }]]);
    const shown = compareIndicator({ ...base, figures: small, own: ownSmall, suppression: { suppress: true, threshold: 5 } }).latest!;
    expect(shown.members[0]).toMatchObject({ code: 'A', numerator: null, rate: null, suppressed: true });
    expect(shown.withheld).toBe(1);
    expect(shown.familyAverage!.value).toBe(25);
    expect(shown.spread!.min).toBe(20);
    expect(shown.own).toMatchObject({ numerator: null, rate: null, suppressed: true });
    expect(shown.rank).toBeNull();
    const analyst = compareIndicator({ ...base, figures: small, own: ownSmall, suppression: { suppress: false, threshold: 5 } }).latest!;
    expect(analyst.familyAverage!.value).toBeCloseTo((3 + 20 + 30) / 3, 12);
    expect(analyst.own!.rate).toBe(2);
    expect(analyst.rank).toBe(1);
  });

  it('says better or worse only when the own interval lies wholly on one side of the family average', () => {
    const big = [fig('A', 2019, 1000, 100_000), fig('B', 2019, 1200, 100_000)];
    const worse = new Map<string, OwnFigure>([[periodKey(year(2019)), { numerator: 2000, denominator: 100_000, source: 'loaded' }]]);
    expect(compareIndicator({ ...base, figures: big, own: worse, suppression: { suppress: false, threshold: 5 } }).latest!.comparison).toBe('worse');
  });

  it('keeps a series to one kind of period', () => {
    const mixed = [...figures, { ...fig('A', 2019, 10), period: { from: '2019-04', to: '2020-03' } }];
    const result = compareIndicator({ ...base, figures: mixed, suppression: { suppress: false, threshold: 5 } });
    expect(result.periods).toHaveLength(3);
    expect(result.trend.map((p) => p.period.label)).toEqual(['2019', '2020']);
  });

  it('has no change with a single period', () => {
    expect(changeOverLast([], 'x', 'y')).toBeNull();
  });
});
