/**
 * Overview: counts and rates per 1,000 residents by area, category and source; the monthly
 * trend against the same months a year earlier; year-on-year change with an exact Poisson
 * rate-ratio test, so that "up 12%" says whether it could be chance.
 */
import type { Db } from '../../db/connection.ts';
import { rateInterval } from './stats/intervals.ts';
import { yearOnYear } from './stats/rate-ratio.ts';
import * as repo from './analysis.repository.ts';
import { addMonths, monthsBetween, yearEarlier, type AreaLevel } from './filters.ts';
import { missingMonths, showCounts, type Shown, type Workspace } from './workspace.ts';

export type Change = {
  /** Relative change, 0.12 = up 12%. */
  change: number;
  lower: number;
  upper: number;
  pValue: number;
  significant: boolean;
  /** Plain-English reading of the test, shown beside the figure. */
  verdict: string;
};

/** A source's or category's figures; the rate is per 1,000 residents of the partnership. */
export type BreakdownRow = { key: string; label: string; count: Shown; previous: Shown; rate: number | null; change: Change | null };

export type AreaRow = {
  id: number; type: string; code: string; name: string; count: Shown; population: number | null;
  rate: number | null; lower: number | null; upper: number | null; imdDecile: number | null;
};

export type Overview = {
  period: { from: string; to: string; previousFrom: string; previousTo: string };
  total: { count: Shown; previous: Shown; change: Change | null; rate: number | null; population: number | null };
  bySource: BreakdownRow[];
  byCategory: BreakdownRow[];
  byArea: { level: AreaLevel; rows: AreaRow[] };
  trend: Array<{ month: string; count: Shown; previous: Shown; previousMonth: string }>;
  missing: Array<{ source: string; months: string[] }>;
  previousComplete: boolean;
};

/** Year-on-year change, tested only when both counts are shown and the earlier period has data. */
export function describeChange(current: Shown, previous: Shown): Change | null {
  if (current === null || previous === null || previous === 0) return null;
  const result = yearOnYear(current, previous);
  const significant = result.pValue < 0.05;
  const direction = result.change >= 0 ? 'up' : 'down';
  const percent = `${Math.abs(result.change * 100).toFixed(0)}%`;
  const verdict = significant
    ? `${direction} ${percent}: unlikely to be chance (p = ${formatP(result.pValue)})`
    : `${direction} ${percent}: could be chance (p = ${formatP(result.pValue)})`;
  return { change: result.change, lower: result.lower - 1, upper: result.upper - 1, pValue: result.pValue, significant, verdict };
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

export const AREA_LEVEL_COLUMN: Record<AreaLevel, repo.CountDimension> = {
  lad: 'lad_id', ward: 'ward_id', lsoa21: 'lsoa21_id', lsoa11: 'lsoa11_id', msoa21: 'lsoa21_id', neighbourhood: 'lsoa11_id',
};

/**
 * Counts per area of one level. LADs, wards and LSOAs are stored on each incident; MSOAs
 * and neighbourhoods are summed from their LSOAs.
 */
export async function countByArea(db: Db, ws: Workspace, level: AreaLevel, scope = ws.scope): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (level === 'msoa21' || level === 'neighbourhood') {
    const [by11, by21] = await Promise.all([repo.countBy(db, scope, ['lsoa11_id']), repo.countBy(db, scope, ['lsoa21_id'])]);
    const c11 = new Map(by11.map((r) => [Number(r.lsoa11_id), r.n]));
    const c21 = new Map(by21.map((r) => [Number(r.lsoa21_id), r.n]));
    for (const area of ws.areas.filter((a) => a.type === level)) {
      // Prefer the vintage the area is defined with; an incident has both codes, so never add them.
      const n = area.lsoa21Ids.length
        ? area.lsoa21Ids.reduce((s, id) => s + (c21.get(id) ?? 0), 0)
        : area.lsoa11Ids.reduce((s, id) => s + (c11.get(id) ?? 0), 0);
      counts.set(area.id, n);
    }
    return counts;
  }
  const column = AREA_LEVEL_COLUMN[level];
  for (const row of await repo.countBy(db, scope, [column])) {
    if (row[column] !== null && row[column] !== undefined) counts.set(Number(row[column]), row.n);
  }
  return counts;
}

/** The areas of a level with their counts, rates per 1,000 residents and 95% intervals. */
export function areaRows(ws: Workspace, level: AreaLevel, counts: Map<number, number>): AreaRow[] {
  const areas = ws.areas.filter((a) => a.type === level);
  const shown = showCounts(ws, areas.map((a) => counts.get(a.id) ?? 0));
  return areas.map((area, i) => {
    const count = shown[i]!;
    const interval = count !== null && area.population ? rateInterval(count, area.population, 1000) : null;
    return {
      id: area.id, type: area.type, code: area.code, name: area.name, count, population: area.population,
      rate: interval?.rate ?? null, lower: interval?.lower ?? null, upper: interval?.upper ?? null, imdDecile: area.imd_decile,
    };
  });
}

