/**
 * Shared outcome indicators: each indicator's value with 95% and 99.8% limits for the
 * whole partnership and for every area of a type, compared with a benchmark
 * (Fingertips-style better / similar / worse), with its trend; custom definitions; and the
 * downloads. The figures are read from the analysis counts, through the analysis
 * workspace, so they agree with the Analysis pages and share their suppression.
 */
import { ZodError, type z } from 'zod';
import type { Db } from '../../db/connection.ts';
import { requireAccess, type Actor } from '../../shared/authorization.ts';
import { csvRows } from '../../shared/csv-export.ts';
import { comparisonChart, intervalTrendChart, spineChart, svgToPng } from '../../shared/charts/index.ts';
import { LanternError, notFoundOrNoAccess } from '../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import * as analysisRepo from '../analysis/analysis.repository.ts';
import { exportWorkspace } from '../analysis/exports.ts';
import { AREA_LEVELS, monthsBetween, parseFilters, resolvePeriod, type AreaLevel } from '../analysis/filters.ts';
import { AREA_LEVEL_COLUMN, countByArea, defaultAreaLevel, partnershipPopulation } from '../analysis/overview.service.ts';
import type { BenchmarkComparison, Polarity } from '../analysis/stats/compare.ts';
import { openWorkspace, showCount, showCounts, type Shown, type Workspace, type WorkspaceArea } from '../analysis/workspace.ts';
import { listCategories } from '../partnerships/partnership.repository.ts';
import { classify, crudeRate, spreadOf, trendWindows, windowSum, type Limits, type Spread, type TrendMode } from './indicator.calculations.ts';
import { AREA_TYPE_NAMES, BUILT_IN_CODES, BUILT_IN_INDICATORS, resolveNumerator, type IndicatorDefinition, type Multiplier, type NumeratorTerm, type SourceCatalogue } from './indicator.definitions.ts';
import { comparisonChartOptions, spineChartOptions, trendChartOptions, type IndicatorChartInputs } from './indicators.charts.ts';
import { familyBenchmark } from '../family/family.service.ts';
import * as repo from './indicators.repository.ts';
import { benchmarkParam, ZIndicatorSchema, type Benchmark, type ParentLevel, type TIndicatorInput } from './indicators.schema.ts';

/** One figure of an indicator: for the partnership, or for one area. Suppressed counts have no value or limits. */
export type IndicatorFigure = {
  type: AreaLevel | 'partnership';
  code: string;
  name: string;
  /** The count as shown to this user: null when suppressed (1 to threshold − 1, outside the analyst role). */
  numerator: Shown;
  /** Residents. */
  denominator: number | null;
  value: number | null;
  lower95: number | null;
  upper95: number | null;
  lower998: number | null;
  upper998: number | null;
  benchmark: { kind: Benchmark['kind']; label: string; value: number | null };
  comparison95: BenchmarkComparison | null;
  comparison998: BenchmarkComparison | null;
  /** Why there is no value: the count is suppressed, or no residents are known. */
  missing: 'suppressed' | 'no-population' | null;
};

export type IndicatorTrendPoint = {
  label: string; from: string; to: string;
  numerator: Shown; value: number | null; lower95: number | null; upper95: number | null; lower998: number | null; upper998: number | null;
  benchmark: number | null; comparison95: BenchmarkComparison | null;
  /** False when a source of the indicator holds no data for some month of the window: no value is given. */
  complete: boolean;
};

export type IndicatorTrend = { mode: TrendMode; place: string; benchmarkLabel: string | null; points: IndicatorTrendPoint[] };

export type IndicatorResult = {
  code: string;
  name: string;
  multiplier: Multiplier;
  polarity: Polarity;
  builtIn: boolean;
  standardisation: 'crude' | 'esp2013';
  /** Counted from a stand-in (A&E attendances for admissions): not comparable with other partnerships' figures. */
  proxy: boolean;
  /** The definition's note: what the figure is, and any proxy. */
  note: string;
  available: boolean;
  /** Why the indicator cannot be given from the shared data ("not available"); null when it can. */
  unavailableReason: string | null;
  /** Sources counted. */
  sources: string[];
  /** Caveats to show beside the figures: proxies, crude rates, missing months. */
  notes: string[];
  missingMonths: Array<{ source: string; months: string[] }>;
  partnership: IndicatorFigure | null;
  /** The area looked at (the `area` option), else null. */
  selected: IndicatorFigure | null;
  /** Every area of the report's type. */
  areas: IndicatorFigure[];
  /** The spread of the areas' shown values (the spine); null with fewer than two. */
  spread: Spread | null;
  /** Areas by their comparison at 95%. */
  summary: Partial<Record<BenchmarkComparison, number>>;
  trend: IndicatorTrend | null;
};

