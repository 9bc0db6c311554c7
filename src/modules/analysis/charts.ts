/**
 * The charts of the analysis views, drawn from the same (suppressed where needed) figures
 * as the tables beside them, so that a chart never shows what its table hides.
 */
import { barChart, heatmap, lineChart } from '../../shared/charts/index.ts';
import type { Overview } from './overview.service.ts';
import type { DecileRow, HiddenViolence, WhenView } from './patterns.service.ts';

const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const label = (month: string) => monthLabel.format(new Date(`${month}-01T00:00:00Z`));

export function trendChart(o: Overview, place: string): string {
  return lineChart({
    id: 'trend-chart',
    title: `Incidents per month, ${label(o.period.from)} to ${label(o.period.to)}`,
    description: `${place}: incidents each month (solid line) against the same month a year earlier (dashed line). The table below gives the figures.`,
    xLabels: o.trend.map((t) => label(t.month)),
    series: [
      { name: `${label(o.period.from)} to ${label(o.period.to)}`, values: o.trend.map((t) => t.count), style: 'solid' },
      { name: 'A year earlier', values: o.trend.map((t) => t.previous), style: 'dashed' },
    ],
    yLabel: 'Incidents',
  });
}

export function weekHeatmap(w: WhenView, place: string): string {
  return heatmap({
    id: 'week-heatmap',
    title: 'Incidents by day of the week and hour of the day',
    description: `${place}: incidents from sources that record a time, by weekday (rows) and hour starting (columns), Europe/London time. The table below gives the figures.`,
    rowLabels: w.heatmap.days,
    columnLabels: w.heatmap.hours.map((h) => String(h).padStart(2, '0')),
    values: w.heatmap.values,
    valueLabel: 'Incidents',
  });
}

export function seasonalityChart(w: WhenView, place: string): string {
  return barChart({
    id: 'seasonality-chart',
    title: 'Average incidents per calendar month',
    description: `${place}: the average number of incidents in each calendar month over the months held. The table below gives the figures.`,
    bars: w.seasonality.map((s) => ({ label: s.label, value: s.average })),
    valueLabel: 'Average incidents',
  });
}

export function decileChart(rows: DecileRow[], place: string): string {
  return barChart({
    id: 'decile-chart',
    title: 'Incidents per 1,000 residents by deprivation decile',
    description: `${place}: rates by Index of Multiple Deprivation 2019 decile, 1 the most deprived, with 95% confidence intervals. The table below gives the figures.`,
    bars: rows.map((r) => ({
      label: `Decile ${r.decile}${r.decile === 1 ? ' (most deprived)' : r.decile === 10 ? ' (least deprived)' : ''}`,
      value: r.rate, ...(r.lower !== null && r.upper !== null ? { lower: r.lower, upper: r.upper } : {}),
    })),
    valueLabel: 'Incidents per 1,000 residents',
    intervalLabel: '95% confidence interval',
  });
}

export function hiddenViolenceChart(hv: HiddenViolence, place: string): string {
  const rows = hv.byArea.rows.filter((r) => r.ratio !== null).sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0));
  return barChart({
    id: 'hidden-violence-chart',
    title: 'A&E assault attendances per police-recorded violent crime',
    description: `${place}: the ratio of A&E-recorded assaults to police-recorded violence by area, with exact 95% intervals. Above 1, A&E sees more assaults than the police record. The table below gives the figures.`,
    bars: rows.map((r) => ({ label: r.label, value: r.ratio, ...(r.lower !== null && r.upper !== null ? { lower: r.lower, upper: r.upper } : {}) })),
    valueLabel: 'A&E assaults per police-recorded violent crime',
    intervalLabel: '95% confidence interval',
  });
}
