/**
 * The cost of crime chart: cost to each agency, drawn from the same (suppressed where
 * needed) figures as the table beside it, so the chart never shows what the table hides.
 */
import { barChart } from '../../shared/charts/index.ts';
import type { CostsView } from './costs.service.ts';

const monthLabel = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
const label = (month: string) => monthLabel.format(new Date(`${month}-01T00:00:00Z`));

/** Cost by agency, in today's prices when the partnership has an index, else in 2015/16 prices. */
export function agencyChart(view: CostsView): string | null {
  if (view.total.cost.base === null || view.total.cost.base === 0) return null;
  const today = view.prices.factor !== null;
  const prices = today ? `${view.prices.label} prices` : `${view.priceBase} prices`;
  return barChart({
    id: 'cost-by-agency-chart',
    title: `Cost of crime to each agency, ${label(view.period.from)} to ${label(view.period.to)} (${prices})`,
    description: `${view.partnership.name}: the cost of police-recorded crime in the period, by who bears it, using the Home Office unit costs. "Not split" is the part whose split between agencies could not be verified. The table below gives the figures.`,
    bars: view.byAgency.map((a) => ({ label: a.label, value: today ? a.cost.today : a.cost.base })),
    valueLabel: `£, ${prices}`,
    decimals: 0,
  });
}
