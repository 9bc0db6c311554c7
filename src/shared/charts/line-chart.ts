import { niceTicks, tickDecimals } from './nice-ticks.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE, SUPPRESSED_TEXT,
  autoDecimals, element, escapeXml, estimateTextWidth, flowLegend, formatNumber, pointPlotAcross, px, svgDocument, textElement, titleBlock, wrapText,
} from './svg.ts';

export type LineSeries = {
  name: string;
  /** One value per x label; null is a month with no figure or a suppressed one. */
  values: Array<number | null>;
  style: 'solid' | 'dashed';
};

export type LineChartOptions = {
  /** Unique on the page: used for the title/desc ids that name the chart. */
  id: string;
  title: string;
  description: string;
  xLabels: string[];
  series: LineSeries[];
  yLabel: string;
  width?: number;
  height?: number;
  /** Decimals in labels; by default whole numbers for counts (see autoDecimals). */
  decimals?: number;
};

/** Solid lines first take blue; a dashed comparison (the same months a year earlier)
 * takes the secondary grey, so the current period stands out. All ≥ 3:1 on white. */
const SOLID_COLOURS = [PALETTE.blue, PALETTE.darkBlue, '#00703c'];
const DASHED_COLOURS = [PALETTE.secondaryText, PALETTE.text, '#4c2c92'];
const DASH = '8 6';
const MARKER_RADIUS = 4.5;

/**
 * A monthly trend. Nulls break the line and draw no marker, so a suppressed month is never
 * bridged by an interpolated segment that would suggest a value. Every present value gets
 * a marker, so a month isolated between gaps still shows; dashed series use hollow markers
 * so the series differ in shape as well as colour.
 */
