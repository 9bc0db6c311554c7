import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.ts';
import { heatmap } from './heatmap.ts';
import { lineChart } from './line-chart.ts';
import { PALETTE, autoDecimals, contrastRatio, escapeXml, formatNumber, svgDocument, wrapText } from './svg.ts';
import { SVG_NS, byClass, findAll, parseSvg, textOf } from './test-support.ts';

const AWKWARD = `A & B <x> "quoted" it's`;

const charts = {
  line: () => lineChart({
    id: 'line-1', title: AWKWARD, description: `Desc ${AWKWARD}`, yLabel: AWKWARD,
    xLabels: ['Jan', AWKWARD, 'Mar'],
    series: [{ name: AWKWARD, values: [1, null, 3], style: 'solid' }, { name: 'Last year', values: [2, 2, 2], style: 'dashed' }],
  }),
  bar: () => barChart({
    id: 'bar-1', title: AWKWARD, description: `Desc ${AWKWARD}`, valueLabel: AWKWARD, orientation: 'horizontal',
    bars: [{ label: AWKWARD, value: 5, lower: 4, upper: 6, highlight: true }, { label: 'Other', value: 3 }, { label: 'Hidden', value: null }],
  }),
  heatmap: () => heatmap({
    id: 'heat-1', title: AWKWARD, description: `Desc ${AWKWARD}`, valueLabel: AWKWARD,
    rowLabels: [AWKWARD, 'Tue'], columnLabels: ['0', '1', '2'], values: [[1, 2, null], [4, 5, 6]],
  }),
};

describe.each(Object.entries(charts))('%s chart document', (name, make) => {
  const svg = make();
  const root = parseSvg(svg);
  const id = { line: 'line-1', bar: 'bar-1', heatmap: 'heat-1' }[name]!;

  it('is a well-formed SVG document named by its title and description', () => {
    expect(root.name).toBe('svg');
    expect(root.uri).toBe(SVG_NS);
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-labelledby']).toBe(`${id}-title ${id}-desc`);
    const title = root.children.find((c) => c.name === 'title')!;
    const desc = root.children.find((c) => c.name === 'desc')!;
    expect(title.attributes.id).toBe(`${id}-title`);
    expect(title.text).toBe(AWKWARD);
    expect(desc.attributes.id).toBe(`${id}-desc`);
    expect(desc.text).toBe(`Desc ${AWKWARD}`);
  });

  it('sets width, height and a matching viewBox', () => {
    const width = Number(root.attributes.width);
    const height = Number(root.attributes.height);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    expect(root.attributes.viewBox).toBe(`0 0 ${width} ${height}`);
  });

  it('escapes labels, which read back unchanged', () => {
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('A &amp; B &lt;x&gt; &quot;quoted&quot; it&apos;s');
    const texts = findAll(root, (n) => n.name === 'text').map(textOf);
    expect(texts).toContain(AWKWARD);
  });

  it('uses no inline styles (the Content-Security-Policy forbids them)', () => {
    expect(findAll(root, (n) => 'style' in n.attributes)).toEqual([]);
    expect(findAll(root, (n) => n.name === 'style')).toEqual([]);
  });

  it('sets Arial with a sans-serif fallback, and no text under 16px', () => {
    expect(root.attributes['font-family']).toBe('Arial, sans-serif');
    const sizes = findAll(root, (n) => 'font-size' in n.attributes).map((n) => Number(n.attributes['font-size']));
    expect(sizes.length).toBeGreaterThan(0);
    for (const size of sizes) expect(size).toBeGreaterThanOrEqual(16);
  });

  it('draws bars, lines and markers in colours with 3:1 contrast against white', () => {
    const marks = [
      ...byClass(root, 'lantern-chart__bar').map((n) => n.attributes.fill!),
      ...byClass(root, 'lantern-chart__line').map((n) => n.attributes.stroke!),
      ...byClass(root, 'lantern-chart__point').map((n) => n.attributes.stroke!),
      ...byClass(root, 'lantern-chart__whisker').map((n) => n.attributes.stroke!),
    ];
    if (name !== 'heatmap') expect(marks.length).toBeGreaterThan(0);
    for (const colour of marks) expect(contrastRatio(colour, '#ffffff'), colour).toBeGreaterThanOrEqual(3);
  });
});

describe('escapeXml', () => {
  it('escapes markup and both quote characters', () => {
    expect(escapeXml(`A & B <x> "q" 'a'`)).toBe('A &amp; B &lt;x&gt; &quot;q&quot; &apos;a&apos;');
  });

  it('drops characters XML 1.0 cannot carry, keeping the document well-formed', () => {
    const label = 'Ward\u0001 one\uD800';
    expect(escapeXml(label)).toBe('Ward one');
    const svg = svgDocument({ id: 'x', title: label, description: 'd', width: 10, height: 10, body: '' });
    expect(parseSvg(svg).children.find((c) => c.name === 'title')!.text).toBe('Ward one');
  });

  it('keeps characters outside the Basic Multilingual Plane', () => {
    expect(escapeXml('Café 🚓')).toBe('Café 🚓');
  });
});

describe('svgDocument', () => {
  it('refuses an id that could break url(#…) references or aria-labelledby', () => {
    for (const bad of ['', '1chart', 'a b', 'a"b', 'a)b']) {
      expect(() => svgDocument({ id: bad, title: 't', description: 'd', width: 10, height: 10, body: '' })).toThrow(RangeError);
    }
  });
});

describe('formatNumber', () => {
  it('groups thousands and fixes the decimals', () => {
    expect(formatNumber(1234567)).toBe('1,234,567');
    expect(formatNumber(1234.5, 1)).toBe('1,234.5');
    expect(formatNumber(0.456, 2)).toBe('0.46');
    expect(formatNumber(3, 1)).toBe('3.0');
  });

  it('chooses decimals to suit the figures', () => {
    expect(autoDecimals([1200, 3, null])).toBe(0);
    expect(autoDecimals([0.44, 0.36])).toBe(2);
    expect(autoDecimals([12.4, 8.25])).toBe(1);
  });
});

describe('palette', () => {
  it('has 3:1 contrast against white for every colour used for data marks', () => {
    for (const colour of [PALETTE.blue, PALETTE.darkBlue, PALETTE.secondaryText, PALETTE.text]) {
      expect(contrastRatio(colour, PALETTE.white)).toBeGreaterThanOrEqual(3);
    }
    // Known value: GOV.UK blue on white is about 5.2:1.
    expect(contrastRatio('#1d70b8', '#ffffff')).toBeCloseTo(5.17, 1);
  });
});

describe('wrapText', () => {
  it('keeps words whole and every line within the width where it can', () => {
    expect(wrapText('A very long ward name that wraps', 120)).toEqual(['A very long', 'ward name', 'that wraps']);
    expect(wrapText('Supercalifragilistic', 20)).toEqual(['Supercalifragilistic']);
    expect(wrapText('', 100)).toEqual(['']);
  });
});
