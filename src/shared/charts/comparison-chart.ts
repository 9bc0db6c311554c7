import { niceTicks, tickDecimals } from './nice-ticks.ts';
import { comparisonLegend, comparisonMark, type ComparisonClass } from './spine-chart.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE,
  element, estimateTextWidth, formatNumber, svgDocument, textElement, titleBlock, wrapText,
} from './svg.ts';

export type ComparisonRow = {
  label: string;
  /** null when suppressed or not available: the row keeps its label and says why. */
  value: number | null;
  lower: number | null;
  upper: number | null;
  comparison: ComparisonClass | null;
  missingText?: string;
  /** The area being looked at: its label is bold, so it is not told by colour alone. */
  highlight?: boolean;
};

export type ComparisonChartOptions = {
  id: string;
  title: string;
  description: string;
  rows: ComparisonRow[];
  /** The benchmark line across every row; null draws none (each row has its own, e.g. its parent area). */
  benchmark: { value: number; label: string } | null;
  valueLabel: string;
  intervalLabel?: string;
  width?: number;
  decimals?: number;
};

const ROW_MIN = 30;
const MARK_SIZE = 13;
const CAP = 6;

/**
 * Areas compared with a benchmark, Fingertips' "compare areas" view: one row per area, its
 * value as a mark (colour and shape from its comparison) with the confidence interval as a
 * whisker, and the benchmark as a vertical line. The axis starts at zero, since rates are.
 */
export function comparisonChart(options: ComparisonChartOptions): string {
  const { id, rows } = options;
  const width = options.width ?? 760;
  if (rows.length === 0) throw new RangeError('A comparison chart needs at least one row');
  const decimals = options.decimals ?? 1;
  const extent = rows.flatMap((r) => (r.value === null ? [] : [r.value, r.lower, r.upper])).filter((v): v is number => v !== null);
  if (options.benchmark) extent.push(options.benchmark.value);

  const title = titleBlock(options.title, width);
  const used = [...new Set(rows.filter((r) => r.value !== null).map((r) => r.comparison ?? 'not-compared'))];
  const lead = [{
    width: 40 + estimateTextWidth(options.intervalLabel ?? '95% confidence interval') + 20,
    markup: (x: number, y: number) => whisker(x + 2, x + 32, y - 5) + textElement(options.intervalLabel ?? '95% confidence interval', { x: x + 40, y }),
  }];
  if (options.benchmark) {
    const text = `${options.benchmark.label} (${formatNumber(options.benchmark.value, decimals)})`;
    lead.push({
      width: 24 + estimateTextWidth(text) + 20,
      markup: (x: number, y: number) => element('line', { x1: x + 8, x2: x + 8, y1: y - 14, y2: y + 4, stroke: PALETTE.text, 'stroke-width': 2, 'stroke-dasharray': '5 3' }) + textElement(text, { x: x + 24, y }),
    });
  }
  const legend = comparisonLegend(used, width, title.bottom, lead);

  const labelColumn = Math.min(width * 0.36, Math.max(...rows.map((r) => estimateTextWidth(r.label, FONT_SIZE, r.highlight))));
  const labelLines = rows.map((r) => wrapText(r.label, labelColumn, FONT_SIZE, r.highlight));
  const heights = labelLines.map((lines) => Math.max(ROW_MIN, lines.length * LINE_HEIGHT + 8));
  const valueTexts = rows.map((r) => (r.value === null ? r.missingText ?? 'No figure' : formatNumber(r.value, decimals)));
  const valueColumn = Math.max(...valueTexts.map((t) => estimateTextWidth(t))) + 12;

  const ticks = niceTicks(0, extent.length ? Math.max(...extent) : 1);
  const hi = ticks[ticks.length - 1]!;
  const tickDp = tickDecimals(ticks);
  const plotLeft = MARGIN + labelColumn + 12;
  const plotRight = width - MARGIN - valueColumn;
  if (plotRight - plotLeft < 120) throw new RangeError(`Comparison chart width ${width} leaves no room for the plot`);
  const xAt = (v: number) => plotLeft + (v / hi) * (plotRight - plotLeft);
  const plotTop = legend.bottom + 8;
  const plotBottom = plotTop + heights.reduce((a, b) => a + b, 0);

  const parts: string[] = [title.markup, legend.markup];
  parts.push(element('g', { class: 'lantern-chart__grid' }, ticks.map((t) =>
    element('line', { x1: xAt(t), x2: xAt(t), y1: plotTop, y2: plotBottom, stroke: PALETTE.border, 'stroke-width': 1 }) +
    textElement(formatNumber(t, tickDp), { x: xAt(t), y: plotBottom + 8 + FONT_SIZE, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' })).join('')));

  let top = plotTop;
  rows.forEach((row, i) => {
    const h = heights[i]!;
    const mid = top + h / 2;
    const lines = labelLines[i]!;
    const out: string[] = [textElement(lines, {
      x: MARGIN + labelColumn, y: mid + 5 - ((lines.length - 1) * LINE_HEIGHT) / 2, 'text-anchor': 'end',
      'font-weight': row.highlight ? 'bold' : undefined, class: 'lantern-chart__label',
    })];
    if (row.value === null) {
      out.push(textElement(valueTexts[i]!, { x: plotLeft + 6, y: mid + 5, fill: PALETTE.secondaryText, class: 'lantern-chart__missing' }));
    } else {
      // A suppressed figure never reaches here, so a whisker can never give one away.
      if (row.lower !== null && row.upper !== null) out.push(whisker(xAt(row.lower), xAt(row.upper), mid));
      const cls = row.comparison ?? 'not-compared';
      out.push(comparisonMark(cls, xAt(row.value), mid, MARK_SIZE,
        `${row.label}: ${valueTexts[i]}${row.lower !== null && row.upper !== null ? ` (${formatNumber(row.lower, decimals)} to ${formatNumber(row.upper, decimals)})` : ''}`));
      out.push(textElement(valueTexts[i]!, { x: plotRight + 10, y: mid + 5, class: 'lantern-chart__value' }));
    }
    parts.push(element('g', { class: 'lantern-chart__row', 'data-label': row.label }, out.join('')));
    top += h;
  });
  if (options.benchmark) {
    parts.push(element('line', { x1: xAt(options.benchmark.value), x2: xAt(options.benchmark.value), y1: plotTop, y2: plotBottom, stroke: PALETTE.text, 'stroke-width': 2, 'stroke-dasharray': '5 3', class: 'lantern-chart__benchmark', 'data-value': options.benchmark.value }));
  }
  parts.push(textElement(options.valueLabel, {
    x: (plotLeft + plotRight) / 2, y: plotBottom + 8 + FONT_SIZE + 8 + LINE_HEIGHT, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__axis-label',
  }));
  const height = plotBottom + 8 + FONT_SIZE + 8 + LINE_HEIGHT + MARGIN;
  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}

function whisker(x1: number, x2: number, y: number): string {
  return element('g', { stroke: PALETTE.text, 'stroke-width': 2, class: 'lantern-chart__whisker' },
    element('line', { x1, x2, y1: y, y2: y }) +
    element('line', { x1, x2: x1, y1: y - CAP, y2: y + CAP }) +
    element('line', { x1: x2, x2, y1: y - CAP, y2: y + CAP }));
}
