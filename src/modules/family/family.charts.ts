/**
 * The family chart of one indicator, drawn from the same (suppressed where needed)
 * figures as the table beside it, so that the chart never shows what the table hides.
 */
import { familyChart } from '../../shared/charts/family-chart.ts';
import type { IndicatorComparison } from './comparison.ts';

export function familyTrendChart(indicator: IndicatorComparison, ownName: string): string | null {
  const trend = indicator.trend;
  if (trend.length === 0) return null;
  const members = trend[0]!.members.map((m, i) => ({ name: m.name, values: trend.map((p) => p.members[i]?.rate ?? null) }));
  const unit = indicator.multiplier === 100_000 ? 'per 100,000 residents' : `per ${indicator.multiplier.toLocaleString('en-GB')} residents`;
  return familyChart({
    id: `family-chart-${indicator.code.replace(/[^A-Za-z0-9_-]/g, '-')}`,
    title: `${indicator.label}: ${ownName} and its family, ${trend[0]!.period.label} to ${trend[trend.length - 1]!.period.label}`,
    description: `${ownName}'s rate (blue line) against the family average (dashed line) and each of the ${members.length} family members (thin grey lines), ${unit}, for each period. The table below gives every figure.`,
    xLabels: trend.map((p) => p.period.label),
    highlight: { name: ownName, values: trend.map((p) => p.own?.rate ?? null) },
    average: { name: 'Family average', values: trend.map((p) => p.familyAverage?.value ?? null) },
    context: members,
    contextLabel: 'Family members (one line each)',
    yLabel: unit.charAt(0).toUpperCase() + unit.slice(1),
  });
}
