/**
 * Turns analysis results into the map island's GeoJSON: every feature carries its fill
 * colour, label and link, chosen here, so the legend on the page (drawn from the same
 * classes) and the map always agree.
 */
import type { AreaGeometry } from '../geography/area.types.ts';
import type { GiStarClass } from './hotspots/gi-star.ts';

export type LegendEntry = { key: string; label: string; colour: string };
export type Feature = {
  type: 'Feature';
  geometry: AreaGeometry;
  properties: { fill: string | null; outline: string | null; label: string; href: string | null; selected?: boolean };
};

/** Sequential blues (ColorBrewer), light to dark; the darkest text-safe against white. */
export const SEQUENTIAL = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] as const;

export const GI_COLOURS: Record<GiStarClass, string | null> = {
  'hot-99': '#b2182b', 'hot-95': '#ef8a62', 'hot-90': '#fddbc7',
  none: null,
  'cold-90': '#d1e5f0', 'cold-95': '#67a9cf', 'cold-99': '#2166ac',
};

export const GI_LABELS: Record<GiStarClass, string> = {
  'hot-99': 'Hot spot, 99% confidence', 'hot-95': 'Hot spot, 95% confidence', 'hot-90': 'Hot spot, 90% confidence',
  none: 'Not significant',
  'cold-90': 'Cold spot, 90% confidence', 'cold-95': 'Cold spot, 95% confidence', 'cold-99': 'Cold spot, 99% confidence',
};

/** Emerging hot spot patterns: hot in reds and oranges, cold in blues, strongest darkest. */
export const EMERGING_COLOURS: Record<string, string> = {
  'hot:intensifying': '#67001f', 'hot:persistent': '#b2182b', 'hot:new': '#d6604d', 'hot:consecutive': '#f4a582',
  'hot:diminishing': '#e08214', 'hot:sporadic': '#fdb863', 'hot:oscillating': '#fee0b6', 'hot:historical': '#bf812d',
  'cold:intensifying': '#053061', 'cold:persistent': '#2166ac', 'cold:new': '#4393c3', 'cold:consecutive': '#92c5de',
  'cold:diminishing': '#5aae61', 'cold:sporadic': '#a6dba0', 'cold:oscillating': '#d1e5f0', 'cold:historical': '#8073ac',
};

export const GI_ORDER: GiStarClass[] = ['hot-99', 'hot-95', 'hot-90', 'none', 'cold-90', 'cold-95', 'cold-99'];

/**
 * Class breaks at quantiles of the non-zero values, so a few extreme cells do not wash out
 * the rest; duplicates collapse when values are few.
 */
export function quantileBreaks(values: readonly number[], classes = SEQUENTIAL.length): number[] {
  const sorted = values.filter((v) => v > 0 && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const breaks: number[] = [];
  for (let k = 1; k < classes; k++) breaks.push(sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / classes))]!);
  return [...new Set(breaks)];
}

/** Index into SEQUENTIAL for a value: 0 for below the first break. */
export function classOf(value: number, breaks: readonly number[]): number {
  let k = 0;
  while (k < breaks.length && value >= breaks[k]!) k++;
  return Math.min(k, SEQUENTIAL.length - 1);
}

export function sequentialLegend(breaks: readonly number[], format: (n: number) => string): LegendEntry[] {
  if (breaks.length === 0) return [];
  const entries: LegendEntry[] = [{ key: 'c0', label: `Under ${format(breaks[0]!)}`, colour: SEQUENTIAL[0] }];
  for (let k = 0; k < breaks.length; k++) {
    const upper = breaks[k + 1];
    entries.push({ key: `c${k + 1}`, label: upper === undefined ? `${format(breaks[k]!)} or more` : `${format(breaks[k]!)} to under ${format(upper)}`, colour: SEQUENTIAL[k + 1]! });
  }
  return entries;
}