export type IndicatorReport = {
  partnership: { slug: string; name: string; synthetic: boolean };
  period: { from: string; to: string; months: number };
  areaType: AreaLevel;
  /** Area types with residents, that figures can be given for. */
  areaTypes: AreaLevel[];
  area: { type: AreaLevel; code: string; name: string } | null;
  benchmark: { kind: Benchmark['kind']; param: string; label: string };
  suppression: { applied: boolean; threshold: number };
  /** Caveats for every figure: synthetic data, how the partnership total is counted, the period. */
  notes: string[];
  indicators: IndicatorResult[];
  /** The inputs of the report's charts (src/shared/charts): draw with spineChart, comparisonChart, intervalTrendChart. */
  charts: IndicatorChartInputs;
};

export type IndicatorReportOptions = {
  from?: string;
  to?: string;
  /** The type of the areas compared (default: wards when they have residents). */
  areaType?: AreaLevel;
  /** The area looked at, as type:code; its type overrides areaType. */
  area?: string;
  benchmark?: Benchmark;
  /** Only these indicators (default: every one). */
  codes?: string[];
  trend?: TrendMode | false;
  /** Figures leaving Lantern: suppressed unless analyst and every agreement allows record-level export. */
  forExport?: boolean;
};

type Context = {
  db: Db;
  ws: Workspace;
  from: string;
  to: string;
  areaType: AreaLevel;
  areas: WorkspaceArea[];
  selected: WorkspaceArea | null;
  benchmark: Benchmark;
  held: Map<number, Set<string>>;
  trend: TrendMode | false;
  population: number | null;
};

/** The built-in indicators and the partnership's own, in that order. */
async function definitionsFor(db: Db, partnershipId: number): Promise<IndicatorDefinition[]> {
  const custom = (await repo.listIndicators(db, partnershipId)).map((r): IndicatorDefinition => ({
    code: r.code, name: r.name, multiplier: r.multiplier === 100_000 ? 100_000 : 1000, polarity: r.polarity, standardisation: 'crude',
    note: r.note, builtIn: false, filter: { sourceSlugs: r.source_slugs, categories: r.categories, sourceCategories: r.source_categories },
  }));
  return [...BUILT_IN_INDICATORS, ...custom];
}

function catalogueOf(ws: Workspace): SourceCatalogue {
  return ws.sources.map((source) => ({ source, sourceCategories: ws.sourceCategories.find((g) => g.source.id === source.id)?.values ?? [] }));
}

function scopeOf(ws: Workspace, term: NumeratorTerm, from: string, to: string, areas: analysisRepo.AreaScope[] = []): analysisRepo.CountScope {
  return { partnershipId: ws.partnership.id, from, to, sourceIds: term.sourceIds, categories: term.categories, sourceCategories: term.sourceCategories, areas, days: [], hours: [] };
}

/** The area of `type` holding every LSOA of `area` (either vintage); null when none does, or several. */
function containingArea(ws: Workspace, area: WorkspaceArea, type: ParentLevel): WorkspaceArea | null {
  if (area.type === type) return null;
  const own11 = area.type === 'lsoa11' ? [area.id] : area.lsoa11Ids;
  const own21 = area.type === 'lsoa21' ? [area.id] : area.lsoa21Ids;
  const found = ws.areas.filter((p) => p.type === type).filter((p) => {
    const p11 = new Set(p.lsoa11Ids);
    const p21 = new Set(p.lsoa21Ids);
    return (own11.length > 0 && own11.every((id) => p11.has(id))) || (own21.length > 0 && own21.every((id) => p21.has(id)));
  });
  return found.length === 1 ? found[0]! : null;
}

/** An area's monthly counts, counted as countByArea does (MSOAs and neighbourhoods from their LSOAs of one vintage). */
async function monthlyForArea(db: Db, scope: analysisRepo.CountScope, area: WorkspaceArea): Promise<Map<string, number>> {
  const grouped = area.type === 'msoa21' || area.type === 'neighbourhood';
  const column: analysisRepo.CountDimension = grouped ? (area.lsoa21Ids.length ? 'lsoa21_id' : 'lsoa11_id') : AREA_LEVEL_COLUMN[area.type];
  const ids = new Set(grouped ? (area.lsoa21Ids.length ? area.lsoa21Ids : area.lsoa11Ids) : [area.id]);
  const rows = await analysisRepo.countBy(db, { ...scope, areas: [{ type: area.type, id: area.id, lsoa11Ids: area.lsoa11Ids, lsoa21Ids: area.lsoa21Ids }] }, ['month', column]);
  const out = new Map<string, number>();
  for (const r of rows) if (ids.has(Number(r[column]))) out.set(String(r.month), (out.get(String(r.month)) ?? 0) + r.n);
  return out;
}

function addInto<K>(target: Map<K, number>, key: K, n: number): void {
  target.set(key, (target.get(key) ?? 0) + n);
}

