import {
  LINE_HEIGHT, MARGIN, PALETTE,
  element, escapeXml, estimateTextWidth, flowLegend, formatNumber, svgDocument, textElement, titleBlock, wrapText,
} from './svg.ts';

/**
 * How an area's figure compares with its benchmark (Fingertips): better / similar / worse
 * for indicators with a polarity, lower / similar / higher without; 'not-compared' when there
 * is no interval or no benchmark (a suppressed figure, or the benchmark itself).
 */
export type ComparisonClass = 'better' | 'similar' | 'worse' | 'lower' | 'higher' | 'not-compared';

/**
 * Fingertips' colours (green, amber, red; light and dark blue without polarity), each mark
 * also with its own shape and a dark outline: the outline gives every mark at least 3:1
 * against white whatever its fill (amber and light blue alone do not), and the shape tells
 * the classes apart without colour.
 */
export const COMPARISON_STYLES: Record<ComparisonClass, { fill: string; shape: 'circle' | 'square' | 'diamond' | 'triangle-up' | 'triangle-down'; label: string }> = {
  better: { fill: '#00703c', shape: 'circle', label: 'Better' },
  similar: { fill: '#ffbf47', shape: 'square', label: 'Similar' },
  worse: { fill: '#d4351c', shape: 'diamond', label: 'Worse' },
  lower: { fill: '#5694ca', shape: 'triangle-down', label: 'Lower' },
  higher: { fill: '#003078', shape: 'triangle-up', label: 'Higher' },
  'not-compared': { fill: PALETTE.white, shape: 'circle', label: 'Not compared' },
};

/** A comparison mark centred on (x, y), `size` across. */
export function comparisonMark(cls: ComparisonClass, x: number, y: number, size: number, tooltip?: string): string {
  const style = COMPARISON_STYLES[cls];
  const r = size / 2;
  const common = { fill: style.fill, stroke: PALETTE.text, 'stroke-width': 1.5, class: `lantern-chart__mark lantern-chart__mark--${cls}`, 'data-class': cls };
  const title = tooltip ? element('title', {}, escapeXml(tooltip)) : undefined;
  switch (style.shape) {
    case 'circle': return element('circle', { cx: x, cy: y, r, ...common }, title);
    case 'square': return element('rect', { x: x - r * 0.9, y: y - r * 0.9, width: r * 1.8, height: r * 1.8, ...common }, title);
    case 'diamond': return element('path', { d: `M${x} ${y - r * 1.15}L${x + r * 1.15} ${y}L${x} ${y + r * 1.15}L${x - r * 1.15} ${y}Z`, ...common }, title);
    case 'triangle-up': return element('path', { d: `M${x} ${y - r * 1.1}L${x + r * 1.1} ${y + r * 0.9}L${x - r * 1.1} ${y + r * 0.9}Z`, ...common }, title);
    case 'triangle-down': return element('path', { d: `M${x} ${y + r * 1.1}L${x + r * 1.1} ${y - r * 0.9}L${x - r * 1.1} ${y - r * 0.9}Z`, ...common }, title);
  }
}

/** The legend of comparison marks used in a chart, flowing left to right from `top`. */
export function comparisonLegend(classes: readonly ComparisonClass[], width: number, top: number, lead: Array<{ width: number; markup: (x: number, y: number) => string }> = []): { markup: string; bottom: number } {
  const items = [...lead, ...classes.map((cls) => ({
    width: 28 + estimateTextWidth(COMPARISON_STYLES[cls].label) + 20,
    markup: (x: number, y: number) => comparisonMark(cls, x + 9, y - 5, 14) + textElement(COMPARISON_STYLES[cls].label, { x: x + 24, y }),
  }))];
  return flowLegend(items, width, top, 6);
}

