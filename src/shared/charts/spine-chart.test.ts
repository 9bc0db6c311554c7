import { describe, expect, it } from 'vitest';
import { comparisonChart } from './comparison-chart.ts';
import { intervalTrendChart } from './interval-trend-chart.ts';
import { svgToPng } from './png.ts';
import { COMPARISON_STYLES, spineChart, type SpineChartOptions } from './spine-chart.ts';
import { contrastRatio, PALETTE } from './svg.ts';
import { byClass, decodePng, findAll, num, parseSvg, textOf, type SvgNode } from './test-support.ts';

const base: SpineChartOptions = {
  id: 'spine',
  title: 'Kingsbridge Central compared with the partnership',
  description: 'One row per indicator',
  benchmarkLabel: 'Partnership value',
  rows: [
    // Low is good: the area (30) is above the benchmark (20), worse, and must sit left of centre.
    { label: 'Violence offences per 1,000', benchmark: 20, range: { min: 10, q1: 15, q3: 24, max: 30 }, value: 30, comparison: 'worse', polarity: 'low-is-good' },
    // High is good: not reversed; 25 is right of centre.
    { label: 'Satisfaction per 100', benchmark: 20, range: { min: 15, q1: 18, q3: 22, max: 40 }, value: 25, comparison: 'similar', polarity: 'high-is-good' },
    { label: 'ASB incidents per 1,000', benchmark: 8, range: { min: 2, q1: 5, q3: 9, max: 14 }, value: null, comparison: null, polarity: 'low-is-good', missingText: 'Suppressed' },
    { label: 'Fires per 1,000', benchmark: 5, range: null, value: 4, comparison: 'lower', polarity: 'none' },
  ],
};

function row(root: SvgNode, label: string): SvgNode {
  return byClass(root, 'lantern-chart__row').find((r) => r.attributes['data-label'] === label)!;
}
/** The x where a mark is centred, whatever its shape. */
function markX(mark: SvgNode): number {
  if (mark.name === 'circle') return num(mark, 'cx');
  if (mark.name === 'rect') return num(mark, 'x') + num(mark, 'width') / 2;
  const xs = [...mark.attributes.d!.matchAll(/([\d.]+) [\d.]+/g)].map((m) => Number(m[1]));
  return (Math.min(...xs) + Math.max(...xs)) / 2;
}

describe('spineChart', () => {
  const root = parseSvg(spineChart(base));
  const centre = num(byClass(root, 'lantern-chart__benchmark')[0]!, 'x1');

  it('is an accessible, well-formed image with a title and description', () => {
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-labelledby']).toBe('spine-title spine-desc');
    expect(findAll(root, (n) => n.name === 'desc')[0]!.text).toBe('One row per indicator');
  });

  it('centres the benchmark and reverses the spine when low is good, so worse is on the left', () => {
    const violence = row(root, 'Violence offences per 1,000');
    const range = byClass(violence, 'lantern-chart__spine-range')[0]!;
    const iqr = byClass(violence, 'lantern-chart__spine-iqr')[0]!;
    const mark = byClass(violence, 'lantern-chart__mark')[0]!;
    // Extent 10 either side of 20: min 10 (better) at the right end, max 30 (worse) at the left end.
    const left = num(range, 'x');
    const right = left + num(range, 'width');
    expect(centre - left).toBeCloseTo(right - centre, 1);
    expect(markX(mark)).toBeCloseTo(left, 1);
    // q3 = 24 is 4/10 of the half width left of centre, q1 = 15 is 5/10 right of it.
    const half = centre - left;
    expect(num(iqr, 'x')).toBeCloseTo(centre - 0.4 * half, 1);
    expect(num(iqr, 'x') + num(iqr, 'width')).toBeCloseTo(centre + 0.5 * half, 1);
  });

  it('keeps high-is-good spines the right way round, scaled to the furthest area', () => {
    const sat = row(root, 'Satisfaction per 100');
    const range = byClass(sat, 'lantern-chart__spine-range')[0]!;
    const left = num(range, 'x');
    const right = left + num(range, 'width');
    // Extent 20 (max 40); min 15 is a quarter of the half width left of centre; 25 a quarter right.
    const half = right - centre;
    expect(centre - left).toBeCloseTo(half / 4, 1);
    expect(markX(byClass(sat, 'lantern-chart__mark')[0]!)).toBeCloseTo(centre + half / 4, 1);
  });

  it('tells classes by shape and writes them as text, not by colour alone', () => {
    const worse = byClass(row(root, 'Violence offences per 1,000'), 'lantern-chart__mark')[0]!;
    const similar = byClass(row(root, 'Satisfaction per 100'), 'lantern-chart__mark')[0]!;
    const lower = byClass(row(root, 'Fires per 1,000'), 'lantern-chart__mark')[0]!;
    expect([worse.name, worse.attributes.fill, worse.attributes['data-class']]).toEqual(['path', '#d4351c', 'worse']);
    expect([similar.name, similar.attributes['data-class']]).toEqual(['rect', 'similar']);
    expect(lower.attributes['data-class']).toBe('lower');
    expect(textOf(byClass(row(root, 'Violence offences per 1,000'), 'lantern-chart__value')[0]!)).toBe('30.0 worse');
    // Every mark is outlined in near-black, which has far more than 3:1 against white.
    expect(contrastRatio(worse.attributes.stroke!, PALETTE.white)).toBeGreaterThan(3);
    const legend = textOf(byClass(root, 'lantern-chart__legend')[0]!);
    expect(legend).toContain('Worse');
    expect(legend).toContain('Range of areas');
    expect(legend).not.toContain('Better');
  });

  it('draws no mark for a suppressed figure and says so', () => {
    const asb = row(root, 'ASB incidents per 1,000');
    expect(byClass(asb, 'lantern-chart__mark')).toEqual([]);
    expect(textOf(byClass(asb, 'lantern-chart__value')[0]!)).toBe('Suppressed');
  });

  it('draws a row with no range of areas as the mark alone', () => {
    const fires = row(root, 'Fires per 1,000');
    expect(byClass(fires, 'lantern-chart__spine-range')).toEqual([]);
    // Polarity none: not reversed, and the only distance is the value's own, so it reaches the left end.
    expect(markX(byClass(fires, 'lantern-chart__mark')[0]!)).toBeLessThan(centre);
  });

  it('refuses a range out of order', () => {
    expect(() => spineChart({ ...base, rows: [{ ...base.rows[0]!, range: { min: 10, q1: 25, q3: 24, max: 30 } }] })).toThrow(RangeError);
  });

  it('rasterises to PNG at the SVG size', async () => {
    const png = decodePng(await svgToPng(spineChart(base)));
    expect(png.width).toBe(Number(root.attributes.width));
  });

  it('has a distinct shape for each class', () => {
    const shapes = Object.values(COMPARISON_STYLES).map((s) => `${s.shape}:${s.fill}`);
    expect(new Set(shapes).size).toBe(shapes.length);
  });
});

