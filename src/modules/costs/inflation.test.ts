import { describe, expect, it } from 'vitest';
import { inflationFactor, inTodaysPrices } from './inflation.ts';

describe('prices', () => {
  it('is the ratio of the two index values', () => {
    // Hand-worked: an index of 80 in 2015-16 and 100 now is a rise of a quarter.
    expect(inflationFactor({ base: 80, current: 100, currentLabel: '2024-25', source: 'test' })).toBe(1.25);
    expect(inTodaysPrices(14_050, 1.25)).toBe(17_562.5);
  });

  it('gives no today\'s price without an index, rather than a made-up one', () => {
    expect(inflationFactor(null)).toBeNull();
    expect(inTodaysPrices(14_050, null)).toBeNull();
    expect(inTodaysPrices(null, 1.25)).toBeNull();
  });

  it('refuses index values of zero or less', () => {
    expect(() => inflationFactor({ base: 0, current: 100, currentLabel: 'x', source: 'test' })).toThrow(RangeError);
  });
});
