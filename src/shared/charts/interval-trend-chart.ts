import { niceTicks, tickDecimals } from './nice-ticks.ts';
import { comparisonLegend, comparisonMark, type ComparisonClass } from './spine-chart.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE,
  element, estimateTextWidth, formatNumber, px, svgDocument, textElement, titleBlock,
} from './svg.ts';

export type TrendPoint = {
  label: string;
  /** null: suppressed, or a period with months missing; the line and band break there. */
  value: number | null;
  lower: number | null;
  upper: number | null;
  comparison: ComparisonClass | null;
  /** The benchmark for this period, drawn as a dashed line; null where there is none. */
  benchmark: number | null;
};

export type IntervalTrendChartOptions = {
  id: string;
  title: string;
  description: string;
  points: TrendPoint[];
  yLabel: string;
  benchmarkLabel: string | null;
  intervalLabel?: string;
  width?: number;
  height?: number;
  decimals?: number;
};

const BAND_FILL = '#c6dcee';

/**
 * An indicator over time (Fingertips' trend view): the value as a line with a mark per
 * period coloured and shaped by its comparison with that period's benchmark, the 95%
 * interval as a shaded band, and the benchmark dashed. Gaps break the line and the band,
 * so nothing is drawn for a period without a figure.
 */
export function intervalTrendChart(options: IntervalTrendChartOptions): string {
  const { id, points } = options;
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  if (points.length === 0) throw new RangeError('A trend chart needs at least one period');
  const decimals = options.decimals ?? 1;
  const values = points.flatMap((p) => [p.value === null ? null : p.upper ?? p.value, p.benchmark]).filter((v): v is number => v !== null);

  const title = titleBlock(options.title, width);
  const intervalLabel = options.intervalLabel ?? '95% confidence interval';
  const lead = [
    { width: 40 + estimateTextWidth('Value') + 20, markup: (x: number, y: number) => element('line', { x1: x, x2: x + 32, y1: y - 5, y2: y - 5, stroke: PALETTE.blue, 'stroke-width': 3 }) + textElement('Value', { x: x + 40, y }) },
    { width: 40 + estimateTextWidth(intervalLabel) + 20, markup: (x: number, y: number) => element('rect', { x, y: y - 13, width: 32, height: 14, fill: BAND_FILL, stroke: PALETTE.blue, 'stroke-width': 1 }) + textElement(intervalLabel, { x: x + 40, y }) },
  ];
  if (options.benchmarkLabel && points.some((p) => p.benchmark !== null)) {
    lead.push({ width: 40 + estimateTextWidth(options.benchmarkLabel) + 20, markup: (x: number, y: number) => element('line', { x1: x, x2: x + 32, y1: y - 5, y2: y - 5, stroke: PALETTE.text, 'stroke-width': 2, 'stroke-dasharray': '6 4' }) + textElement(options.benchmarkLabel!, { x: x + 40, y }) });
  }
  const used = [...new Set(points.filter((p) => p.value !== null).map((p) => p.comparison ?? 'not-compared'))];
  const legend = comparisonLegend(used, width, title.bottom, lead);

  const yLabelY = legend.bottom + LINE_HEIGHT;
  const plotTop = yLabelY + 16;
  const ticks = niceTicks(0, values.length ? Math.max(...values) : 1);
  const tickDp = tickDecimals(ticks);
  const hi = ticks[ticks.length - 1]!;
  const plotLeft = MARGIN + Math.max(...ticks.map((t) => estimateTextWidth(formatNumber(t, tickDp)))) + 10;
  const plotRight = width - MARGIN;
  const n = points.length;
  const widest = Math.max(...points.map((p) => estimateTextWidth(p.label)));
  // The first and last periods sit in from the plot's ends by half a label, so their labels stay inside.
  const inset = Math.max(10, widest / 2);
  const spacing = n > 1 ? (plotRight - plotLeft - 2 * inset) / (n - 1) : 0;
  const xAt = (i: number) => (n > 1 ? plotLeft + inset + i * spacing : (plotLeft + plotRight) / 2);
  const every = n > 1 ? Math.max(1, Math.ceil((widest + 10) / spacing)) : 1;
  const plotBottom = height - MARGIN - LINE_HEIGHT - 8;
  if (plotBottom - plotTop < 80) throw new RangeError(`Trend chart height ${height} leaves no room for the plot`);
  const yAt = (v: number) => plotBottom - (v / hi) * (plotBottom - plotTop);

  const parts: string[] = [title.markup, legend.markup];
  parts.push(textElement(options.yLabel, { x: MARGIN, y: yLabelY, fill: PALETTE.secondaryText, class: 'lantern-chart__axis-label' }));
  parts.push(element('g', { class: 'lantern-chart__grid' }, ticks.map((t) =>
    element('line', { x1: plotLeft, x2: plotRight, y1: yAt(t), y2: yAt(t), stroke: t === 0 ? PALETTE.text : PALETTE.border, 'stroke-width': 1 }) +
    textElement(formatNumber(t, tickDp), { x: plotLeft - 8, y: yAt(t) + 5, 'text-anchor': 'end', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' })).join('')));
  // The last label is always kept: it is the period the page is about.
  parts.push(element('g', { class: 'lantern-chart__x-axis' }, points.map((p, i) =>
    (i % every === 0 || i === n - 1) && !(i !== n - 1 && n - 1 - i < every)
      ? textElement(p.label, { x: xAt(i), y: plotBottom + 8 + FONT_SIZE, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' })
      : '').join('')));

  // Runs of consecutive periods with a figure and an interval: one band and one line each.
  const runs: number[][] = [];
  points.forEach((p, i) => {
    if (p.value === null) return;
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === i - 1) last.push(i);
    else runs.push([i]);
  });
  for (const run of runs) {
    const banded = run.filter((i) => points[i]!.lower !== null && points[i]!.upper !== null);
    if (banded.length === run.length && run.length > 1) {
      const upper = run.map((i) => `${px(xAt(i))} ${px(yAt(points[i]!.upper!))}`);
      const lower = [...run].reverse().map((i) => `${px(xAt(i))} ${px(yAt(points[i]!.lower!))}`);
      parts.push(element('path', { d: `M${upper.join('L')}L${lower.join('L')}Z`, fill: BAND_FILL, stroke: PALETTE.blue, 'stroke-width': 1, class: 'lantern-chart__band' }));
    } else {
      for (const i of banded) parts.push(element('line', { x1: xAt(i), x2: xAt(i), y1: yAt(points[i]!.lower!), y2: yAt(points[i]!.upper!), stroke: PALETTE.blue, 'stroke-width': 6, 'stroke-opacity': 0.4, class: 'lantern-chart__band' }));
    }
  }
  const benchmarkPath = pathOf(points.map((p) => p.benchmark), xAt, yAt);
  if (benchmarkPath) parts.push(element('path', { d: benchmarkPath, fill: 'none', stroke: PALETTE.text, 'stroke-width': 2, 'stroke-dasharray': '6 4', class: 'lantern-chart__benchmark' }));
  const valuePath = pathOf(points.map((p) => p.value), xAt, yAt);
  if (valuePath) parts.push(element('path', { d: valuePath, fill: 'none', stroke: PALETTE.blue, 'stroke-width': 3, 'stroke-linejoin': 'round', class: 'lantern-chart__line' }));
  parts.push(element('g', { class: 'lantern-chart__points' }, points.map((p, i) => p.value === null ? '' : comparisonMark(
    p.comparison ?? 'not-compared', xAt(i), yAt(p.value), 12,
    `${p.label}: ${formatNumber(p.value, decimals)}${p.lower !== null && p.upper !== null ? ` (${formatNumber(p.lower, decimals)} to ${formatNumber(p.upper, decimals)})` : ''}`,
  )).join('')));

  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}

function pathOf(values: ReadonlyArray<number | null>, xAt: (i: number) => number, yAt: (v: number) => number): string {
  const segments: string[] = [];
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    segments.push(`${pen ? 'L' : 'M'}${px(xAt(i))} ${px(yAt(v))}`);
    pen = true;
  });
  return segments.join(' ');
}
