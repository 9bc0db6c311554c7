/**
 * Turns an assessment version (its gathered figures and the analysts' words) into the
 * document: sections in the template's order, each with its narrative, charts and tables.
 * The same view feeds the draft page and the published HTML and PDF, so what was reviewed
 * is what is published.
 */
import type { AssessmentTemplate } from '../../db/schema.ts';
import { barChart, choropleth, heatmap, lineChart, polygonsOf } from '../../shared/charts/index.ts';
import { hiddenViolenceChart } from '../analysis/charts.ts';
import { linkedCharts, moneyValue } from './linked-evidence.ts';
import { TEMPLATES, type Evidence, type PriorityAnalysis } from './evidence.service.ts';

export type SectionKey = 'summary' | 'priorities' | 'analysis' | 'hidden-violence' | 'indicators' | 'family' | 'costs' | 'sources';

export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Summary',
  priorities: 'Recommended priorities',
  analysis: 'Analysis of each priority',
  'hidden-violence': 'Violence the police do not hear about, and when violence happens',
  indicators: 'Outcome indicators',
  family: 'Comparison with similar partnerships',
  costs: 'Cost of crime to each agency',
  sources: 'Data sources, coverage and caveats',
};

export const TEMPLATE_SECTIONS: Record<AssessmentTemplate, SectionKey[]> = {
  'strategic-assessment': ['summary', 'priorities', 'analysis', 'indicators', 'family', 'costs', 'sources'],
  'violence-problem-profile': ['summary', 'analysis', 'hidden-violence', 'indicators', 'family', 'costs', 'sources'],
};

export type Narrative = Partial<Record<SectionKey, string>>;

export type DocumentSection = { key: SectionKey; title: string; paragraphs: string[]; text: string };

export type DocumentView = {
  title: string;
  templateTitle: string;
  partnership: Evidence['partnership'];
  periodLabel: string;
  findings: string[];
  sections: DocumentSection[];
  evidence: Evidence;
  charts: Record<string, string>;
  analyses: Array<PriorityAnalysis & { trendChart: string; mapChart: string; anchor: string }>;
};

const LEVEL_NAMES: Record<PriorityAnalysis['map']['level'], string> = {
  lad: 'local authority', ward: 'ward', lsoa11: 'LSOA', lsoa21: 'LSOA', msoa21: 'MSOA', neighbourhood: 'neighbourhood',
};

const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
export const monthName = (m: string) => monthFormat.format(new Date(`${m}-01T00:00:00Z`));
const monthShort = (m: string) => shortMonth.format(new Date(`${m}-01T00:00:00Z`));
const number = new Intl.NumberFormat('en-GB');
const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', maximumFractionDigits: 0 });

export function periodLabel(from: string, to: string): string {
  return `${monthName(from)} to ${monthName(to)}`;
}

/** Paragraphs are separated by a blank line; the words are shown as written, never as markup. */
export function paragraphs(text: string | undefined): string[] {
  return (text ?? '').split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter((p) => p !== '');
}

/** The headline findings, written from the figures so that every version states them the same way. */
export function keyFindings(e: Evidence): string[] {
  const findings: string[] = [];
  const period = periodLabel(e.period.from, e.period.to);
  const sharing = e.coverage.agencies.filter((a) => a.shared).length;
  if (e.total.count !== null) {
    const change = e.total.change ? `, ${e.total.change.verdict} on the same months a year earlier` : '';
    const rate = e.total.rate !== null ? ` (${e.total.rate.toFixed(1)} per 1,000 residents)` : '';
    findings.push(`${number.format(e.total.count)} incidents${e.template === 'violence-problem-profile' ? ' of violence' : ''} were shared by ${sharing} of ${e.coverage.agencies.length} agencies for ${period}${rate}${change}.`);
  }
  const recommended = e.priorities.filter((p) => p.recommended);
  if (e.template === 'strategic-assessment' && recommended.length) {
    findings.push(`Recommended priorities: ${recommended.map((p) => `${p.label} (score ${p.total} of 20)`).join('; ')}.`);
  }
  for (const a of e.analyses) {
    const top = a.topAreas[0];
    if (top && top.rate !== null) findings.push(`${a.label}: the highest rate is in ${top.name}, ${top.rate.toFixed(1)} per 1,000 residents.`);
  }
  if (e.hiddenViolence?.total.ratio != null) {
    findings.push(`A&E departments recorded ${e.hiddenViolence.total.ratio.toFixed(2)} assault attendances for every violent crime the police recorded.`);
  }
  const totalCost = e.costs ? moneyValue(e.costs.total.cost) : null;
  if (e.costs && totalCost) {
    const prices = e.costs.prices.factor !== null ? "today's prices" : `${e.costs.priceBase} prices`;
    const nhs = e.costs.byAgency.find((a) => a.key === 'nhs');
    const nhsCost = nhs ? moneyValue(nhs.cost) : null;
    findings.push(`Police-recorded crime in this period cost an estimated ${pounds.format(totalCost)} at Home Office unit costs (${prices})${nhsCost ? `, of which ${pounds.format(nhsCost)} fell to the NHS` : ''}.`);
  }
  const missingSources = e.coverage.sources.filter((s) => s.missing.length > 0);
  const silent = e.coverage.agencies.filter((a) => !a.shared);
  if (silent.length) findings.push(`Not shared for this period: ${silent.map((a) => a.name).join(', ')}.`);
  if (missingSources.length) findings.push(`Months missing: ${missingSources.map((s) => `${s.name} (${s.missing.length})`).join(', ')}.`);
  return findings;
}

