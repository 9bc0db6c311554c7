import { niceTicks, tickDecimals } from './nice-ticks.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE, SUPPRESSED_TEXT,
  autoDecimals, element, escapeXml, estimateTextWidth, formatNumber, svgDocument, textElement, titleBlock, wrapText,
} from './svg.ts';

export type Bar = {
  label: string;
  /** null: the figure is suppressed; the row stays, labelled, with no bar. */
  value: number | null;
  /** Confidence interval ends, drawn as a whisker; give both or neither. */
  lower?: number;
  upper?: number;
  /** The area being looked at, among its comparators. */
  highlight?: boolean;
};

export type BarChartOptions = {
  /** Unique on the page: used for the title/desc ids that name the chart. */
  id: string;
  title: string;
  description: string;
  bars: Bar[];
  /** What the bar length measures, shown under the axis ("Rate per 1,000 residents"). */
  valueLabel: string;
  orientation?: 'horizontal';
  width?: number;
  decimals?: number;
  /** Key text for the whiskers, e.g. "95% confidence interval". */
  intervalLabel?: string;
};

const BAR_THICKNESS = 22;
const MIN_ROW = 36;
const WHISKER_CAP = 7;

/**
 * Horizontal bars, so long area names read level. Scale starts at zero (bar length must be
 * proportional to value) and ends on a nice tick covering every value and interval end.
 * A highlighted bar is darker and its label bold, so it is not told by colour alone.
 */