export function lineChart(options: LineChartOptions): string {
  const { id, xLabels, series } = options;
  const width = options.width ?? 760;
  const height = options.height ?? 420;
  if (series.length === 0) throw new RangeError('A line chart needs at least one series');
  for (const s of series) {
    if (s.values.length !== xLabels.length) {
      throw new RangeError(`Series "${s.name}" has ${s.values.length} values for ${xLabels.length} x labels`);
    }
  }
  const colours = assignColours(series);
  const allValues = series.flatMap((s) => s.values);
  const present = allValues.filter((v): v is number => v !== null);
  const decimals = options.decimals ?? autoDecimals(allValues);
  const hasGaps = present.length < allValues.length;

  const title = titleBlock(options.title, width);
  const legend = legendBlock(series, colours, hasGaps, width, title.bottom);

  // Leave room above the plot for the y label, which reads horizontally (rotated text is hard to read).
  const yLabelY = legend.bottom + LINE_HEIGHT;
  const plotTop = yLabelY + 22;

  const ticks = niceTicks(Math.min(0, ...present), present.length ? Math.max(0, ...present) : 0);
  const tickDp = tickDecimals(ticks);
  const tickLabels = ticks.map((t) => formatNumber(t, tickDp));
  const { plotLeft, plotRight, spacing, xAt } = pointPlotAcross(tickLabels, xLabels, width);

  const xAxis = xAxisLabels(xLabels, spacing);
  const plotBottom = height - MARGIN - xAxis.lineCount * LINE_HEIGHT - 8;
  if (plotBottom - plotTop < 80) throw new RangeError(`Line chart height ${height} leaves no room for the plot`);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const yAt = (v: number) => plotBottom - ((v - lo) / (hi - lo)) * (plotBottom - plotTop);

  const parts: string[] = [title.markup, legend.markup];
  parts.push(textElement(options.yLabel, { x: MARGIN, y: yLabelY, fill: PALETTE.secondaryText, class: 'lantern-chart__axis-label' }));

  const grid = ticks.map((t, i) =>
    element('line', { x1: plotLeft, x2: plotRight, y1: yAt(t), y2: yAt(t), stroke: t === 0 ? PALETTE.text : PALETTE.border, 'stroke-width': 1 }) +
    textElement(tickLabels[i]!, { x: plotLeft - 8, y: yAt(t) + 5, 'text-anchor': 'end', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' }));
  parts.push(element('g', { class: 'lantern-chart__grid' }, grid.join('')));

  const xTicks: string[] = [];
  xLabels.forEach((label, i) => {
    xTicks.push(element('line', { x1: xAt(i), x2: xAt(i), y1: plotBottom, y2: plotBottom + 6, stroke: PALETTE.secondaryText }));
    if (i % xAxis.every !== 0) return;
    const lines = xAxis.wrap ? wrapText(label, spacing - 8) : [label];
    xTicks.push(textElement(lines, { x: xAt(i), y: plotBottom + 6 + FONT_SIZE + 2, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' }));
  });
  parts.push(element('g', { class: 'lantern-chart__x-axis' }, xTicks.join('')));

  series.forEach((s, index) => {
    const colour = colours[index]!;
    const dashed = s.style === 'dashed';
    const segments: string[] = [];
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      segments.push(`${pen ? 'L' : 'M'}${px(xAt(i))} ${px(yAt(v))}`);
      pen = true;
    });
    const path = segments.length
      ? element('path', {
        d: segments.join(' '), fill: 'none', stroke: colour, 'stroke-width': 3,
        'stroke-linejoin': 'round', 'stroke-linecap': 'round', 'stroke-dasharray': dashed ? DASH : undefined,
        class: 'lantern-chart__line',
      })
      : '';
    const markers = s.values.map((v, i) => v === null ? '' : element('circle', {
      cx: xAt(i), cy: yAt(v), r: MARKER_RADIUS,
      fill: dashed ? PALETTE.white : colour, stroke: colour, 'stroke-width': 2,
      class: 'lantern-chart__point',
    }, element('title', {}, escapeXml(`${s.name}, ${xLabels[i]}: ${formatNumber(v, decimals)}`)))).join('');
    parts.push(element('g', { class: 'lantern-chart__series', 'data-series': s.name, 'data-style': s.style }, path + markers));
  });

  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}

function assignColours(series: readonly LineSeries[]): string[] {
  let solid = 0;
  let dashed = 0;
  return series.map((s) => s.style === 'dashed'
    ? DASHED_COLOURS[dashed++ % DASHED_COLOURS.length]!
    : SOLID_COLOURS[solid++ % SOLID_COLOURS.length]!);
}

/** Legend entries flow left to right and wrap; a note explains gaps when there are any. */
function legendBlock(series: readonly LineSeries[], colours: readonly string[], hasGaps: boolean, width: number, top: number) {
  const items: Array<{ width: number; markup: (x: number, y: number) => string }> = series.map((s, i) => {
    const colour = colours[i]!;
    const dashed = s.style === 'dashed';
    return {
      width: 40 + estimateTextWidth(s.name) + 24,
      markup: (x: number, y: number) =>
        element('line', { x1: x, x2: x + 32, y1: y - 5, y2: y - 5, stroke: colour, 'stroke-width': 3, 'stroke-dasharray': dashed ? DASH : undefined }) +
        element('circle', { cx: x + 16, cy: y - 5, r: MARKER_RADIUS, fill: dashed ? PALETTE.white : colour, stroke: colour, 'stroke-width': 2 }) +
        textElement(s.name, { x: x + 40, y }),
    };
  });
  if (hasGaps) {
    const note = `Gap: ${SUPPRESSED_TEXT.toLowerCase()} or no figure`;
    items.push({
      width: estimateTextWidth(note) + 24,
      markup: (x: number, y: number) => textElement(note, { x, y, fill: PALETTE.secondaryText, class: 'lantern-chart__suppressed' }),
    });
  }
  return flowLegend(items, width, top);
}

/**
 * Month labels as wide as "Sept 2025" do not fit twelve abreast in a typical width. Wrap
 * them onto two lines when that makes them fit, otherwise label every k-th month (every
 * month keeps its tick).
 */
function xAxisLabels(labels: readonly string[], spacing: number): { wrap: boolean; every: number; lineCount: number } {
  const room = spacing - 8;
  const widest = Math.max(0, ...labels.map((l) => estimateTextWidth(l)));
  if (widest <= room) return { wrap: false, every: 1, lineCount: 1 };
  const wrapped = labels.map((l) => wrapText(l, room));
  const fits = wrapped.every((lines) => lines.length <= 2 && lines.every((line) => estimateTextWidth(line) <= room));
  if (fits) return { wrap: true, every: 1, lineCount: 2 };
  return { wrap: false, every: Math.ceil((widest + 8) / Math.max(1, spacing)), lineCount: 1 };
}