function figure(type: IndicatorFigure['type'], code: string, name: string, numerator: Shown, denominator: number | null, multiplier: number): IndicatorFigure {
  const limits = numerator !== null && denominator ? crudeRate(numerator, denominator, multiplier) : null;
  return {
    type, code, name, numerator, denominator,
    value: limits?.value ?? null, lower95: limits?.lower95 ?? null, upper95: limits?.upper95 ?? null, lower998: limits?.lower998 ?? null, upper998: limits?.upper998 ?? null,
    benchmark: { kind: 'partnership', label: '', value: null }, comparison95: null, comparison998: null,
    missing: numerator === null ? 'suppressed' : denominator ? null : 'no-population',
  };
}

function limitsOf(f: IndicatorFigure): Limits | null {
  return f.value === null ? null : { value: f.value, lower95: f.lower95!, upper95: f.upper95!, lower998: f.lower998!, upper998: f.upper998! };
}

function compare(f: IndicatorFigure, benchmark: { kind: Benchmark['kind']; label: string; value: number | null }, polarity: Polarity): IndicatorFigure {
  return { ...f, benchmark, ...classify(limitsOf(f), benchmark.value, polarity) };
}

function formatValue(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

async function computeIndicator(ctx: Context, definition: IndicatorDefinition, catalogue: SourceCatalogue): Promise<IndicatorResult> {
  const { db, ws, from, to } = ctx;
  const resolved = resolveNumerator(definition, catalogue);
  const base = {
    code: definition.code, name: definition.name, multiplier: definition.multiplier, polarity: definition.polarity, builtIn: definition.builtIn,
    standardisation: definition.standardisation, note: definition.note,
  };
  if (!resolved.available) {
    return { ...base, proxy: false, available: false, unavailableReason: resolved.reason, sources: [], notes: [], missingMonths: [], partnership: null, selected: null, areas: [], spread: null, summary: {}, trend: null };
  }
  const sourceIds = [...new Set(resolved.terms.flatMap((t) => t.sourceIds))];
  const heldMonths = sourceIds.flatMap((id) => [...(ctx.held.get(id) ?? [])]).sort();
  // Monthly counts from the earliest month a trend can use (or the period start) to its end.
  const windows = ctx.trend && heldMonths.length ? trendWindows(heldMonths[0]!, to, ctx.trend) : [];
  const rangeFrom = [from, ...windows.map((w) => w.from)].sort()[0]!;
  const parentType = ctx.benchmark.kind === 'parent' ? ctx.benchmark.type : null;
  const parents = parentType ? ctx.ws.areas.filter((a) => a.type === parentType) : [];

  const areaCounts = new Map<number, number>();
  const parentCounts = new Map<number, number>();
  const partnershipMonthly = new Map<string, number>();
  const contributing = new Set<number>();
  const selectedMonthly = new Map<string, number>();
  const parentMonthly = new Map<string, number>();
  const selectedParent = ctx.selected && parentType ? containingArea(ws, ctx.selected, parentType) : null;
  for (const term of resolved.terms) {
    const period = scopeOf(ws, term, from, to);
    const range = scopeOf(ws, term, rangeFrom, to);
    const [byArea, byParent, monthly, selectedSeries, parentSeries] = await Promise.all([
      countByArea(db, ws, ctx.areaType, period),
      parentType ? countByArea(db, ws, parentType, period) : Promise.resolve(new Map<number, number>()),
      analysisRepo.countBy(db, range, ['month', 'source_id', 'location_status']),
      ctx.selected && windows.length ? monthlyForArea(db, range, ctx.selected) : Promise.resolve(new Map<string, number>()),
      selectedParent && windows.length ? monthlyForArea(db, range, selectedParent) : Promise.resolve(new Map<string, number>()),
    ]);
    for (const [id, n] of byArea) addInto(areaCounts, id, n);
    for (const [id, n] of byParent) addInto(parentCounts, id, n);
    for (const r of monthly) {
      // Incidents placed outside the partnership's boundary are not its residents' figures; those with no location are.
      if (r.location_status === 'outside-area') continue;
      addInto(partnershipMonthly, String(r.month), r.n);
      if (String(r.month) >= from && r.n > 0) contributing.add(Number(r.source_id));
    }
    for (const [m, n] of selectedSeries) addInto(selectedMonthly, m, n);
    for (const [m, n] of parentSeries) addInto(parentMonthly, m, n);
  }

  const periodMonths = monthsBetween(from, to);
  const m = definition.multiplier;
  const partnershipCount = periodMonths.reduce((s, month) => s + (partnershipMonthly.get(month) ?? 0), 0);
  let partnership = figure('partnership', ws.partnership.slug, ws.partnership.name, showCount(ws, partnershipCount), ctx.population, m);
  const shownAreas = showCounts(ws, ctx.areas.map((a) => areaCounts.get(a.id) ?? 0));
  let areas = ctx.areas.map((a, i) => figure(a.type, a.code, a.name, shownAreas[i]!, a.population, m));
  const shownParents = showCounts(ws, parents.map((p) => parentCounts.get(p.id) ?? 0));
  const parentFigures = new Map(parents.map((p, i) => [p.id, figure(p.type, p.code, p.name, shownParents[i]!, p.population, m)]));

  // Each figure's benchmark, then its comparison at both levels.
  const b = ctx.benchmark;
  const family = b.kind === 'family' ? await familyBenchmarkFor(ctx, definition, resolved.proxy ?? false) : null;
  const benchmarkFor = (area: WorkspaceArea | null): { kind: Benchmark['kind']; label: string; value: number | null } => {
    switch (b.kind) {
      case 'partnership': return { kind: 'partnership', label: ws.partnership.name, value: area ? partnership.value : null };
      case 'value': return { kind: 'value', label: `Value entered (${formatValue(b.value)})`, value: b.value };
      case 'parent': {
        const parent = area ? containingArea(ws, area, b.type) : null;
        const pf = parent ? parentFigures.get(parent.id) : undefined;
        return { kind: 'parent', label: parent ? parent.name : `No single ${AREA_TYPE_NAMES[b.type].one} holds it`, value: pf?.value ?? null };
      }
      case 'family': return { kind: 'family', label: family!.label, value: family!.value };
    }
  };
  partnership = compare(partnership, benchmarkFor(null), definition.polarity);
  areas = areas.map((f, i) => compare(f, benchmarkFor(ctx.areas[i]!), definition.polarity));
  const selectedIndex = ctx.selected ? ctx.areas.findIndex((a) => a.id === ctx.selected!.id) : -1;
  const selected = selectedIndex >= 0 ? areas[selectedIndex]! : null;
  const summary: Partial<Record<BenchmarkComparison, number>> = {};
  for (const f of areas) if (f.comparison95) summary[f.comparison95] = (summary[f.comparison95] ?? 0) + 1;

  const missingMonths = sourceIds.map((id) => {
    const held = ctx.held.get(id) ?? new Set<string>();
    return { source: ws.sources.find((s) => s.id === id)!.name, months: periodMonths.filter((month) => !held.has(month)) };
  }).filter((x) => x.months.length > 0);
  const notes = [...resolved.notes];
  if (definition.standardisation === 'esp2013') notes.push('A crude rate, not age-standardised: no shared source records ages. The published PHOF figure is directly age-standardised to the 2013 European Standard Population.');
  const notCounted = resolved.sources.filter((s) => !contributing.has(s.id));
  if (notCounted.length && contributing.size) notes.push(`No incidents of this kind from ${notCounted.map((s) => s.name).join(', ')} in the period.`);
  for (const mm of missingMonths) notes.push(`${mm.source} holds no data for ${mm.months.length} month${mm.months.length === 1 ? '' : 's'} of the period (${mm.months[0]}${mm.months.length > 1 ? ` to ${mm.months[mm.months.length - 1]}` : ''}), so the figures are too low.`);

  let trend: IndicatorTrend | null = null;
  if (windows.length) {
    const target = ctx.selected;
    const series = target ? selectedMonthly : partnershipMonthly;
    const denominator = target ? target.population : ctx.population;
    const complete = (w: { from: string; to: string }) => sourceIds.every((id) => monthsBetween(w.from, w.to).every((month) => ctx.held.get(id)?.has(month)));
    const benchmarkSeries = target && b.kind === 'partnership' ? { monthly: partnershipMonthly, population: ctx.population, label: ws.partnership.name }
      : target && b.kind === 'parent' && selectedParent ? { monthly: parentMonthly, population: selectedParent.population, label: selectedParent.name }
      : null;
    const points = windows.map((w): IndicatorTrendPoint => {
      const whole = complete(w);
      const count = whole ? showCount(ws, windowSum(series, w)) : null;
      const limits = count !== null && denominator ? crudeRate(count, denominator, m) : null;
      let benchmark: number | null = null;
      if (b.kind === 'value') benchmark = b.value;
      else if (benchmarkSeries && whole && benchmarkSeries.population) {
        const n = showCount(ws, windowSum(benchmarkSeries.monthly, w));
        benchmark = n === null ? null : (n / benchmarkSeries.population) * m;
      }
      return {
        label: ctx.trend === 'year' ? `Year to ${monthName(w.to)}` : monthName(w.to), from: w.from, to: w.to,
        numerator: count, value: limits?.value ?? null, lower95: limits?.lower95 ?? null, upper95: limits?.upper95 ?? null, lower998: limits?.lower998 ?? null, upper998: limits?.upper998 ?? null,
        benchmark, comparison95: classify(limits, benchmark, definition.polarity).comparison95, complete: whole,
      };
    });
    trend = {
      mode: ctx.trend as TrendMode, place: target ? target.name : ws.partnership.name,
      benchmarkLabel: b.kind === 'value' ? `Value entered (${formatValue(b.value)})` : benchmarkSeries?.label ?? null, points,
    };
  }

  return {
    ...base, proxy: resolved.proxy ?? false, available: true, unavailableReason: null, sources: resolved.sources.map((s) => s.name), notes, missingMonths,
    partnership, selected, areas, spread: spreadOf(areas.map((f) => f.value)), summary, trend,
  };
}

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
function monthName(month: string): string {
  return monthFormat.format(new Date(`${month}-01T00:00:00Z`));
}

/**
 * The family average for exactly this period. A proxy is never compared with the family's
 * figures (they count what the indicator names), and a period the family has no figures
 * for leaves every figure uncompared, saying why.
 */
async function familyBenchmarkFor(ctx: Context, definition: IndicatorDefinition, proxy: boolean): Promise<{ label: string; value: number | null }> {
  if (proxy) return { label: 'Most similar partnerships: not compared, as the local figure is a proxy', value: null };
  const average = await familyBenchmark(ctx.db, ctx.ws.partnership.id, definition.code, ctx.from, ctx.to);
  return average ? { label: average.label, value: average.value } : { label: 'Most similar partnerships: no family figures for this period', value: null };
}

/**
 * The indicators report: every indicator (or those in `codes`) for the partnership and
 * each area of a type over a period (default: the latest twelve months that every source
 * the indicators count holds), compared with the benchmark, with trends and the charts'
 * inputs. The strategic assessment calls this; the pages and the API present it.
 */
export async function indicatorReport(db: Db, actor: Actor, options: IndicatorReportOptions = {}): Promise<IndicatorReport> {
  requireAccess(actor, 'overview:read', actor.partnershipId);
  return buildReport(db, actor, options, (area) => new LanternError('invalid-input', `There is no area ${area} in this partnership's geography.`));
}

async function buildReport(db: Db, actor: Actor, options: IndicatorReportOptions, unknownArea: (area: string) => LanternError): Promise<IndicatorReport> {
  const benchmark = options.benchmark ?? { kind: 'partnership' };
  let ws = await openWorkspace(db, actor, parseFilters({}));
  if (options.forExport) ws = await exportWorkspace(db, ws);
  const [definitions, held] = await Promise.all([definitionsFor(db, ws.partnership.id), analysisRepo.sourceMonths(db, ws.partnership.id)]);
  const wanted = options.codes?.map((c) => c.toLowerCase());
  const chosen = wanted ? definitions.filter((d) => wanted.includes(d.code.toLowerCase())) : definitions;
  if (wanted && chosen.length !== new Set(wanted).size) throw notFoundOrNoAccess();

  const heldBySource = new Map<number, Set<string>>();
  for (const h of held) (heldBySource.get(h.source_id) ?? heldBySource.set(h.source_id, new Set()).get(h.source_id)!).add(h.month);
  const catalogue = catalogueOf(ws);
  // The default period ends at the latest month every counted source holds, so no indicator's year is short of a source.
  const counted = [...new Set(chosen.flatMap((d) => {
    const r = resolveNumerator(d, catalogue);
    return r.available ? r.terms.flatMap((t) => t.sourceIds) : [];
  }))].filter((id) => heldBySource.has(id));
  const latest = counted.length ? counted.map((id) => [...heldBySource.get(id)!].sort().at(-1)!).sort()[0]! : ws.dataMonths.latest;
  const { from, to } = resolvePeriod({ ...parseFilters({}), from: options.from, to: options.to }, latest);

  const areaTypes = AREA_LEVELS.filter((l) => ws.areas.some((a) => a.type === l && a.population));
  let selected: WorkspaceArea | null = null;
  if (options.area) {
    selected = ws.areas.find((a) => `${a.type}:${a.code}` === options.area) ?? null;
    if (!selected) throw unknownArea(options.area);
  }
  const areaType = selected?.type ?? options.areaType ?? defaultAreaLevel(ws);
  // Without any residents loaded the partnership's figures still list (as "no residents known"); a type asked for must have them.
  if (!selected && options.areaType && !areaTypes.includes(areaType)) {
    throw new LanternError('invalid-input', `No ${AREA_TYPE_NAMES[areaType].plural} with residents are loaded, so no rates can be given for them. Choose from: ${areaTypes.join(', ') || 'none (load population first)'}.`);
  }
  const ctx: Context = {
    db, ws, from, to, areaType, areas: ws.areas.filter((a) => a.type === areaType), selected, benchmark, held: heldBySource,
    trend: options.trend === undefined ? 'rolling' : options.trend, population: partnershipPopulation(ws),
  };
  const indicators: IndicatorResult[] = [];
  for (const definition of chosen) indicators.push(await computeIndicator(ctx, definition, catalogue));

  const months = monthsBetween(from, to).length;
  const notes = [...ws.notes];
  notes.push('The partnership’s figures count every incident its sources attribute to it except those placed outside its boundary; incidents with no location count in the partnership’s figures but in no area’s.');
  if (months !== 12) notes.push(`Rates are for the ${months} months chosen, not per year.`);
  notes.push('Residents are the population estimates loaded into Lantern, the same for every period of a trend.');
  const report: Omit<IndicatorReport, 'charts'> = {
    partnership: { slug: ws.partnership.slug, name: ws.partnership.name, synthetic: ws.partnership.synthetic },
    period: { from, to, months }, areaType, areaTypes,
    area: selected ? { type: selected.type, code: selected.code, name: selected.name } : null,
    benchmark: { kind: benchmark.kind, param: benchmarkParam(benchmark), label: benchmarkLabel(benchmark, ws) },
    suppression: { applied: ws.suppress, threshold: ws.threshold }, notes, indicators,
  };
  return { ...report, charts: chartInputs(report) };
}

/** A partnership's monthly numerator of one indicator, for figures over any period (the family comparison's years). */
export type PartnershipSeries = {
  proxy: boolean;
  multiplier: number;
  population: number | null;
  /** Incidents per month, as the partnership's figure counts them (placed outside the boundary: not counted). */
  monthly: Map<string, number>;
  /** Months every counted source holds data for: a period with any other month would be undercounted. */
  covered: Set<string>;
};

/**
 * Each indicator's monthly series for the partnership (every indicator defined here, or
 * those in `codes`; keyed by lower-case code; left out when it cannot be counted from the
 * shared data), read with one count query for them all. Whole counts: the caller suppresses.
 */
export async function partnershipSeries(db: Db, actor: Actor, codes?: readonly string[]): Promise<Map<string, PartnershipSeries>> {
  requireAccess(actor, 'incidents:read-records', actor.partnershipId);
  const ws = await openWorkspace(db, actor, parseFilters({}));
  const out = new Map<string, PartnershipSeries>();
  const { first, latest } = ws.dataMonths;
  if (!first || !latest) return out;
  const wanted = codes ? new Set(codes.map((c) => c.toLowerCase())) : null;
  const catalogue = catalogueOf(ws);
  const definitions = (await definitionsFor(db, ws.partnership.id)).filter((d) => !wanted || wanted.has(d.code.toLowerCase()));
  const [rows, held] = await Promise.all([
    analysisRepo.countBy(db, { ...scopeOf(ws, { sourceIds: [], categories: [], sourceCategories: [] }, first, latest), sourceIds: null }, ['month', 'source_id', 'category', 'source_category', 'location_status']),
    analysisRepo.sourceMonths(db, ws.partnership.id),
  ]);
  const months = monthsBetween(first, latest);
  for (const definition of definitions) {
    const resolved = resolveNumerator(definition, catalogue);
    if (!resolved.available) continue;
    const monthly = new Map<string, number>();
    // A row counts once even when two terms would both take it, as a filtered count would.
    for (const r of rows) {
      if (r.location_status === 'outside-area') continue;
      const counted = resolved.terms.some((t) => t.sourceIds.includes(Number(r.source_id))
        && (t.categories.length === 0 || t.categories.includes(String(r.category)))
        && (t.sourceCategories.length === 0 || t.sourceCategories.includes(String(r.source_category))));
      if (counted) addInto(monthly, String(r.month), r.n);
    }
    const sourceIds = [...new Set(resolved.terms.flatMap((t) => t.sourceIds))];
    const covered = new Set(months.filter((m) => sourceIds.every((id) => held.some((h) => h.source_id === id && h.month === m))));
    out.set(definition.code.toLowerCase(), { proxy: resolved.proxy ?? false, multiplier: definition.multiplier, population: partnershipPopulation(ws), monthly, covered });
  }
  return out;
}

function benchmarkLabel(b: Benchmark, ws: Workspace): string {
  switch (b.kind) {
    case 'partnership': return ws.partnership.name;
    case 'parent': return `The ${AREA_TYPE_NAMES[b.type].one} containing each area`;
    case 'value': return `Value entered (${formatValue(b.value)})`;
    case 'family': return 'Most similar partnerships';
  }
}

function chartInputs(report: Omit<IndicatorReport, 'charts'>): IndicatorChartInputs {
  return {
    spine: spineChartOptions(report),
    comparisons: Object.fromEntries(report.indicators.filter((i) => i.available).map((i) => [i.code, comparisonChartOptions(report, i)])),
    trends: Object.fromEntries(report.indicators.filter((i) => i.trend && i.trend.points.length).map((i) => [i.code, trendChartOptions(i)])),
  };
}

/** One indicator over the areas of a type (the indicator's page); 404 for a code the partnership does not have. */
export async function indicatorDetail(db: Db, actor: Actor, code: string, options: Omit<IndicatorReportOptions, 'codes'> = {}): Promise<IndicatorReport & { indicator: IndicatorResult }> {
  const report = await indicatorReport(db, actor, { ...options, codes: [code] });
  return { ...report, indicator: report.indicators[0]! };
}

/** Every indicator for one area (the area profile). */
export async function areaProfile(db: Db, actor: Actor, type: AreaLevel, code: string, options: Omit<IndicatorReportOptions, 'area' | 'areaType'> = {}): Promise<IndicatorReport> {
  requireAccess(actor, 'overview:read', actor.partnershipId);
  // An area the partnership does not have is a missing page, not a bad request.
  return buildReport(db, actor, { ...options, area: `${type}:${code}` }, () => notFoundOrNoAccess());
}

/** The definitions the new-indicator form offers: sources, categories and each source's own categories. */
export async function indicatorFormOptions(db: Db, actor: Actor) {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const ws = await openWorkspace(db, actor, parseFilters({}));
  return { partnershipId, sources: ws.sources, categories: await listCategories(db, partnershipId), sourceCategories: ws.sourceCategories };
}

/** Stores a custom indicator, audited in the same transaction. Problems come back as field errors (ZodError). */
/**
 * Checks a custom indicator's form: its own rules, and those against the partnership's data.
 * Every problem is reported at once. `existing` is the code of the indicator being changed
 * (its code stays: links, exports and the API name it).
 */
async function checkIndicator(db: Db, actor: Actor, partnershipId: number, input: TIndicatorInput, existing: string | null) {
  const parsed = ZIndicatorSchema.safeParse(existing ? { ...input, code: existing } : input);
  const issues: z.core.$ZodIssue[] = parsed.success ? [] : [...parsed.error.issues];
  const problem = (path: string, message: string) => issues.push({ code: 'custom', path: [path], message, input: undefined });
  const code = String(existing ?? input.code ?? '').trim();
  if (!existing) {
    if (BUILT_IN_CODES.has(code.toLowerCase()) || code.toLowerCase() === 'new') problem('code', `${code} is a built-in indicator's code: choose another`);
    else if (code && (await repo.findIndicatorByCode(db, partnershipId, code))) problem('code', `This partnership already has an indicator ${code}: choose another code`);
  }
  if (parsed.success) {
    const values = parsed.data;
    const { sources, categories, sourceCategories } = await indicatorFormOptions(db, actor);
    const unknownSource = values.sourceSlugs.filter((slug) => !sources.some((s) => s.slug === slug));
    if (unknownSource.length) problem('sourceSlugs', `There is no source ${unknownSource.join(', ')} in this partnership`);
    const unknownCategory = values.categories.filter((c) => !categories.some((k) => k.code === c));
    if (unknownCategory.length) problem('categories', `There is no category ${unknownCategory.join(', ')} in this partnership`);
    const chosen = values.sourceSlugs.length ? sources.filter((s) => values.sourceSlugs.includes(s.slug)) : sources;
    const offered = new Set(sourceCategories.filter((g) => chosen.some((s) => s.id === g.source.id)).flatMap((g) => g.values));
    const unknownSourceCategory = values.sourceCategories.filter((v) => !offered.has(v));
    if (unknownSourceCategory.length) problem('sourceCategories', `The sources chosen have no category ${unknownSourceCategory.map((v) => `"${v}"`).join(', ')}`);
  }
  if (issues.length || !parsed.success) throw new ZodError(issues);
  const values = parsed.data;
  return {
    code: values.code, name: values.name, source_slugs: [...new Set(values.sourceSlugs)], categories: [...new Set(values.categories)],
    source_categories: [...new Set(values.sourceCategories)], multiplier: values.multiplier, polarity: values.polarity, note: values.note,
  };
}

function auditDetail(stored: repo.StoredIndicator) {
  return { name: stored.name, sources: stored.source_slugs, categories: stored.categories, sourceCategories: stored.source_categories, multiplier: stored.multiplier, polarity: stored.polarity };
}

export async function defineIndicator(db: Db, actor: Actor, input: TIndicatorInput) {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const values = await checkIndicator(db, actor, partnershipId, input, null);
  return db.transaction().execute(async (tx) => {
    const stored = await repo.insertIndicator(tx, { ...values, partnership_id: partnershipId, created_by: actor.userId });
    await recordAudit(tx, actor, { action: 'indicator.create', recordType: 'indicator', recordId: stored.code, detail: auditDetail(stored) });
    return stored;
  }).catch((error: unknown) => {
    // Two people adding the same code at once: the unique index decides, and the loser is told as the check above would.
    if ((error as { code?: string }).code === '23505') throw new ZodError([{ code: 'custom', path: ['code'], message: `This partnership already has an indicator ${values.code}: choose another code`, input: undefined }]);
    throw error;
  });
}

/** A partnership's own indicator, for its edit form; built-in indicators cannot be changed. */
export async function getCustomIndicator(db: Db, actor: Actor, code: string): Promise<repo.StoredIndicator> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const stored = await repo.findIndicatorByCode(db, partnershipId, code);
  if (!stored) throw notFoundOrNoAccess();
  return stored;
}