export function barChart(options: BarChartOptions): string {
  const { id, bars } = options;
  const width = options.width ?? 760;
  if (bars.length === 0) throw new RangeError('A bar chart needs at least one bar');
  for (const bar of bars) {
    if ((bar.lower === undefined) !== (bar.upper === undefined)) throw new RangeError(`Bar "${bar.label}" has only one interval end`);
    if (bar.lower !== undefined && bar.upper !== undefined && bar.lower > bar.upper) throw new RangeError(`Bar "${bar.label}" has lower > upper`);
  }
  // A suppressed bar's interval would give away the value it hides, so it is never drawn.
  const shown = bars.map((b) => (b.value === null ? { ...b, lower: undefined, upper: undefined } : b));
  const decimals = options.decimals ?? autoDecimals(shown.flatMap((b) => [b.value, b.lower ?? null, b.upper ?? null]));
  const valueText = bars.map((b) => (b.value === null ? SUPPRESSED_TEXT : formatNumber(b.value, decimals)));
  const extent = shown.flatMap((b) => [b.value, b.lower, b.upper]).filter((v): v is number => typeof v === 'number');
  const hasInterval = shown.some((b) => b.lower !== undefined);

  const title = titleBlock(options.title, width);
  let top = title.bottom;
  const parts: string[] = [title.markup];
  if (hasInterval) {
    const y = top + FONT_SIZE + 4;
    const label = options.intervalLabel ?? 'Confidence interval';
    parts.push(element('g', { class: 'lantern-chart__legend' },
      whisker(MARGIN + 2, MARGIN + 34, y - 5) + textElement(label, { x: MARGIN + 44, y })));
    top = y + 8;
  }

  const labelColumn = Math.min(width * 0.4, Math.max(...bars.map((b) => estimateTextWidth(b.label, FONT_SIZE, b.highlight))));
  const labelLines = bars.map((b) => wrapText(b.label, labelColumn, FONT_SIZE, b.highlight));
  const rowHeights = labelLines.map((lines) => Math.max(MIN_ROW, lines.length * LINE_HEIGHT + 12));
  // "Suppressed" sits at the zero line, inside the plot, so only figures need room at the end.
  const valueColumn = Math.max(0, ...valueText.filter((_, i) => bars[i]!.value !== null).map((t) => estimateTextWidth(t))) + 10;

  const ticks = niceTicks(Math.min(0, ...extent), Math.max(0, ...extent));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const tickDp = tickDecimals(ticks);
  // Labels of negative bars sit left of the bar, so reserve their width on that side too.
  const plotLeft = MARGIN + labelColumn + 12 + (lo < 0 ? valueColumn : 0);
  const plotRight = width - MARGIN - valueColumn;
  if (plotRight - plotLeft < 100) throw new RangeError(`Bar chart width ${width} leaves no room for the bars`);
  const xAt = (v: number) => plotLeft + ((v - lo) / (hi - lo)) * (plotRight - plotLeft);

  const plotTop = top + 8;
  const plotBottom = plotTop + rowHeights.reduce((a, b) => a + b, 0);
  const height = plotBottom + 8 + FONT_SIZE + 8 + LINE_HEIGHT + MARGIN;

  const grid = ticks.map((t) =>
    element('line', { x1: xAt(t), x2: xAt(t), y1: plotTop, y2: plotBottom, stroke: PALETTE.border, 'stroke-width': 1 }) +
    textElement(formatNumber(t, tickDp), { x: xAt(t), y: plotBottom + 8 + FONT_SIZE, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' }));
  parts.push(element('g', { class: 'lantern-chart__grid' }, grid.join('')));

  let rowTop = plotTop;
  shown.forEach((bar, i) => {
    const rowHeight = rowHeights[i]!;
    const centre = rowTop + rowHeight / 2;
    const lines = labelLines[i]!;
    const row: string[] = [];
    row.push(textElement(lines, {
      x: MARGIN + labelColumn, y: centre + 5 - ((lines.length - 1) * LINE_HEIGHT) / 2,
      'text-anchor': 'end', 'font-weight': bar.highlight ? 'bold' : undefined, class: 'lantern-chart__label',
    }));
    if (bar.value === null) {
      row.push(textElement(SUPPRESSED_TEXT, { x: xAt(0) + 8, y: centre + 5, fill: PALETTE.secondaryText, class: 'lantern-chart__suppressed' }));
    } else {
      const x0 = xAt(0);
      const x1 = xAt(bar.value);
      const tooltip = element('title', {}, escapeXml(`${bar.label}: ${valueText[i]}` +
        (bar.lower !== undefined ? ` (${formatNumber(bar.lower, decimals)} to ${formatNumber(bar.upper!, decimals)})` : '')));
      row.push(element('rect', {
        x: Math.min(x0, x1), y: centre - BAR_THICKNESS / 2, width: Math.abs(x1 - x0), height: BAR_THICKNESS,
        fill: bar.highlight ? PALETTE.darkBlue : PALETTE.blue, class: 'lantern-chart__bar', 'data-value': bar.value,
      }, tooltip));
      if (bar.lower !== undefined && bar.upper !== undefined) row.push(whisker(xAt(bar.lower), xAt(bar.upper), centre));
      const negative = bar.value < 0;
      const end = negative ? Math.min(x1, xAt(bar.lower ?? bar.value)) - 6 : Math.max(x1, xAt(bar.upper ?? bar.value)) + 6;
      row.push(textElement(valueText[i]!, { x: end, y: centre + 5, 'text-anchor': negative ? 'end' : 'start', class: 'lantern-chart__value' }));
    }
    parts.push(element('g', { class: 'lantern-chart__row' }, row.join('')));
    rowTop += rowHeight;
  });

  // Zero line last, over the bars, so the baseline every bar is measured from stays visible.
  parts.push(element('line', { x1: xAt(0), x2: xAt(0), y1: plotTop, y2: plotBottom, stroke: PALETTE.text, 'stroke-width': 2, class: 'lantern-chart__baseline' }));
  parts.push(textElement(options.valueLabel, {
    x: (plotLeft + plotRight) / 2, y: plotBottom + 8 + FONT_SIZE + 8 + LINE_HEIGHT,
    'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__axis-label',
  }));

  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}

/** A whisker with end caps. The white halo keeps it visible where it crosses a dark bar. */
function whisker(x1: number, x2: number, y: number): string {
  const shape = (stroke: string, strokeWidth: number, cls?: string) => element('g', { stroke, 'stroke-width': strokeWidth, 'stroke-linecap': 'butt', class: cls },
    element('line', { x1, x2, y1: y, y2: y, class: cls ? 'lantern-chart__whisker-span' : undefined }) +
    element('line', { x1, x2: x1, y1: y - WHISKER_CAP, y2: y + WHISKER_CAP, class: cls ? 'lantern-chart__whisker-lower' : undefined }) +
    element('line', { x1: x2, x2, y1: y - WHISKER_CAP, y2: y + WHISKER_CAP, class: cls ? 'lantern-chart__whisker-upper' : undefined }));
  return shape(PALETTE.white, 5) + shape(PALETTE.text, 2, 'lantern-chart__whisker');
}
