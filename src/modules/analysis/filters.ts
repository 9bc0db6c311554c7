/**
 * The analysis workspace's filters. Every view reads the same filters from the URL's
 * query string and writes them back into its links, so that any view can be bookmarked
 * and sent: `?from=2024-01&to=2024-12&source=police-uk&category=violence&area=ward:E05000001&day=5&day=6&hour=22`.
 */
import { z } from 'zod';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A query-string value that may be repeated (`?source=a&source=b`) or comma-separated. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((value) => {
    if (value === undefined || value === null || value === '') return [];
    const values = Array.isArray(value) ? value : [value];
    return values.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }, z.array(item).max(200));

export const AREA_LEVELS = ['lad', 'ward', 'lsoa21', 'lsoa11', 'msoa21', 'neighbourhood'] as const;
export type AreaLevel = (typeof AREA_LEVELS)[number];

export const ZAnalysisFiltersSchema = z.object({
  from: z.string().regex(MONTH, 'Enter the first month as YYYY-MM, for example 2024-01').optional()
    .describe('First month, YYYY-MM (default: twelve months to the latest month with data)'),
  to: z.string().regex(MONTH, 'Enter the last month as YYYY-MM, for example 2024-12').optional()
    .describe('Last month, YYYY-MM, inclusive (default: the latest month with data)'),
  source: list(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'Source must be a source slug')).describe('Source slugs; none means every source'),
  category: list(z.string().max(80)).describe('Partnership taxonomy category codes; none means every category'),
  sourceCategory: list(z.string().max(200)).describe("A source's own categories, such as the police.uk crime type"),
  area: list(z.string().regex(/^(lad|ward|lsoa21|lsoa11|msoa21|neighbourhood):[A-Za-z0-9_-]{1,40}$/, 'Area must be type:code, for example ward:E05000001'))
    .describe('Areas as type:code (lad, ward, lsoa21, lsoa11, msoa21, neighbourhood); incidents in any of them'),
  day: list(z.coerce.number().int().min(1).max(7)).describe('Days of the week, 1 = Monday ... 7 = Sunday (sources with times only)'),
  hour: list(z.coerce.number().int().min(0).max(23)).describe('Hours of the day 0-23, Europe/London (sources with times only)'),
});

export type TAnalysisFiltersInput = z.input<typeof ZAnalysisFiltersSchema>;
export type TAnalysisFilters = z.output<typeof ZAnalysisFiltersSchema>;

/** Filters with the period resolved: what every query runs on. */
export type ResolvedFilters = Omit<TAnalysisFilters, 'from' | 'to'> & { from: string; to: string };

export function parseFilters(query: unknown): TAnalysisFilters {
  return ZAnalysisFiltersSchema.parse(query ?? {});
}

/** Adds months to a YYYY-MM month. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from; m <= to && months.length < 600; m = addMonths(m, 1)) months.push(m);
  return months;
}

/**
 * Fills in the period: the twelve months to the latest month with data unless given.
 * A reversed period is swapped rather than refused, as users type them either way round.
 */
export function resolvePeriod(filters: TAnalysisFilters, latestMonth: string | null): ResolvedFilters {
  const fallback = latestMonth ?? new Date().toISOString().slice(0, 7);
  let to = filters.to ?? (filters.from ? addMonths(filters.from, 11) : fallback);
  let from = filters.from ?? addMonths(to, -11);
  if (from > to) [from, to] = [to, from];
  if (monthsBetween(from, to).length >= 600) from = addMonths(to, -599);
  return { ...filters, from, to };
}

/** The same filters a year earlier, for year-on-year comparison. */
export function yearEarlier(filters: ResolvedFilters): ResolvedFilters {
  return { ...filters, from: addMonths(filters.from, -12), to: addMonths(filters.to, -12) };
}

/** Whether the filters restrict times, which only sources recording a time can answer. */
export function hasTimeFilter(filters: TAnalysisFilters): boolean {
  return filters.day.length > 0 || filters.hour.length > 0;
}

/**
 * The query string for these filters with some replaced, for links between views. Empty
 * lists are left out, so URLs stay short and the defaults stay defaults.
 */
export function filterQuery(filters: Partial<TAnalysisFilters>, extra: Record<string, string | number | undefined | null> = {}): string {
  const params = new URLSearchParams();
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  for (const key of ['source', 'category', 'sourceCategory', 'area', 'day', 'hour'] as const) {
    for (const value of filters[key] ?? []) params.append(key, String(value));
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
