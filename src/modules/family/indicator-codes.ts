/**
 * Indicator codes comparator figures are loaded under. The first four are the built-in
 * indicators of src/modules/indicators (PHOF B12a, B12b, B12c and ASB), so a family
 * average here is a benchmark there; the rest are the Met's major crime categories, kept
 * for family comparisons of their own (the Audit Commission's "robberies rose in 65% of
 * partnerships against their family"). Any other code may be loaded too.
 */
import type { Polarity } from '../analysis/stats/compare.ts';

export type KnownIndicator = {
  code: string;
  label: string;
  /** Rate = numerator / denominator × multiplier. */
  multiplier: number;
  polarity: Polarity;
};

export const KNOWN_INDICATORS: readonly KnownIndicator[] = [
  { code: 'B12a', label: 'Violence: hospital admissions per 100,000', multiplier: 100_000, polarity: 'low-is-good' },
  { code: 'B12b', label: 'Violence offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'B12c', label: 'Sexual offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'ASB', label: 'Anti-social behaviour incidents per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'ROBBERY', label: 'Robbery offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'BURGLARY', label: 'Burglary offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'WEAPONS', label: 'Possession of weapons offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'DRUGS', label: 'Drug offences per 1,000', multiplier: 1000, polarity: 'none' },
  { code: 'PUBLIC-ORDER', label: 'Public order offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'ARSON-DAMAGE', label: 'Arson and criminal damage per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'THEFT', label: 'Theft offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
  { code: 'VEHICLE', label: 'Vehicle offences per 1,000', multiplier: 1000, polarity: 'low-is-good' },
];

/** The multipliers a figures file may give: per 1, 100, 1,000, 10,000 or 100,000. */
export const ALLOWED_MULTIPLIERS: readonly number[] = [1, 100, 1000, 10_000, 100_000];

/** A code other than the known ones is rated per 1,000 unless the file says otherwise. */
export const DEFAULT_MULTIPLIER = 1000;

/** Case-insensitive, so "b12b" in a file is the built-in B12b. */
const BY_CODE = new Map(KNOWN_INDICATORS.map((i) => [i.code.toLowerCase(), i]));

export const INDICATOR_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export function knownIndicator(code: string): KnownIndicator | undefined {
  return BY_CODE.get(code.toLowerCase());
}

/** The stored spelling of a code: a known code as Lantern writes it, another as given. */
export function canonicalIndicatorCode(code: string): string {
  return knownIndicator(code)?.code ?? code;
}

export function indicatorLabel(code: string, multiplier: number): string {
  return knownIndicator(code)?.label ?? `${code} per ${multiplier.toLocaleString('en-GB')}`;
}

export function indicatorPolarity(code: string): Polarity {
  return knownIndicator(code)?.polarity ?? 'none';
}

/** Known codes first in their listed order, then others alphabetically. */
export function compareIndicatorCodes(a: string, b: string): number {
  const ia = KNOWN_INDICATORS.findIndex((i) => i.code === a);
  const ib = KNOWN_INDICATORS.findIndex((i) => i.code === b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