export type SpineRow = {
  /** The indicator's name. */
  label: string;
  /** The benchmark value: the centre line. */
  benchmark: number | null;
  /** The spread of the areas' values (of the same type as the area shown); null with fewer than two. */
  range: { min: number; q1: number; q3: number; max: number } | null;
  /** The area's value; null when suppressed or not available (say why in `missingText`). */
  value: number | null;
  comparison: ComparisonClass | null;
  /** Low is good: the spine is drawn reversed, so "worse" is always on the left. */
  polarity: 'low-is-good' | 'high-is-good' | 'none';
  missingText?: string;
  decimals?: number;
};

export type SpineChartOptions = {
  id: string;
  title: string;
  description: string;
  rows: SpineRow[];
  /** What the centre line is, e.g. "Partnership value". */
  benchmarkLabel: string;
  width?: number;
};

const ROW_MIN = 40;
const SPINE_THICKNESS = 18;
const MARK_SIZE = 16;

/**
 * A Fingertips-style spine chart: one row per indicator. Each row is scaled on its own so
 * the benchmark sits at the centre and the area furthest from it reaches an end; the light
 * bar is the range of areas' values and the dark band their 25th to 75th percentiles. The
 * worse (or, without polarity, lower) end is always on the left, as in Fingertips, so for
 * indicators where low is good the spine is reversed. The area's value is a mark whose colour
 * and shape give its comparison; its figure and class are written at the row's end as well.
 */