export async function changeIndicator(db: Db, actor: Actor, code: string, input: TIndicatorInput) {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const before = await getCustomIndicator(db, actor, code);
  const values = await checkIndicator(db, actor, partnershipId, input, before.code);
  return db.transaction().execute(async (tx) => {
    const stored = await repo.updateIndicator(tx, partnershipId, before.id, values);
    await recordAudit(tx, actor, { action: 'indicator.change', recordType: 'indicator', recordId: stored.code, detail: { before: auditDetail(before), after: auditDetail(stored) } });
    return stored;
  });
}

/** Removes a partnership's own indicator. Published assessments keep the figures they were published with. */
export async function removeIndicator(db: Db, actor: Actor, code: string): Promise<void> {
  const partnershipId = requireAccess(actor, 'indicators:manage', actor.partnershipId);
  const before = await getCustomIndicator(db, actor, code);
  await db.transaction().execute(async (tx) => {
    await repo.deleteIndicator(tx, partnershipId, before.id);
    await recordAudit(tx, actor, { action: 'indicator.remove', recordType: 'indicator', recordId: before.code, detail: auditDetail(before) });
  });
}

export type IndicatorDownload = { name: string; type: string; body: string | Buffer };

const num = (n: number | null, digits = 4) => (n === null ? '' : Number(n.toFixed(digits)));
const shownCount = (n: Shown) => (n === null ? 'suppressed' : n);

