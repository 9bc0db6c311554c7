/**
 * Building blocks shared by the charts: escaping, number formatting, a rough text-width
 * estimate for layout, and the accessible standalone <svg> document around a chart body.
 *
 * Charts are strings, not DOM, so they can be rendered on the server, placed inline in a
 * page and offered unchanged as a downloadable .svg (and rasterised to PNG). Only
 * presentation attributes are used: the site's Content-Security-Policy forbids inline
 * styles, and standalone files have no stylesheet to lean on.
 */

/** GOV.UK colours. Every colour used for a bar, line or marker has at least 3:1 contrast
 * against white (WCAG 2.2 non-text contrast); orange (about 2.8:1) is therefore kept out
 * of data marks. */
export const PALETTE = {
  blue: '#1d70b8',
  darkBlue: '#003078',
  text: '#0b0c0c',
  secondaryText: '#505a5f',
  border: '#b1b4b6',
  lightBlue: '#f4f8fb',
  white: '#ffffff',
} as const;

export const FONT_FAMILY = 'Arial, sans-serif';
export const FONT_SIZE = 16;
export const TITLE_FONT_SIZE = 19;
export const LINE_HEIGHT = 20;
export const MARGIN = 16;
/** Shown wherever a figure is withheld by small-number suppression. */
export const SUPPRESSED_TEXT = 'Suppressed';

/** Characters XML 1.0 does not allow at all (most C0 controls, lone surrogates, U+FFFE/F):
 * escaping cannot save them, so they are dropped to keep the document well-formed. */
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text for both element content and (double- or single-quoted) attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const formatters = new Map<number, Intl.NumberFormat>();

