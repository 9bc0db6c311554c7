import { describe, expect, it } from 'vitest';
import { scorePriorities, shareScore, trendScore } from './priorities.ts';
import type { Change } from '../analysis/overview.service.ts';

const change = (value: number, significant: boolean): Change => ({ change: value, lower: value - 0.05, upper: value + 0.05, pValue: significant ? 0.001 : 0.4, significant, verdict: 'test' });

describe('priority scores', () => {
  it('scores shares on the stated thresholds', () => {
    expect([0.25, 0.2, 0.19, 0.1, 0.05, 0.049, 0.02, 0.019, 0].map(shareScore)).toEqual([5, 5, 4, 4, 3, 2, 2, 1, 1]);
  });

  it('scores only changes unlikely to be chance', () => {
    expect(trendScore(null)).toBe(3);
    expect(trendScore(change(0.3, false))).toBe(3);
    expect(trendScore(change(0.1, true))).toBe(5);
    expect(trendScore(change(0.04, true))).toBe(4);
    expect(trendScore(change(-0.04, true))).toBe(2);
    expect(trendScore(change(-0.1, true))).toBe(1);
  });

  it('adds the four scores, ranks, and recommends the top three with incidents', () => {
    // Shares: violence 40/100, asb 30/100, theft 15/100, robbery 10/100, drugs 5/100.
    // Costed harm: violence 400k of 500k (80%), theft 50k (10%), robbery 50k (10%); ASB and drugs uncosted.
    const scored = scorePriorities([
      { category: 'violence', label: 'Violence', count: 40, change: change(0.12, true), cost: 400_000, concern: 4 },
      { category: 'asb', label: 'ASB', count: 30, change: change(-0.2, true), cost: null, concern: 5 },
      { category: 'theft', label: 'Theft', count: 15, change: null, cost: 50_000, concern: undefined },
      { category: 'robbery', label: 'Robbery', count: 10, change: change(0.02, false), cost: 50_000, concern: 2 },
      { category: 'drugs', label: 'Drugs', count: 5, change: null, cost: null, concern: 0 },
    ]);
    const byCategory = Object.fromEntries(scored.map((s) => [s.category, [s.volume, s.trend, s.harm, s.concern, s.total]]));
    expect(byCategory).toEqual({
      violence: [5, 5, 5, 4, 19],
      asb: [5, 1, 1, 5, 12],
      theft: [4, 3, 4, 3, 14],
      robbery: [4, 3, 4, 2, 13],
      drugs: [3, 3, 1, 0, 7],
    });
    expect(scored.map((s) => s.category)).toEqual(['violence', 'theft', 'robbery', 'asb', 'drugs']);
    expect(scored.filter((s) => s.recommended).map((s) => s.category)).toEqual(['violence', 'theft', 'robbery']);
    expect(scored.find((s) => s.category === 'theft')!.reasons.concern).toBe('not entered; counted as 3 of 5');
    expect(scored.find((s) => s.category === 'asb')!.reasons.harm).toBe('no Home Office unit cost for this category');
  });
});