export function spineChart(options: SpineChartOptions): string {
  const { id, rows } = options;
  const width = options.width ?? 760;
  if (rows.length === 0) throw new RangeError('A spine chart needs at least one row');
  for (const row of rows) {
    if (row.range && !(row.range.min <= row.range.q1 && row.range.q1 <= row.range.q3 && row.range.q3 <= row.range.max)) {
      throw new RangeError(`Row "${row.label}" has a range out of order`);
    }
  }

  const title = titleBlock(options.title, width);
  const used = [...new Set(rows.map((r) => r.comparison).filter((c): c is ComparisonClass => c !== null))];
  const legend = comparisonLegend(used, width, title.bottom, [
    {
      width: 34 + estimateTextWidth('Range of areas') + 20,
      markup: (x, y) => element('rect', { x, y: y - 12, width: 28, height: 12, fill: '#dee0e2', stroke: PALETTE.secondaryText, 'stroke-width': 1 }) + textElement('Range of areas', { x: x + 34, y }),
    },
    {
      width: 34 + estimateTextWidth('25th to 75th percentile') + 20,
      markup: (x, y) => element('rect', { x, y: y - 12, width: 28, height: 12, fill: '#8a8f93' }) + textElement('25th to 75th percentile', { x: x + 34, y }),
    },
  ]);

  const labelColumn = Math.min(width * 0.3, Math.max(...rows.map((r) => estimateTextWidth(r.label))));
  const valueTexts = rows.map((r) => (r.value === null ? r.missingText ?? 'No figure' : `${formatNumber(r.value, r.decimals ?? 1)}${r.comparison && r.comparison !== 'not-compared' ? ` ${COMPARISON_STYLES[r.comparison].label.toLowerCase()}` : ''}`));
  const valueColumn = Math.min(width * 0.2, Math.max(...valueTexts.map((t) => estimateTextWidth(t)))) + 12;
  const spineLeft = MARGIN + labelColumn + 16;
  const spineRight = width - MARGIN - valueColumn;
  if (spineRight - spineLeft < 160) throw new RangeError(`Spine chart width ${width} leaves no room for the spines`);
  const centre = (spineLeft + spineRight) / 2;
  const half = (spineRight - spineLeft) / 2 - MARK_SIZE / 2;

  // The benchmark's name sits over the centre line, the ends' meaning under it, so neither crowds the other.
  const benchmarkY = legend.bottom + LINE_HEIGHT;
  const headerY = benchmarkY + LINE_HEIGHT;
  const parts: string[] = [title.markup, legend.markup];
  parts.push(element('g', { class: 'lantern-chart__spine-header' },
    textElement(options.benchmarkLabel, { x: centre, y: benchmarkY, 'text-anchor': 'middle', fill: PALETTE.secondaryText }) +
    textElement('◀ Worse/lower', { x: spineLeft, y: headerY, 'text-anchor': 'start', fill: PALETTE.secondaryText }) +
    textElement('Better/higher ▶', { x: spineRight, y: headerY, 'text-anchor': 'end', fill: PALETTE.secondaryText })));

  const labelLines = rows.map((r) => wrapText(r.label, labelColumn));
  const valueLines = valueTexts.map((t) => wrapText(t, valueColumn - 12));
  const heights = rows.map((_, i) => Math.max(ROW_MIN, Math.max(labelLines[i]!.length, valueLines[i]!.length) * LINE_HEIGHT + 14));
  const plotTop = headerY + 10;
  let top = plotTop;
  rows.forEach((row, i) => {
    const h = heights[i]!;
    const mid = top + h / 2;
    const out: string[] = [];
    if (i % 2 === 1) out.push(element('rect', { x: MARGIN, y: top, width: width - 2 * MARGIN, height: h, fill: PALETTE.lightBlue }));
    const lines = labelLines[i]!;
    out.push(textElement(lines, { x: MARGIN, y: mid + 5 - ((lines.length - 1) * LINE_HEIGHT) / 2, class: 'lantern-chart__label' }));
    const b = row.benchmark;
    if (b !== null) {
      const extent = Math.max(
        row.range ? Math.abs(row.range.min - b) : 0, row.range ? Math.abs(row.range.max - b) : 0, row.value !== null ? Math.abs(row.value - b) : 0,
      ) || 1;
      const sign = row.polarity === 'low-is-good' ? -1 : 1;
      const xAt = (v: number) => centre + (sign * (v - b) * half) / extent;
      if (row.range) {
        const [a, z] = [xAt(row.range.min), xAt(row.range.max)].sort((p, q) => p - q) as [number, number];
        const [qa, qz] = [xAt(row.range.q1), xAt(row.range.q3)].sort((p, q) => p - q) as [number, number];
        out.push(element('rect', { x: a, y: mid - SPINE_THICKNESS / 2, width: Math.max(1, z - a), height: SPINE_THICKNESS, fill: '#dee0e2', stroke: PALETTE.secondaryText, 'stroke-width': 1, class: 'lantern-chart__spine-range', 'data-min': row.range.min, 'data-max': row.range.max }));
        out.push(element('rect', { x: qa, y: mid - SPINE_THICKNESS / 2, width: Math.max(1, qz - qa), height: SPINE_THICKNESS, fill: '#8a8f93', class: 'lantern-chart__spine-iqr', 'data-q1': row.range.q1, 'data-q3': row.range.q3 }));
      }
      if (row.value !== null) {
        const cls = row.comparison ?? 'not-compared';
        out.push(comparisonMark(cls, xAt(row.value), mid, MARK_SIZE, `${row.label}: ${valueTexts[i]}`));
      }
    } else if (row.value !== null) {
      // No benchmark to centre on: the value is shown in words only, never at a made-up position.
      out.push(textElement('No benchmark', { x: centre, y: mid + 5, 'text-anchor': 'middle', fill: PALETTE.secondaryText }));
    }
    out.push(textElement(valueLines[i]!, {
      x: spineRight + 12, y: mid + 5 - ((valueLines[i]!.length - 1) * LINE_HEIGHT) / 2,
      fill: row.value === null ? PALETTE.secondaryText : PALETTE.text, class: 'lantern-chart__value',
    }));
    parts.push(element('g', { class: 'lantern-chart__row', 'data-label': row.label }, out.join('')));
    top += h;
  });
  parts.push(element('line', { x1: centre, x2: centre, y1: plotTop, y2: top, stroke: PALETTE.text, 'stroke-width': 2, class: 'lantern-chart__benchmark' }));
  const height = top + MARGIN;
  return svgDocument({ id, title: options.title, description: options.description, width, height, body: parts.join('') });
}
