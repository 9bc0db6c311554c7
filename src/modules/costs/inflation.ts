/**
 * Prices: the unit costs are in 2015/16 prices; "today's prices" multiply them by the ratio
 * of two values of an index, as HM Treasury's GDP deflator series is meant to be used
 * (value for the year wanted ÷ value for 2015-16).
 *
 * No default index ships with Lantern: the deflator values could not be read in any stored
 * copy of an HM Treasury release, and an invented default would put a false figure beside
 * every cost. Until a partnership enters the two values, costs are shown in 2015/16 prices
 * only and "today's prices" say what is missing.
 */

export const DEFAULT_INDEX_SOURCE = 'HM Treasury, GDP deflators at market prices, and money GDP (latest release, financial years)';

export type InflationIndex = {
  /** Index value for 2015-16, the unit costs' price base. */
  base: number;
  /** Index value for the year to show costs in. */
  current: number;
  /** That year, as the release names it, e.g. "2024-25". */
  currentLabel: string;
  source: string;
};

/** The multiplier from 2015/16 prices to the index's year, or null without an index. */
export function inflationFactor(index: InflationIndex | null): number | null {
  if (!index) return null;
  if (!(index.base > 0) || !(index.current > 0)) throw new RangeError('Index values must be greater than zero');
  return index.current / index.base;
}

/** A 2015/16 amount in the index's year's prices, or null without an index (or amount). */
export function inTodaysPrices(amount: number | null, factor: number | null): number | null {
  return amount === null || factor === null ? null : amount * factor;
}
