/**
 * When, hidden violence and deprivation: the views that compare the filtered counts along
 * one more dimension (time of week, source, deprivation decile).
 */
import type { Db } from '../../db/connection.ts';
import { rateInterval } from './stats/intervals.ts';
import { poissonRateRatioTest } from './stats/rate-ratio.ts';
import * as repo from './analysis.repository.ts';
import { monthsBetween, WEEKDAYS, type AreaLevel } from './filters.ts';
import { countByArea, defaultAreaLevel } from './overview.service.ts';
import { recordsTimes, showCounts, type Shown, type Workspace } from './workspace.ts';

export type WhenView = {
  /** Sources in the filters that record a time of day, and those that record months only. */
  timedSources: string[];
  untimedSources: string[];
  heatmap: { days: string[]; hours: number[]; values: Shown[][]; total: number | null };
  seasonality: Array<{ month: number; label: string; average: number | null; years: number }>;
  byMonth: Array<{ month: string; count: Shown }>;
};

const MONTH_LABELS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export async function getWhen(db: Db, ws: Workspace): Promise<WhenView> {
  const timed = ws.selectedSources.filter(recordsTimes);
  const timedScope = { ...ws.scope, sourceIds: timed.map((s) => s.id) };
  const coverage = await commonCoverage(db, ws);
  const allMonthsScope = { ...ws.scope, from: coverage?.from ?? ws.filters.from, to: coverage?.to ?? ws.filters.to };
  const [byTime, byMonth, allMonths] = await Promise.all([
    timed.length ? repo.countBy(db, timedScope, ['weekday', 'hour']) : Promise.resolve([]),
    repo.countBy(db, ws.scope, ['month']),
    repo.countBy(db, allMonthsScope, ['month']),
  ]);
  const grid = WEEKDAYS.map((_, d) => Array.from({ length: 24 }, (_, h) =>
    byTime.find((r) => r.weekday === d + 1 && r.hour === h)?.n ?? 0));
  // The heatmap is published as one table: suppress across all its cells together.
  const flat = showCounts(ws, grid.flat());
  const values = WEEKDAYS.map((_, d) => flat.slice(d * 24, d * 24 + 24));
  const total = grid.flat().reduce((s, n) => s + n, 0);

  // Seasonality over every year held, so one unusual year does not pass for a pattern.
  const perCalendarMonth = Array.from({ length: 12 }, () => ({ sum: 0, years: 0 }));
  const months = monthsBetween(allMonthsScope.from, allMonthsScope.to);
  const counts = new Map(allMonths.map((r) => [String(r.month), r.n]));
  for (const month of months) {
    const entry = perCalendarMonth[Number(month.slice(5)) - 1]!;
    entry.sum += counts.get(month) ?? 0;
    entry.years += 1;
  }
  const averages = perCalendarMonth.map((e) => (e.years ? e.sum / e.years : 0));
  const shownAverages = showCounts(ws, averages.map((a) => Math.round(a)));
  const periodMonths = monthsBetween(ws.filters.from, ws.filters.to);
  const monthCounts = showCounts(ws, periodMonths.map((m) => byMonth.find((r) => r.month === m)?.n ?? 0));
  return {
    timedSources: timed.map((s) => s.name),
    untimedSources: ws.selectedSources.filter((s) => !recordsTimes(s)).map((s) => s.name),
    heatmap: { days: [...WEEKDAYS], hours: Array.from({ length: 24 }, (_, h) => h), values, total: showCounts(ws, [total])[0]! },
    seasonality: perCalendarMonth.map((e, i) => ({
      month: i + 1, label: MONTH_LABELS[i]!, years: e.years, average: shownAverages[i] === null ? null : Math.round(averages[i]! * 10) / 10,
    })),
    byMonth: periodMonths.map((month, i) => ({ month, count: monthCounts[i]! })),
  };
}

/**
 * The months every chosen source covers, so that seasonality is not bent by a source that
 * started or stopped part way through.
 */
async function commonCoverage(db: Db, ws: Workspace): Promise<{ from: string; to: string } | null> {
  const held = await repo.sourceMonths(db, ws.partnership.id);
  let from = '';
  let to = '9999-12';
  for (const source of ws.selectedSources) {
    const months = held.filter((h) => h.source_id === source.id).map((h) => h.month).sort();
    if (months.length === 0) continue;
    if (months[0]! > from) from = months[0]!;
    if (months.at(-1)! < to) to = months.at(-1)!;
  }
  return from && from <= to ? { from, to } : null;
}

export type RatioRow = {
  key: string; label: string; ae: Shown; police: Shown;
  /** A&E assaults per police-recorded violent crime, with its exact 95% interval. */
  ratio: number | null; lower: number | null; upper: number | null;
};