/** The level areas are broken down by when the page does not say: the finest with people counted. */
export function defaultAreaLevel(ws: Workspace): AreaLevel {
  if (ws.areas.some((a) => a.type === 'ward' && a.population)) return 'ward';
  if (ws.areas.some((a) => a.type === 'lsoa11' && a.population)) return 'lsoa11';
  return 'lsoa21';
}

/** Residents of the partnership (its LADs, else its LSOAs), the denominator of its rates. */
export function partnershipPopulation(ws: Workspace): number | null {
  const lads = ws.areas.filter((a) => a.type === 'lad' && a.population);
  if (lads.length) return lads.reduce((s, a) => s + a.population!, 0);
  for (const type of ['lsoa11', 'lsoa21'] as const) {
    const lsoas = ws.areas.filter((a) => a.type === type && a.population);
    if (lsoas.length) return lsoas.reduce((s, a) => s + a.population!, 0);
  }
  return null;
}

export async function getOverview(db: Db, ws: Workspace, level: AreaLevel = defaultAreaLevel(ws)): Promise<Overview> {
  const previousFilters = yearEarlier(ws.filters);
  const previousScope = { ...ws.scope, from: previousFilters.from, to: previousFilters.to };
  // One query over both years: the trend needs every month of each.
  const trendScope = { ...ws.scope, from: previousFilters.from };
  const [byMonthSource, byCategory, areaCounts, missing, previousMissing] = await Promise.all([
    repo.countBy(db, trendScope, ['month', 'source_id']),
    repo.countBy(db, trendScope, ['month', 'category']),
    countByArea(db, ws, level),
    missingMonths(db, ws),
    missingMonths(db, ws, previousFilters.from, previousFilters.to),
  ]);
  const inCurrent = (month: unknown) => String(month) >= ws.filters.from;
  const sum = (rows: repo.CountRow[], match: (r: repo.CountRow) => boolean) => rows.reduce((s, r) => (match(r) ? s + r.n : s), 0);

  // A source missing months a year earlier would make any change look like a rise.
  const previousIncomplete = new Set(previousMissing.map((m) => m.source));
  const previousComplete = previousIncomplete.size === 0;

  const current = sum(byMonthSource, (r) => inCurrent(r.month));
  const previous = sum(byMonthSource, (r) => !inCurrent(r.month));
  const totalShown = showCounts(ws, [current])[0]!;
  const previousShown = showCounts(ws, [previous])[0]!;
  const population = partnershipPopulation(ws);

  const sourceRows = ws.selectedSources.map((s) => ({
    key: s.slug, label: s.name,
    current: sum(byMonthSource, (r) => r.source_id === s.id && inCurrent(r.month)),
    previous: sum(byMonthSource, (r) => r.source_id === s.id && !inCurrent(r.month)),
    complete: !previousIncomplete.has(s.name),
  }));
  const categoryRows = ws.categories.map((c) => ({
    key: c.code, label: c.label,
    current: sum(byCategory, (r) => r.category === c.code && inCurrent(r.month)),
    previous: sum(byCategory, (r) => r.category === c.code && !inCurrent(r.month)),
    complete: previousComplete,
  })).filter((r) => r.current > 0 || r.previous > 0);

  const breakdown = (rows: typeof sourceRows): BreakdownRow[] => {
    const shownNow = showCounts(ws, rows.map((r) => r.current));
    const shownBefore = showCounts(ws, rows.map((r) => r.previous));
    return rows.map((r, i) => ({
      key: r.key, label: r.label, count: shownNow[i]!, previous: shownBefore[i]!,
      rate: shownNow[i] !== null && population ? (shownNow[i]! / population) * 1000 : null,
      change: r.complete ? describeChange(shownNow[i]!, shownBefore[i]!) : null,
    }));
  };

  const months = monthsBetween(ws.filters.from, ws.filters.to);
  const monthTotals = (month: string) => sum(byMonthSource, (r) => r.month === month);
  const trendNow = showCounts(ws, months.map(monthTotals));
  const trendBefore = showCounts(ws, months.map((m) => monthTotals(addMonths(m, -12))));

  return {
    period: { from: ws.filters.from, to: ws.filters.to, previousFrom: previousScope.from, previousTo: previousScope.to },
    total: {
      count: totalShown, previous: previousShown, change: previousComplete ? describeChange(totalShown, previousShown) : null,
      rate: totalShown !== null && population ? (totalShown / population) * 1000 : null, population,
    },
    bySource: breakdown(sourceRows),
    byCategory: breakdown(categoryRows),
    byArea: { level, rows: areaRows(ws, level, areaCounts) },
    trend: months.map((month, i) => ({ month, count: trendNow[i]!, previous: trendBefore[i]!, previousMonth: addMonths(month, -12) })),
    missing, previousComplete,
  };
}
