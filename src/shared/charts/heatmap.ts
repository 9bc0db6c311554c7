import { niceTicks, tickDecimals } from './nice-ticks.ts';
import {
  FONT_SIZE, LINE_HEIGHT, MARGIN, PALETTE, SUPPRESSED_TEXT,
  autoDecimals, element, escapeXml, estimateTextWidth, formatNumber, hexToRgb, rgbToHex, svgDocument, textElement, titleBlock,
} from './svg.ts';

export type HeatmapOptions = {
  /** Unique on the page: used for the title/desc ids and the hatch pattern id. */
  id: string;
  title: string;
  description: string;
  rowLabels: string[];
  columnLabels: string[];
  /** values[row][column]; null is a suppressed cell. */
  values: Array<Array<number | null>>;
  /** What a cell counts, shown over the legend ("Incidents"). */
  valueLabel: string;
  width?: number;
  decimals?: number;
};

/**
 * One hue (GOV.UK blue), light to dark. Every channel falls along each segment, so
 * luminance falls strictly as the value rises and darker always means more. Interpolated
 * in sRGB, as SVG gradients are, so the legend matches the cells.
 */
const RAMP: ReadonlyArray<{ at: number; colour: string }> = [
  { at: 0, colour: PALETTE.lightBlue },
  { at: 0.6, colour: PALETTE.blue },
  { at: 1, colour: PALETTE.darkBlue },
];

export function heatmapColour(t: number): string {
  const clamped = Math.min(1, Math.max(0, t));
  for (let i = 1; i < RAMP.length; i++) {
    const a = RAMP[i - 1]!;
    const b = RAMP[i]!;
    if (clamped <= b.at) {
      const f = (clamped - a.at) / (b.at - a.at);
      const ca = hexToRgb(a.colour);
      const cb = hexToRgb(b.colour);
      return rgbToHex([0, 1, 2].map((k) => ca[k]! + (cb[k]! - ca[k]!) * f) as [number, number, number]);
    }
  }
  return RAMP[RAMP.length - 1]!.colour;
}

const CELL_HEIGHT = 30;
const LEGEND_WIDTH = 280;
const LEGEND_HEIGHT = 16;

/**
 * A grid such as weekday × hour. Cells are separated by white gaps so neighbours of similar
 * shade stay distinct; suppressed cells are hatched (not a colour on the scale, so they
 * cannot be read as a low count) and the legend names the hatch.
 */
