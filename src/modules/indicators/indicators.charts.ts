/**
 * The indicators' charts, built from the report's (already suppressed) figures, so a chart
 * never shows what its table hides. These are the inputs; src/shared/charts draws them.
 */
import type { ComparisonChartOptions, ComparisonRow, IntervalTrendChartOptions, SpineChartOptions, SpineRow } from '../../shared/charts/index.ts';
import { AREA_TYPE_NAMES } from './indicator.definitions.ts';
import type { IndicatorFigure, IndicatorReport, IndicatorResult } from './indicators.service.ts';

export type IndicatorChartInputs = {
  /** Every indicator for the area looked at (or the partnership) against the spread of areas. */
  spine: SpineChartOptions | null;
  /** Per indicator code: each area's value and 95% interval against the benchmark. */
  comparisons: Record<string, ComparisonChartOptions>;
  /** Per indicator code: the value and 95% interval over time. */
  trends: Record<string, IntervalTrendChartOptions>;
};

type ReportBase = Omit<IndicatorReport, 'charts'>;

/** The comparison chart grows a row per area; beyond this many it would be too long to read, and the table has them all. */
const MAX_COMPARISON_ROWS = 60;

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const month = (m: string) => monthFormat.format(new Date(`${m}-01T00:00:00Z`));
const per = (m: number) => `per ${m.toLocaleString('en-GB')} residents`;

function missingText(f: IndicatorFigure | null): string {
  if (!f) return 'Not available';
  return f.missing === 'suppressed' ? 'Suppressed' : f.missing === 'no-population' ? 'No residents known' : 'No figure';
}

export function spineChartOptions(report: ReportBase): SpineChartOptions | null {
  if (!report.indicators.some((i) => i.available)) return null;
  const place = report.area ? report.area.name : report.partnership.name;
  const rows = report.indicators.map((i): SpineRow => {
    const focus = report.area ? i.selected : i.partnership;
    // The partnership against itself: its own value is the centre, and there is nothing to compare.
    const selfBenchmark = !report.area && report.benchmark.kind === 'partnership';
    const benchmark = focus ? (selfBenchmark ? focus.value : focus.benchmark.value) : null;
    const range = i.spread ? { min: i.spread.min, q1: i.spread.q1, q3: i.spread.q3, max: i.spread.max } : null;
    return {
      label: i.name, benchmark, range: benchmark === null ? null : range, value: focus?.value ?? null,
      comparison: focus && focus.value !== null ? focus.comparison95 ?? 'not-compared' : null,
      polarity: i.polarity, missingText: i.available ? missingText(focus) : 'Not available', decimals: 1,
    };
  });
  return {
    id: 'spine-chart',
    title: `${place} compared with ${report.benchmark.kind === 'parent' ? 'the area containing it' : report.benchmark.label}, ${month(report.period.from)} to ${month(report.period.to)}`,
    description: `Spine chart: one row per indicator. The centre line is the benchmark; the light bar is the range of the values of the partnership's ${AREA_TYPE_NAMES[report.areaType].plural} in the partnership and the dark band their 25th to 75th percentiles, with the worse or lower end on the left. The mark is ${place}'s value, its colour and shape giving the comparison at 95%. The table below gives the figures.`,
    benchmarkLabel: report.benchmark.kind === 'parent' ? 'Containing area' : report.benchmark.kind === 'value' ? 'Value entered' : 'Benchmark',
    rows,
  };
}

export function comparisonChartOptions(report: ReportBase, i: IndicatorResult): ComparisonChartOptions {
  const sorted = [...i.areas].sort((a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY));
  const shown = sorted.slice(0, MAX_COMPARISON_ROWS);
  const rows: ComparisonRow[] = [i.partnership!, ...shown].map((f, index) => ({
    label: f.name,
    value: f.value, lower: f.lower95, upper: f.upper95,
    comparison: f.value === null ? null : f.comparison95 ?? 'not-compared', missingText: missingText(f),
    highlight: index === 0 || (report.area !== null && f.code === report.area.code && f.type === report.area.type),
  }));
  const single = report.benchmark.kind !== 'parent' && i.partnership ? (report.benchmark.kind === 'partnership' ? i.partnership.value : i.partnership.benchmark.value) : null;
  return {
    id: `compare-${i.code.toLowerCase()}`,
    title: `${i.name}: ${AREA_TYPE_NAMES[report.areaType].plural} compared with ${report.benchmark.kind === 'parent' ? 'the area containing each' : report.benchmark.label}`,
    description: `${report.partnership.name}, ${month(report.period.from)} to ${month(report.period.to)}: each area's value ${per(i.multiplier)} with its 95% confidence interval, marked by its comparison with the benchmark${single !== null ? ' (the dashed line)' : ''}.${sorted.length > shown.length ? ` The ${shown.length} highest of ${sorted.length} areas are drawn; the table has them all.` : ''} The table below gives the figures.`,
    rows, benchmark: single !== null ? { value: single, label: report.benchmark.label } : null,
    valueLabel: `${i.name.replace(/ per [\d,]+$/, '')} ${per(i.multiplier)}`, intervalLabel: '95% confidence interval',
  };
}

export function trendChartOptions(i: IndicatorResult): IntervalTrendChartOptions {
  const t = i.trend!;
  return {
    id: `trend-${i.code.toLowerCase()}`,
    title: `${i.name}, ${t.place}: ${t.mode === 'rolling' ? 'rolling twelve months' : 'by year'}`,
    description: `${t.place}: the value ${per(i.multiplier)} for each ${t.mode === 'rolling' ? 'twelve months to the month shown' : 'year to the month shown'}, with its 95% confidence interval as a band${t.benchmarkLabel ? ` and ${t.benchmarkLabel} dashed` : ''}. Periods with months missing or a suppressed count are left out. The table below gives the figures.`,
    points: t.points.map((p) => ({ label: p.label, value: p.value, lower: p.lower95, upper: p.upper95, comparison: p.value === null ? null : p.comparison95 ?? 'not-compared', benchmark: p.benchmark })),
    yLabel: per(i.multiplier), benchmarkLabel: t.benchmarkLabel,
  };
}