function priorityCharts(a: PriorityAnalysis, e: Evidence, index: number) {
  const anchor = `priority-${index + 1}`;
  const trendChart = lineChart({
    id: `${anchor}-trend`,
    title: `${a.label}: incidents per month`,
    description: `${a.label} each month of ${periodLabel(e.period.from, e.period.to)} (solid line) against the same month a year earlier (dashed). The table gives the figures.`,
    xLabels: a.trend.map((t) => monthShort(t.month)),
    series: [
      { name: 'This period', values: a.trend.map((t) => t.count), style: 'solid' },
      { name: 'A year earlier', values: a.trend.map((t) => t.previous), style: 'dashed' },
    ],
    yLabel: 'Incidents',
  });
  const mapChart = choropleth({
    id: `${anchor}-map`,
    title: `${a.label}: incidents per 1,000 residents by ${LEVEL_NAMES[a.map.level]}`,
    description: `Map of ${a.label.toLowerCase()} rates per 1,000 residents in each area, darker is higher. The table of the highest rates and the area list give the figures.`,
    areas: e.outlines.map((o) => ({ name: o.name, polygons: polygonsOf(o.geometry), classIndex: a.map.classes[o.code] ?? null })),
    legend: a.map.legend,
    noValueLabel: 'No figure (suppressed or no residents)',
  });
  return { ...a, trendChart, mapChart, anchor };
}

export function documentView(e: Evidence, narrative: Narrative, title: string): DocumentView {
  const charts: Record<string, string> = {};
  if (e.byCategory.length) {
    charts.categories = barChart({
      id: 'categories-chart',
      title: 'Incidents by category',
      description: `Incidents shared for ${periodLabel(e.period.from, e.period.to)} by category. The table gives the figures.`,
      bars: [...e.byCategory].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)).map((c) => ({ label: c.label, value: c.count })),
      valueLabel: 'Incidents',
    });
  }
  if (e.hiddenViolence) charts.hiddenViolence = hiddenViolenceChart(e.hiddenViolence, e.partnership.name);
  if (e.when && e.when.heatmap.total) {
    charts.when = heatmap({
      id: 'when-heatmap',
      title: 'Violence by day of the week and hour of the day',
      description: 'Violence recorded with a time (A&E and timed incident lists), by weekday and hour starting, Europe/London time. The table gives the figures.',
      rowLabels: e.when.heatmap.days,
      columnLabels: e.when.heatmap.hours.map((h) => String(h).padStart(2, '0')),
      values: e.when.heatmap.values,
      valueLabel: 'Incidents',
    });
  }
  Object.assign(charts, linkedCharts(e));
  return {
    title,
    templateTitle: TEMPLATES[e.template].title,
    partnership: e.partnership,
    periodLabel: periodLabel(e.period.from, e.period.to),
    findings: keyFindings(e),
    sections: TEMPLATE_SECTIONS[e.template].map((key) => ({ key, title: SECTION_TITLES[key], paragraphs: paragraphs(narrative[key]), text: narrative[key] ?? '' })),
    evidence: e,
    charts,
    analyses: e.analyses.map((a, i) => priorityCharts(a, e, i)),
  };
}