export function heatmap(options: HeatmapOptions): string {
  const { id, rowLabels, columnLabels, values } = options;
  const width = options.width ?? 760;
  if (rowLabels.length === 0 || columnLabels.length === 0) throw new RangeError('A heatmap needs at least one row and one column');
  if (values.length !== rowLabels.length || values.some((row) => row.length !== columnLabels.length)) {
    throw new RangeError(`Heatmap values must be ${rowLabels.length} rows of ${columnLabels.length} columns`);
  }
  const flat = values.flat();
  const present = flat.filter((v): v is number => v !== null);
  const hasSuppressed = present.length < flat.length;
  const decimals = options.decimals ?? autoDecimals(flat);
  const ticks = niceTicks(Math.min(0, ...present), present.length ? Math.max(0, ...present) : 0);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const scale = (v: number) => (v - lo) / (hi - lo);

  const title = titleBlock(options.title, width);
  const parts: string[] = [title.markup];

  const labelColumn = Math.max(...rowLabels.map((l) => estimateTextWidth(l))) + 12;
  const gridLeft = MARGIN + labelColumn;
  const cellWidth = (width - MARGIN - gridLeft) / columnLabels.length;
  if (cellWidth < 8) throw new RangeError(`Heatmap width ${width} is too narrow for ${columnLabels.length} columns`);
  const gridTop = title.bottom + 8;
  const gridBottom = gridTop + rowLabels.length * CELL_HEIGHT;
  const hatchId = `${id}-hatch`;

  const cells: string[] = [];
  rowLabels.forEach((rowLabel, r) => {
    const y = gridTop + r * CELL_HEIGHT;
    cells.push(textElement(rowLabel, { x: gridLeft - 10, y: y + CELL_HEIGHT / 2 + 5, 'text-anchor': 'end', class: 'lantern-chart__label' }));
    columnLabels.forEach((columnLabel, c) => {
      const v = values[r]![c]!;
      const tooltip = element('title', {}, escapeXml(`${rowLabel}, ${columnLabel}: ${v === null ? SUPPRESSED_TEXT.toLowerCase() : formatNumber(v, decimals)}`));
      cells.push(element('rect', {
        x: gridLeft + c * cellWidth, y, width: cellWidth, height: CELL_HEIGHT,
        fill: v === null ? `url(#${hatchId})` : heatmapColour(scale(v)),
        stroke: PALETTE.white, 'stroke-width': 1.5,
        class: v === null ? 'lantern-chart__cell lantern-chart__cell--suppressed' : 'lantern-chart__cell',
        'data-row': r, 'data-column': c, 'data-value': v ?? undefined,
      }, tooltip));
    });
  });
  parts.push(element('g', { class: 'lantern-chart__cells' }, cells.join('')));

  // Column labels thin out (every k-th) when they would collide; every column keeps its cell.
  const widestColumn = Math.max(...columnLabels.map((l) => estimateTextWidth(l)));
  const every = Math.max(1, Math.ceil((widestColumn + 6) / cellWidth));
  const columnText = columnLabels.map((label, c) => c % every !== 0 ? '' : textElement(label, {
    x: gridLeft + (c + 0.5) * cellWidth, y: gridBottom + 6 + FONT_SIZE, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick',
  }));
  parts.push(element('g', { class: 'lantern-chart__x-axis' }, columnText.join('')));

  const legendTitleY = gridBottom + 6 + FONT_SIZE + 14 + FONT_SIZE;
  const barTop = legendTitleY + 10;
  const legendWidth = Math.min(LEGEND_WIDTH, width - 2 * MARGIN - (hasSuppressed ? 160 : 0));
  const tickDp = tickDecimals(ticks);
  const legend: string[] = [
    textElement(options.valueLabel, { x: MARGIN, y: legendTitleY, class: 'lantern-chart__axis-label' }),
    element('rect', { x: MARGIN, y: barTop, width: legendWidth, height: LEGEND_HEIGHT, fill: `url(#${id}-ramp)`, stroke: PALETTE.secondaryText, 'stroke-width': 1 }),
    ...ticks.map((t) => {
      const x = MARGIN + scale(t) * legendWidth;
      return element('line', { x1: x, x2: x, y1: barTop + LEGEND_HEIGHT, y2: barTop + LEGEND_HEIGHT + 5, stroke: PALETTE.secondaryText }) +
        textElement(formatNumber(t, tickDp), { x, y: barTop + LEGEND_HEIGHT + 5 + FONT_SIZE, 'text-anchor': 'middle', fill: PALETTE.secondaryText, class: 'lantern-chart__tick' });
    }),
  ];
  if (hasSuppressed) {
    const x = MARGIN + legendWidth + 40;
    legend.push(
      element('rect', { x, y: barTop, width: 28, height: LEGEND_HEIGHT, fill: `url(#${hatchId})`, stroke: PALETTE.secondaryText, 'stroke-width': 1 }),
      textElement(SUPPRESSED_TEXT, { x: x + 36, y: barTop + LEGEND_HEIGHT - 2, class: 'lantern-chart__suppressed' }),
    );
  }
  parts.push(element('g', { class: 'lantern-chart__legend' }, legend.join('')));
  const height = barTop + LEGEND_HEIGHT + 5 + FONT_SIZE + LINE_HEIGHT / 2 + MARGIN;

  const defs =
    element('pattern', { id: hatchId, patternUnits: 'userSpaceOnUse', width: 8, height: 8, patternTransform: 'rotate(45)' },
      element('rect', { x: 0, y: 0, width: 8, height: 8, fill: PALETTE.white }) +
      element('line', { x1: 0, y1: 0, x2: 0, y2: 8, stroke: PALETTE.secondaryText, 'stroke-width': 3 })) +
    element('linearGradient', { id: `${id}-ramp`, x1: 0, x2: 1, y1: 0, y2: 0 },
      RAMP.map((stop) => element('stop', { offset: stop.at, 'stop-color': stop.colour })).join(''));

  return svgDocument({ id, title: options.title, description: options.description, width, height, defs, body: parts.join('') });
}
