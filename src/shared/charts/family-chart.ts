import { niceTicks, tickDecimals } from './nice-ticks.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE,
  autoDecimals, element, escapeXml, estimateTextWidth, flowLegend, formatNumber, pointPlotAcross, px, svgDocument, textElement, titleBlock,
} from './svg.ts';

export type FamilySeries = { name: string; values: Array<number | null> };

export type FamilyChartOptions = {
  /** Unique on the page: used for the title/desc ids that name the chart. */
  id: string;
  title: string;
  description: string;
  /** One per period, oldest first. */
  xLabels: string[];
  /** The partnership: drawn last, thick and blue, so it stands out from its family. */
  highlight: FamilySeries;
  /** The family average: dashed, near-black. */
  average: FamilySeries;
  /** Each member: thin grey lines for context, named in their tooltips and in the table beside the chart. */
  context: FamilySeries[];
  /** The legend's one entry for all the context lines, e.g. "Family members (one line each)". */
  contextLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  decimals?: number;
};

const HIGHLIGHT = PALETTE.blue;
const AVERAGE = PALETTE.text;
/** #6f777b: 4.6:1 on white, above the 3:1 WCAG asks of marks, yet quieter than the two lines that matter. */
const CONTEXT = '#6f777b';
const DASH = '8 6';

/**
 * The partnership against its family over time: one thin grey line per member, the family
 * average dashed, the partnership in blue on top. Nulls break a line (no figure, or one
 * withheld) and are never bridged. Every value is in the table the page puts beside it.
 */
export function familyChart(options: FamilyChartOptions): string {
  const { id, xLabels } = options;
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const all = [options.highlight, options.average, ...options.context];
  for (const s of all) {
    if (s.values.length !== xLabels.length) throw new RangeError(`Series "${s.name}" has ${s.values.length} values for ${xLabels.length} x labels`);
  }
  if (xLabels.length === 0) throw new RangeError('A family chart needs at least one period');
  const values = all.flatMap((s) => s.values);
  const present = values.filter((v): v is number => v !== null);
  const decimals = options.decimals ?? autoDecimals(values);

  const title = titleBlock(options.title, width);
  const legend = legendBlock(options, width, title.bottom);
  const yLabelY = legend.bottom + LINE_HEIGHT;
  const plotTop = yLabelY + 22;
  const ticks = niceTicks(Math.min(0, ...present), present.length ? Math.max(0, ...present) : 1);
  const tickDp = tickDecimals(ticks);
  const tickLabels = ticks.map((t) => formatNumber(t, tickDp));
  const { plotLeft, plotRight, spacing, xAt } = pointPlotAcross(tickLabels, xLabels, width);
  const n = xLabels.length;
  const plotBottom = height - MARGIN - LINE_HEIGHT - 8;
  if (plotBottom - plotTop < 80) throw new RangeError(`Family chart height ${height} leaves no room for the plot`);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const yAt = (v: number) => plotBottom - ((v - lo) / (hi - lo)) * (plotBottom - plotTop);

  const parts: string[] = [title.markup, legend.markup];
  parts.push(textElement(options.yLabel, { x: MARGIN, y: yLabelY, fill: PALETTE.secondaryText, class: 'lantern-chart__axis-label' }));
  parts.push(element('g', { class: 'lantern-chart__grid' }, ticks.map((t, i) =>
    element('line', { x1: plotLeft, x2: plotRight, y1: yAt(t), y2: yAt(t), stroke: t === 0 ? PALETTE.text : PALETTE.border, 'stroke-width': 1 }) +
    textElement(tickLabels[i]!, { x: plotLeft - 8, y: yAt(t) + 5, 'text-anchor': 'end', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' })).join('')));

  // Label every period when the labels fit, else every k-th (each keeps its tick).
  const widest = Math.max(...xLabels.map((l) => estimateTextWidth(l)));
  const every = widest + 8 <= spacing || n === 1 ? 1 : Math.ceil((widest + 8) / Math.max(1, spacing));
  parts.push(element('g', { class: 'lantern-chart__x-axis' }, xLabels.map((label, i) =>
    element('line', { x1: xAt(i), x2: xAt(i), y1: plotBottom, y2: plotBottom + 6, stroke: PALETTE.secondaryText }) +
    (i % every === 0 ? textElement(label, { x: xAt(i), y: plotBottom + 6 + FONT_SIZE + 2, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' }) : '')).join('')));

  const line = (s: FamilySeries, style: { colour: string; width: number; dashed: boolean; marker: number; hollow: boolean; role: string }) => {
    const segments: string[] = [];
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      segments.push(`${pen ? 'L' : 'M'}${px(xAt(i))} ${px(yAt(v))}`);
      pen = true;
    });
    const path = segments.length ? element('path', {
      d: segments.join(' '), fill: 'none', stroke: style.colour, 'stroke-width': style.width, 'stroke-linejoin': 'round', 'stroke-linecap': 'round',
      'stroke-dasharray': style.dashed ? DASH : undefined, class: 'lantern-chart__line',
    }, element('title', {}, escapeXml(s.name))) : '';
    const markers = s.values.map((v, i) => (v === null ? '' : element('circle', {
      cx: xAt(i), cy: yAt(v), r: style.marker, fill: style.hollow ? PALETTE.white : style.colour, stroke: style.colour, 'stroke-width': 2, class: 'lantern-chart__point',
    }, element('title', {}, escapeXml(`${s.name}, ${xLabels[i]}: ${formatNumber(v, decimals)}`))))).join('');
    return element('g', { class: 'lantern-chart__series', 'data-series': s.name, 'data-role': style.role }, path + markers);
  };
  for (const s of options.context) parts.push(line(s, { colour: CONTEXT, width: 1.5, dashed: false, marker: 2.5, hollow: false, role: 'member' }));
  parts.push(line(options.average, { colour: AVERAGE, width: 3, dashed: true, marker: 4.5, hollow: true, role: 'average' }));
  parts.push(line(options.highlight, { colour: HIGHLIGHT, width: 4, dashed: false, marker: 5, hollow: false, role: 'partnership' }));
  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}

function legendBlock(options: FamilyChartOptions, width: number, top: number) {
  const entry = (name: string, colour: string, lineWidth: number, dashed: boolean, hollow: boolean) => ({
    width: 40 + estimateTextWidth(name) + 24,
    markup: (x: number, y: number) =>
      element('line', { x1: x, x2: x + 32, y1: y - 5, y2: y - 5, stroke: colour, 'stroke-width': lineWidth, 'stroke-dasharray': dashed ? DASH : undefined }) +
      element('circle', { cx: x + 16, cy: y - 5, r: 4, fill: hollow ? PALETTE.white : colour, stroke: colour, 'stroke-width': 2 }) +
      textElement(name, { x: x + 40, y }),
  });
  const items = [
    entry(options.highlight.name, HIGHLIGHT, 4, false, false),
    entry(options.average.name, AVERAGE, 3, true, true),
    ...(options.context.length ? [entry(options.contextLabel, CONTEXT, 1.5, false, false)] : []),
  ];
  return flowLegend(items, width, top);
}