/** en-GB grouping ("12,345.6"), with a fixed number of decimals so a column of figures lines up. */
export function formatNumber(value: number, decimals = 0): string {
  let formatter = formatters.get(decimals);
  if (!formatter) {
    formatter = new Intl.NumberFormat('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    formatters.set(decimals, formatter);
  }
  return formatter.format(value);
}

/** Decimals for value labels when the caller gives none: counts stay whole; small ratios
 * (under 10) keep two places, since one place would flatten 0.44 and 0.36 to 0.4; other
 * rates keep one. */
export function autoDecimals(values: ReadonlyArray<number | null>): number {
  const present = values.filter((v): v is number => v !== null);
  if (present.every((v) => Number.isInteger(v))) return 0;
  return Math.max(...present.map(Math.abs)) < 10 ? 2 : 1;
}

/**
 * Approximate rendered width. Layout is decided before any font is known (the browser
 * chooses Arial, Helvetica or Liberation Sans; PNG export may fall back to the wider
 * DejaVu Sans), so the per-character widths lean wide to avoid collisions.
 */
export function estimateTextWidth(text: string, fontSize = FONT_SIZE, bold = false): number {
  let ems = 0;
  for (const ch of text) {
    if (/[ilj.,:;'|!I]/.test(ch)) ems += 0.3;
    else if (/[ ftr()[\]\-1]/.test(ch)) ems += 0.42;
    else if (/[mwMW@%]/.test(ch)) ems += 0.95;
    else if (/[A-Z&]/.test(ch)) ems += 0.74;
    else ems += 0.62;
  }
  return ems * fontSize * (bold ? 1.08 : 1);
}

/** Greedy word wrap to a width; a single word longer than the width keeps a line of its own. */
export function wrapText(text: string, maxWidth: number, fontSize = FONT_SIZE, bold = false): string[] {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && estimateTextWidth(candidate, fontSize, bold) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Rounds coordinates to 0.01px: keeps documents small without visible error. */
export function px(value: number): number {
  return Math.round(value * 100) / 100;
}

type AttributeValue = string | number | undefined;

/** An element with escaped attribute values; `content` must already be markup (escaped). */
export function element(name: string, attributes: Record<string, AttributeValue>, content?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? px(value) : escapeXml(value)}"`)
    .join('');
  return content === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${content}</${name}>`;
}

/** A text element with escaped content, one <tspan> per line when given several. */
export function textElement(lines: string | readonly string[], attributes: Record<string, AttributeValue> & { x: number; y: number }): string {
  const list = typeof lines === 'string' ? [lines] : lines;
  if (list.length === 1) return element('text', { fill: PALETTE.text, ...attributes }, escapeXml(list[0]!));
  const spans = list.map((line, i) => element('tspan', { x: attributes.x, dy: i === 0 ? 0 : LINE_HEIGHT }, escapeXml(line))).join('');
  return element('text', { fill: PALETTE.text, ...attributes }, spans);
}

const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Ids end up in url(#…) references and aria-labelledby lists, where escaping does not help. */
export function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new RangeError(`Chart id "${id}" must start with a letter and use only letters, digits, "-" and "_"`);
  return id;
}

/** The visible title, wrapped to the chart width. Returns its markup and the y below it. */
export function titleBlock(title: string, width: number): { markup: string; bottom: number } {
  const lines = wrapText(title, width - 2 * MARGIN, TITLE_FONT_SIZE, true);
  const y = MARGIN + TITLE_FONT_SIZE;
  const markup = textElement(lines, { x: MARGIN, y, 'font-size': TITLE_FONT_SIZE, 'font-weight': 'bold', class: 'lantern-chart__title' });
  return { markup, bottom: y + (lines.length - 1) * LINE_HEIGHT + 8 };
}

export type ChartDocument = {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  defs?: string;
  body: string;
};

/**
 * The standalone document. role="img" with a <title> and <desc> gives screen readers one
 * name and description (the marks inside are then presentational), and the white
 * background keeps a downloaded file legible on dark viewers. No XML declaration: the
 * same string is embedded inline in HTML, where one would be stray text.
 */
export function svgDocument(chart: ChartDocument): string {
  const id = checkId(chart.id);
  const width = Math.ceil(chart.width);
  const height = Math.ceil(chart.height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"` +
    ` role="img" aria-labelledby="${id}-title ${id}-desc" id="${id}" class="lantern-chart"` +
    ` font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">` +
    `<title id="${id}-title">${escapeXml(chart.title)}</title>` +
    `<desc id="${id}-desc">${escapeXml(chart.description)}</desc>` +
    (chart.defs ? `<defs>${chart.defs}</defs>` : '') +
    element('rect', { x: 0, y: 0, width, height, fill: PALETTE.white }) +
    chart.body +
    '</svg>'
  );
}

/** WCAG relative luminance of a #rrggbb colour. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = hexToRgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export function hexToRgb(hex: string): [number, number, number] {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new RangeError(`Not a #rrggbb colour: ${hex}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

export function rgbToHex(rgb: readonly [number, number, number]): string {
  return `#${rgb.map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
}

/** One legend entry: how wide it is, and its markup at a point (x at its left, y on its baseline). */
export type LegendItem = { width: number; markup: (x: number, y: number) => string };

/**
 * A legend whose entries flow left to right from `top`, wrapping to a new line when the
 * next entry would pass the chart's right margin. Returns the markup and the y below it.
 */
export function flowLegend(items: readonly LegendItem[], width: number, top: number, lineGap = 4): { markup: string; bottom: number } {
  let x = MARGIN;
  let y = top + FONT_SIZE + 4;
  const markup: string[] = [];
  for (const item of items) {
    if (x > MARGIN && x + item.width > width - MARGIN) {
      x = MARGIN;
      y += LINE_HEIGHT + lineGap;
    }
    markup.push(item.markup(x, y));
    x += item.width;
  }
  return { markup: element('g', { class: 'lantern-chart__legend' }, markup.join('')), bottom: y + 2 + lineGap };
}

/**
 * Where the plot of a chart of points along a category axis (months, years) sits across
 * the width: right of the widest y tick label, and with half of the first and last x labels
 * inside, as those labels are centred on the plot's edges. `xAt` gives each point's x.
 */
export function pointPlotAcross(tickLabels: readonly string[], xLabels: readonly string[], width: number): {
  plotLeft: number; plotRight: number; spacing: number; xAt: (i: number) => number;
} {
  const halfLabel = (label: string | undefined) => (label === undefined ? 0 : estimateTextWidth(label) / 2);
  const plotLeft = MARGIN + Math.max(Math.max(...tickLabels.map((l) => estimateTextWidth(l))) + 10, halfLabel(xLabels[0]));
  const plotRight = width - MARGIN - Math.max(12, halfLabel(xLabels[xLabels.length - 1]));
  const plotWidth = plotRight - plotLeft;
  const n = xLabels.length;
  const spacing = n > 1 ? plotWidth / (n - 1) : plotWidth;
  return { plotLeft, plotRight, spacing, xAt: (i: number) => (n > 1 ? plotLeft + i * spacing : plotLeft + plotWidth / 2) };
}