/**
 * An indicator's areas as CSV, or one of its charts (or a profile's spine chart) as SVG or
 * PNG. Downloads leave Lantern, so they are suppressed unless the user is an analyst and
 * every agreement allows record-level export, and each is audited.
 */
export async function downloadIndicator(db: Db, actor: Actor, request: {
  code?: string; profile?: { type: AreaLevel; code: string }; format: 'csv' | 'svg' | 'png'; chart?: 'compare' | 'trend' | 'spine';
  options: Omit<IndicatorReportOptions, 'codes' | 'forExport'>;
}): Promise<IndicatorDownload> {
  requireAccess(actor, 'overview:read', actor.partnershipId);
  const options = { ...request.options, forExport: true };
  const report = request.profile
    ? await areaProfile(db, actor, request.profile.type, request.profile.code, options)
    : await indicatorDetail(db, actor, request.code ?? '', options);
  const stem = `${report.partnership.slug}-${request.profile ? `profile-${request.profile.type}-${request.profile.code}` : `indicator-${request.code}`}-${report.period.from}-to-${report.period.to}`;
  let file: IndicatorDownload;
  if (request.format === 'csv') {
    const header = ['indicator', 'area_type', 'area_code', 'area_name', 'numerator', 'denominator', 'multiplier', 'value', 'lower_95', 'upper_95', 'lower_99_8', 'upper_99_8', 'benchmark', 'benchmark_value', 'comparison_95', 'comparison_99_8'];
    const rows = report.indicators.flatMap((i) => (request.profile ? [i.selected] : [i.partnership, ...i.areas]).filter((f): f is IndicatorFigure => f !== null).map((f) => [
      i.code, f.type, f.code, f.name, shownCount(f.numerator), f.denominator, i.multiplier, num(f.value), num(f.lower95), num(f.upper95), num(f.lower998), num(f.upper998),
      f.benchmark.label, num(f.benchmark.value), f.comparison95 ?? '', f.comparison998 ?? '',
    ]));
    file = { name: `${stem}.csv`, type: 'text/csv; charset=utf-8', body: csvRows(header, rows) };
  } else {
    const svg = chartSvg(report, request.chart ?? (request.profile ? 'spine' : 'compare'), request.code);
    file = request.format === 'svg'
      ? { name: `${stem}-${request.chart ?? 'chart'}.svg`, type: 'image/svg+xml', body: svg }
      : { name: `${stem}-${request.chart ?? 'chart'}.png`, type: 'image/png', body: await svgToPng(svg, { scale: 2 }) };
  }
  await recordAudit(db, actor, {
    action: 'indicators.export', recordType: request.profile ? 'area-profile' : 'indicator', recordId: request.profile ? `${request.profile.type}:${request.profile.code}` : request.code ?? null,
    detail: { format: request.format, chart: request.chart ?? null, period: report.period, areaType: report.areaType, benchmark: report.benchmark.param, suppressed: report.suppression.applied, name: file.name },
  });
  return file;
}

/** A chart of the report as SVG: the spine, or one indicator's comparison or trend. */
export function chartSvg(report: IndicatorReport, chart: 'compare' | 'trend' | 'spine', code?: string): string {
  const key = report.indicators.find((i) => i.code.toLowerCase() === (code ?? '').toLowerCase())?.code ?? '';
  if (chart === 'spine') {
    if (!report.charts.spine) throw new LanternError('invalid-input', 'There is no spine chart for this page: no indicator has a figure.');
    return spineChart(report.charts.spine);
  }
  if (chart === 'trend') {
    const options = report.charts.trends[key];
    if (!options) throw new LanternError('invalid-input', 'This indicator has no trend to draw: no twelve-month period has data yet.');
    return intervalTrendChart(options);
  }
  const options = report.charts.comparisons[key];
  if (!options) throw new LanternError('invalid-input', 'This indicator has no figures to compare: it is not available from the shared data.');
  return comparisonChart(options);
}
