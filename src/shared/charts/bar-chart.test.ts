import { describe, expect, it } from 'vitest';
import { barChart, type BarChartOptions } from './bar-chart.ts';
import { PALETTE } from './svg.ts';
import { byClass, findAll, num, parseSvg, textOf, type SvgNode } from './test-support.ts';

const base: BarChartOptions = {
  id: 'rates',
  title: 'Violence rate by ward',
  description: 'Rate per 1,000 residents with 95% confidence intervals',
  valueLabel: 'Rate per 1,000 residents',
  orientation: 'horizontal',
  bars: [
    { label: 'North', value: 10, lower: 7.5, upper: 12.5 },
    { label: 'Centre', value: 25, lower: 20, upper: 31, highlight: true },
    { label: 'South', value: 40 },
    { label: 'East', value: null, lower: 1, upper: 3 },
  ],
};

/** Tick label → x of its gridline. */
function gridlineX(root: SvgNode): Map<string, number> {
  const grid = byClass(root, 'lantern-chart__grid')[0]!;
  const lines = grid.children.filter((n) => n.name === 'line');
  const labels = grid.children.filter((n) => n.name === 'text');
  return new Map(labels.map((label, i) => [textOf(label), num(lines[i]!, 'x1')]));
}

function row(root: SvgNode, label: string): SvgNode {
  return byClass(root, 'lantern-chart__row').find((r) => textOf(byClass(r, 'lantern-chart__label')[0]!) === label)!;
}

describe('barChart', () => {
  const root = parseSvg(barChart(base));
  // Largest extent 40: nice range 50, step nice(12.5) = 10, so the axis runs 0–40 and the
  // South bar spans it exactly.
  const x = gridlineX(root);
  const x0 = x.get('0')!;
  const x40 = x.get('40')!;
  const unit = (x40 - x0) / 40;

  it('puts the axis on nice ticks from zero', () => {
    expect([...x.keys()]).toEqual(['0', '10', '20', '30', '40']);
  });

  it('draws bar lengths proportional to the values, from zero', () => {
    const bars = byClass(root, 'lantern-chart__bar');
    expect(bars).toHaveLength(3);
    for (const bar of bars) expect(num(bar, 'x')).toBeCloseTo(x0, 1);
    expect(bars.map((b) => num(b, 'width'))).toEqual([
      expect.closeTo(10 * unit, 1),
      expect.closeTo(25 * unit, 1),
      expect.closeTo(x40 - x0, 1),
    ]);
    // Hand check: a quarter and five-eighths of the full axis.
    expect(num(bars[0]!, 'width') / (x40 - x0)).toBeCloseTo(0.25, 3);
    expect(num(bars[1]!, 'width') / (x40 - x0)).toBeCloseTo(0.625, 3);
  });

  it('puts whisker ends at the interval ends', () => {
    const whiskers = byClass(root, 'lantern-chart__row').flatMap((r) => byClass(r, 'lantern-chart__whisker'));
    expect(whiskers).toHaveLength(2);
    const ends = whiskers.map((w) => [
      num(byClass(w, 'lantern-chart__whisker-lower')[0]!, 'x1'),
      num(byClass(w, 'lantern-chart__whisker-upper')[0]!, 'x1'),
    ]);
    expect(ends).toEqual([
      [expect.closeTo(x0 + 7.5 * unit, 1), expect.closeTo(x0 + 12.5 * unit, 1)],
      [expect.closeTo(x0 + 20 * unit, 1), expect.closeTo(x0 + 31 * unit, 1)],
    ]);
    const span = byClass(whiskers[0]!, 'lantern-chart__whisker-span')[0]!;
    expect([num(span, 'x1'), num(span, 'x2')]).toEqual([expect.closeTo(x0 + 7.5 * unit, 1), expect.closeTo(x0 + 12.5 * unit, 1)]);
  });

  it('centres each whisker on its bar', () => {
    const bar = byClass(row(root, 'North'), 'lantern-chart__bar')[0]!;
    const span = byClass(row(root, 'North'), 'lantern-chart__whisker-span')[0]!;
    expect(num(span, 'y1')).toBeCloseTo(num(bar, 'y') + num(bar, 'height') / 2, 1);
  });

  it('shows a suppressed figure as a labelled gap, with no bar and no interval', () => {
    const east = row(root, 'East');
    expect(byClass(east, 'lantern-chart__bar')).toEqual([]);
    expect(byClass(east, 'lantern-chart__whisker')).toEqual([]);
    expect(byClass(east, 'lantern-chart__suppressed').map(textOf)).toEqual(['Suppressed']);
  });

  it('marks the highlighted bar by a darker fill and a bold label', () => {
    const centre = row(root, 'Centre');
    expect(byClass(centre, 'lantern-chart__bar')[0]!.attributes.fill).toBe(PALETTE.darkBlue);
    expect(byClass(centre, 'lantern-chart__label')[0]!.attributes['font-weight']).toBe('bold');
    expect(byClass(row(root, 'North'), 'lantern-chart__bar')[0]!.attributes.fill).toBe(PALETTE.blue);
  });

  it('labels values after the whisker, so the two do not overlap', () => {
    const value = byClass(row(root, 'Centre'), 'lantern-chart__value')[0]!;
    // One decimal throughout, because the interval ends have one.
    expect(textOf(value)).toBe('25.0');
    expect(num(value, 'x')).toBeGreaterThan(x0 + 31 * unit);
  });

  it('formats value labels with thousands separators', () => {
    const big = parseSvg(barChart({ ...base, bars: [{ label: 'A', value: 1200 }, { label: 'B', value: 34567 }] }));
    expect(byClass(big, 'lantern-chart__value').map(textOf)).toEqual(['1,200', '34,567']);
    expect([...gridlineX(big).keys()]).toEqual(['0', '10,000', '20,000', '30,000', '40,000']);
  });

  it('shows ratios to two decimals', () => {
    const ratio = parseSvg(barChart({ ...base, bars: [{ label: 'A', value: 0.44 }, { label: 'B', value: 1.2 }] }));
    expect(byClass(ratio, 'lantern-chart__value').map(textOf)).toEqual(['0.44', '1.20']);
  });

  it('keys the whiskers only when there are intervals', () => {
    expect(textOf(byClass(root, 'lantern-chart__legend')[0]!)).toBe('Confidence interval');
    const plain = parseSvg(barChart({ ...base, bars: [{ label: 'A', value: 3 }] }));
    expect(byClass(plain, 'lantern-chart__legend')).toEqual([]);
  });

  it('wraps a long label rather than cutting it', () => {
    const label = 'A very long ward name that would never fit on one line in the label column';
    const wrapped = parseSvg(barChart({ ...base, bars: [{ label, value: 3 }] }));
    const text = byClass(wrapped, 'lantern-chart__label')[0]!;
    expect(findAll(text, (n) => n.name === 'tspan').length).toBeGreaterThan(1);
    expect(textOf(text)).toBe(label);
  });

  it('refuses an interval with one end or the ends reversed', () => {
    expect(() => barChart({ ...base, bars: [{ label: 'A', value: 3, lower: 1 }] })).toThrow(RangeError);
    expect(() => barChart({ ...base, bars: [{ label: 'A', value: 3, lower: 4, upper: 2 }] })).toThrow(RangeError);
  });
});