describe('comparisonChart', () => {
  const root = parseSvg(comparisonChart({
    id: 'areas', title: 'Areas', description: 'Areas against the partnership', valueLabel: 'per 1,000',
    benchmark: { value: 20, label: 'Partnership' },
    rows: [
      { label: 'North', value: 10, lower: 8, upper: 12, comparison: 'better' },
      { label: 'South', value: 40, lower: 35, upper: 45, comparison: 'worse', highlight: true },
      { label: 'East', value: null, lower: null, upper: null, comparison: null, missingText: 'Suppressed' },
    ],
  }));
  it('puts the benchmark line, marks and whiskers on one zero-based scale', () => {
    const grid = byClass(root, 'lantern-chart__grid')[0]!;
    const ticks = new Map(grid.children.filter((n) => n.name === 'text').map((t, i) => [textOf(t), num(grid.children.filter((c) => c.name === 'line')[i]!, 'x1')]));
    const x0 = ticks.get('0')!;
    const unit = (ticks.get('40')! - x0) / 40;
    expect(num(byClass(root, 'lantern-chart__benchmark')[0]!, 'x1')).toBeCloseTo(x0 + 20 * unit, 1);
    const south = row(root, 'South');
    expect(markX(byClass(south, 'lantern-chart__mark')[0]!)).toBeCloseTo(x0 + 40 * unit, 1);
    const span = byClass(south, 'lantern-chart__whisker')[0]!.children[0]!;
    expect([num(span, 'x1'), num(span, 'x2')]).toEqual([expect.closeTo(x0 + 35 * unit, 1), expect.closeTo(x0 + 45 * unit, 1)]);
    expect(byClass(row(root, 'East'), 'lantern-chart__whisker')).toEqual([]);
    expect(textOf(byClass(row(root, 'East'), 'lantern-chart__missing')[0]!)).toBe('Suppressed');
  });
});

describe('intervalTrendChart', () => {
  const root = parseSvg(intervalTrendChart({
    id: 'trend', title: 'Trend', description: 'Rolling 12 months', yLabel: 'per 1,000', benchmarkLabel: 'Partnership',
    points: [
      { label: 'Jan 2025', value: 10, lower: 8, upper: 12, comparison: 'similar', benchmark: 11 },
      { label: 'Feb 2025', value: 12, lower: 10, upper: 14, comparison: 'similar', benchmark: 11 },
      { label: 'Mar 2025', value: null, lower: null, upper: null, comparison: null, benchmark: 11 },
      { label: 'Apr 2025', value: 16, lower: 13, upper: 19, comparison: 'worse', benchmark: 11 },
    ],
  }));
  it('breaks the line and the band at a period without a figure', () => {
    expect(byClass(root, 'lantern-chart__line')[0]!.attributes.d!.match(/[ML]/g)).toEqual(['M', 'L', 'M']);
    // One band polygon for Jan–Feb, and a bar for the lone April.
    expect(byClass(root, 'lantern-chart__band').map((b) => b.name)).toEqual(['path', 'line']);
    expect(byClass(byClass(root, 'lantern-chart__points')[0]!, 'lantern-chart__mark').map((m) => m.attributes['data-class'])).toEqual(['similar', 'similar', 'worse']);
    expect(byClass(root, 'lantern-chart__benchmark')[0]!.attributes.d!.match(/[ML]/g)).toEqual(['M', 'L', 'L', 'L']);
  });
});
