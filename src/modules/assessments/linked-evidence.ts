/**
 * The parts of an assessment that come from the indicators, family and cost-of-crime
 * modules, gathered as the publication reader sees them (suppressed), and their charts.
 */
import type { Db } from '../../db/connection.ts';
import type { Actor } from '../../shared/authorization.ts';
import { barChart } from '../../shared/charts/index.ts';
import { costOfCrime, type CostsView } from '../costs/costs.service.ts';
import { chartSvg, indicatorReport, type IndicatorReport } from '../indicators/indicators.service.ts';
import { familyTrendChart } from '../family/family.charts.ts';
import { familyComparison, type FamilyComparison } from '../family/family.service.ts';
import type { Evidence } from './evidence.service.ts';

/** The indicators for the period: the partnership and its areas against the partnership, with yearly trends. */
export type IndicatorEvidence = IndicatorReport;
/** The partnership against its most similar partnerships: members, and per indicator the latest period, trend and change. */
export type FamilyEvidence = Pick<FamilyComparison, 'indicators' | 'notes' | 'definitions'> & {
  members: Array<{ name: string; distance: number | null }>;
  howChosen: string;
};

export type CostEvidence = Pick<CostsView, 'priceBase' | 'prices' | 'total' | 'byAgency' | 'byCategory' | 'besideTotal' | 'notes'> & {
  level: CostsView['byArea']['level'];
  /** The ten areas whose crime cost most. */
  topAreas: CostsView['byArea']['rows'];
};

/** The money a figure is compared on: today's prices when the partnership has set an index. */
export function moneyValue(money: { base: number | null; today: number | null }): number | null {
  return money.today ?? money.base;
}

export async function gatherIndicators(db: Db, reader: Actor, from: string, to: string): Promise<IndicatorEvidence> {
  return indicatorReport(db, reader, { from, to, trend: 'year' });
}
/** Null while no comparators' figures are loaded: the section then says how to load them. */
export async function gatherFamily(db: Db, reader: Actor): Promise<FamilyEvidence | null> {
  const comparison = await familyComparison(db, reader);
  if (comparison.indicators.length === 0) return null;
  return {
    indicators: comparison.indicators, notes: comparison.notes, definitions: comparison.definitions,
    members: comparison.family.members.map((m) => ({ name: m.name, distance: m.distance })), howChosen: comparison.family.howChosen,
  };
}

export async function gatherCosts(db: Db, reader: Actor, from: string, to: string): Promise<CostEvidence> {
  const view = await costOfCrime(db, reader, { from, to });
  const topAreas = view.byArea.rows.filter((r) => r.cost.base !== null && r.cost.base > 0)
    .sort((a, b) => (moneyValue(b.cost) ?? 0) - (moneyValue(a.cost) ?? 0)).slice(0, 10);
  return {
    priceBase: view.priceBase, prices: view.prices, total: view.total, byAgency: view.byAgency, byCategory: view.byCategory,
    besideTotal: view.besideTotal, notes: view.notes, level: view.byArea.level, topAreas,
  };
}

export function linkedCharts(e: Evidence): Record<string, string> {
  const charts: Record<string, string> = {};
  if (e.costs && e.costs.total.cost.base) {
    const today = e.costs.prices.factor !== null;
    charts.costsByAgency = barChart({
      id: 'costs-by-agency-chart',
      title: `Cost of police-recorded crime by who bears it (${today ? 'today\'s prices' : `${e.costs.priceBase} prices`})`,
      description: 'The estimated cost of the crime recorded in the period, split between the agencies and people who bear it, at Home Office unit costs. The table gives the figures.',
      bars: e.costs.byAgency.map((a) => ({ label: a.label, value: moneyValue(a.cost) })),
      valueLabel: 'Pounds',
      decimals: 0,
    });
  }
  if (e.indicators) {
    if (e.indicators.charts.spine) charts.spine = chartSvg(e.indicators, 'spine');
    for (const i of e.indicators.indicators) {
      if (e.indicators.charts.trends[i.code]) charts[`trend-${i.code}`] = chartSvg(e.indicators, 'trend', i.code);
    }
  }
  for (const i of e.family?.indicators ?? []) {
    const chart = familyTrendChart(i, e.partnership.name);
    if (chart) charts[`family-${i.code}`] = chart;
  }
  return charts;
}
