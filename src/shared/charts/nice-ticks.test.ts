import { describe, expect, it } from 'vitest';
import { niceTicks, tickDecimals } from './nice-ticks.ts';

describe('niceTicks', () => {
  it.each([
    // [min, max, expected] worked by hand: step = nice(nice(range) / 4), rounded to 1, 2 or 5 × 10^k
    [0, 7, [0, 2, 4, 6, 8]],
    [0, 1234, [0, 500, 1000, 1500]],
    [0, 100, [0, 20, 40, 60, 80, 100]],
    [0, 40, [0, 10, 20, 30, 40]],
    [0, 0.73, [0, 0.2, 0.4, 0.6, 0.8]],
    [0, 19.2, [0, 5, 10, 15, 20]],
    [-3, 7, [-4, -2, 0, 2, 4, 6, 8]],
    [0.3, 0.9, [0.2, 0.4, 0.6, 0.8, 1]],
  ])('%s to %s gives %j', (min, max, expected) => {
    expect(niceTicks(min, max)).toEqual(expected);
  });

  it('encloses the range and steps evenly', () => {
    for (const [min, max] of [[0, 1], [0, 3.7], [12, 987], [-250, 40], [0, 123456]] as const) {
      const ticks = niceTicks(min, max);
      expect(ticks[0]).toBeLessThanOrEqual(min);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max);
      const step = ticks[1]! - ticks[0]!;
      const mantissa = step / 10 ** Math.floor(Math.log10(step));
      expect([1, 2, 5]).toContainEqual(Number(mantissa.toFixed(6)));
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(8);
    }
  });

  it('gives a usable axis for a flat series', () => {
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5, 5)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(niceTicks(-5, -5)).toEqual([-5, -4, -3, -2, -1, 0]);
  });

  it('never returns negative zero', () => {
    expect(Object.is(niceTicks(-3, 7)[2], 0)).toBe(true);
  });

  it('refuses a non-finite range', () => {
    expect(() => niceTicks(0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => niceTicks(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('tickDecimals', () => {
  it('prints each tick exactly and no more', () => {
    expect(tickDecimals([0, 500, 1000])).toBe(0);
    expect(tickDecimals([0, 0.2, 0.4])).toBe(1);
    expect(tickDecimals([0, 0.05, 0.1])).toBe(2);
    expect(tickDecimals([0])).toBe(0);
  });
});