export type HiddenViolence = {
  aeSources: string[]; policeSources: string[];
  total: RatioRow;
  byArea: { level: AreaLevel; rows: RatioRow[] };
  byMonth: RatioRow[];
};

function ratioRow(key: string, label: string, ae: Shown, police: Shown): RatioRow {
  if (ae === null || police === null || police === 0) return { key, label, ae, police, ratio: null, lower: null, upper: null };
  const test = poissonRateRatioTest(ae, 1, police, 1);
  return { key, label, ae, police, ratio: test.ratio, lower: test.lower, upper: Number.isFinite(test.upper) ? test.upper : null };
}

/**
 * A&E-recorded assaults against police-recorded violence: the violence the police never
 * hear about. The category filter is fixed to violence; other filters apply to both.
 */
export async function getHiddenViolence(db: Db, ws: Workspace, level: AreaLevel = defaultAreaLevel(ws)): Promise<HiddenViolence> {
  const ae = ws.selectedSources.filter((s) => s.kind === 'istv');
  const police = ws.selectedSources.filter((s) => s.kind === 'police-uk');
  const aeScope = { ...ws.scope, sourceIds: ae.map((s) => s.id), categories: ['violence'] };
  const policeScope = { ...ws.scope, sourceIds: police.map((s) => s.id), categories: ['violence'] };
  const [aeAreas, policeAreas, aeMonths, policeMonths] = await Promise.all([
    countByArea(db, ws, level, aeScope), countByArea(db, ws, level, policeScope),
    repo.countBy(db, aeScope, ['month']), repo.countBy(db, policeScope, ['month']),
  ]);
  const areas = ws.areas.filter((a) => a.type === level);
  const aeShown = showCounts(ws, areas.map((a) => aeAreas.get(a.id) ?? 0));
  const policeShown = showCounts(ws, areas.map((a) => policeAreas.get(a.id) ?? 0));
  const months = monthsBetween(ws.filters.from, ws.filters.to);
  const aeMonthShown = showCounts(ws, months.map((m) => aeMonths.find((r) => r.month === m)?.n ?? 0));
  const policeMonthShown = showCounts(ws, months.map((m) => policeMonths.find((r) => r.month === m)?.n ?? 0));
  const aeTotal = aeMonths.reduce((s, r) => s + r.n, 0);
  const policeTotal = policeMonths.reduce((s, r) => s + r.n, 0);
  return {
    aeSources: ae.map((s) => s.name), policeSources: police.map((s) => s.name),
    total: ratioRow('total', ws.partnership.name, showCounts(ws, [aeTotal])[0]!, showCounts(ws, [policeTotal])[0]!),
    byArea: { level, rows: areas.map((a, i) => ratioRow(a.code, a.name, aeShown[i]!, policeShown[i]!)) },
    byMonth: months.map((m, i) => ratioRow(m, m, aeMonthShown[i]!, policeMonthShown[i]!)),
  };
}

export type DecileRow = { decile: number; areas: number; population: number; count: Shown; rate: number | null; lower: number | null; upper: number | null };

/**
 * Rates by IMD 2019 decile (1 = most deprived 10% of LSOAs in England). IMD is published
 * for 2011 LSOAs, so incidents are counted by their 2011 LSOA.
 */
export async function getDeprivation(db: Db, ws: Workspace): Promise<{ rows: DecileRow[]; unassigned: Shown; lsoasWithoutImd: number }> {
  const counts = await countByArea(db, ws, 'lsoa11');
  const lsoas = ws.areas.filter((a) => a.type === 'lsoa11');
  const deciles = Array.from({ length: 10 }, (_, i) => ({ decile: i + 1, areas: 0, population: 0, count: 0 }));
  let unassigned = 0;
  let withoutImd = 0;
  for (const lsoa of lsoas) {
    const n = counts.get(lsoa.id) ?? 0;
    if (!lsoa.imd_decile || !lsoa.population) { unassigned += n; withoutImd += 1; continue; }
    const d = deciles[lsoa.imd_decile - 1]!;
    d.areas += 1; d.population += lsoa.population; d.count += n;
  }
  const present = deciles.filter((d) => d.areas > 0);
  const shown = showCounts(ws, present.map((d) => d.count));
  return {
    rows: present.map((d, i) => {
      const count = shown[i]!;
      const interval = count !== null ? rateInterval(count, d.population, 1000) : null;
      return { ...d, count, rate: interval?.rate ?? null, lower: interval?.lower ?? null, upper: interval?.upper ?? null };
    }),
    unassigned: showCounts(ws, [unassigned])[0]!, lsoasWithoutImd: withoutImd,
  };
}
