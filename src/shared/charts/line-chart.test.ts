import { describe, expect, it } from 'vitest';
import { lineChart, type LineChartOptions } from './line-chart.ts';
import { byClass, findAll, num, parseSvg, textOf, type SvgNode } from './test-support.ts';

const base: LineChartOptions = {
  id: 'trend',
  title: 'Violence against the person',
  description: 'Monthly count, with the same months a year earlier',
  yLabel: 'Incidents',
  xLabels: ['Jan 2025', 'Feb 2025', 'Mar 2025', 'Apr 2025'],
  series: [
    { name: '2025', values: [100, null, 300, 250], style: 'solid' },
    { name: 'A year earlier', values: [80, 120, null, 200], style: 'dashed' },
  ],
};

/** Tick value → y of its gridline, read from the drawing (label text paired with its line). */
function gridlineY(root: SvgNode): Map<string, number> {
  const grid = byClass(root, 'lantern-chart__grid')[0]!;
  const lines = grid.children.filter((n) => n.name === 'line');
  const labels = grid.children.filter((n) => n.name === 'text');
  return new Map(labels.map((label, i) => [textOf(label), num(lines[i]!, 'y1')]));
}

function series(root: SvgNode, style: string): SvgNode {
  return findAll(root, (n) => n.attributes['data-style'] === style)[0]!;
}

describe('lineChart', () => {
  const root = parseSvg(lineChart(base));

  it('labels the y axis on nice ticks: 0 to 300 in hundreds', () => {
    // Range 0–300: nice range 500, step nice(500/4 = 125) = 100.
    expect([...gridlineY(root).keys()]).toEqual(['0', '100', '200', '300']);
  });

  it('places points on the axis scale', () => {
    const y = gridlineY(root);
    const y0 = y.get('0')!;
    const y300 = y.get('300')!;
    const points = byClass(series(root, 'solid'), 'lantern-chart__point');
    expect(points.map((p) => num(p, 'cy'))).toEqual([
      expect.closeTo(y.get('100')!, 1),
      expect.closeTo(y300, 1),
      expect.closeTo(y0 + ((y300 - y0) * 250) / 300, 1),
    ]);
  });

  it('spaces months evenly and draws no point for a null', () => {
    const solid = byClass(series(root, 'solid'), 'lantern-chart__point').map((p) => num(p, 'cx'));
    const dashed = byClass(series(root, 'dashed'), 'lantern-chart__point').map((p) => num(p, 'cx'));
    expect(solid).toHaveLength(3);
    expect(dashed).toHaveLength(3);
    // Jan and Apr are in both series; the gaps are Feb (solid) and Mar (dashed).
    const jan = solid[0]!;
    const step = (solid[2]! - jan) / 3;
    expect(solid).toEqual([jan, expect.closeTo(jan + 2 * step, 1), jan + 3 * step]);
    expect(dashed).toEqual([expect.closeTo(jan, 1), expect.closeTo(jan + step, 1), expect.closeTo(jan + 3 * step, 1)]);
  });

  it('breaks the line at a null instead of bridging it', () => {
    const d = byClass(series(root, 'solid'), 'lantern-chart__line')[0]!.attributes.d!;
    const commands = d.match(/[ML]/g);
    // Jan alone, then a new subpath Mar → Apr: Jan is never joined to Mar.
    expect(commands).toEqual(['M', 'M', 'L']);
  });

  it('draws the earlier year dashed and the current year solid', () => {
    const dashedLine = byClass(series(root, 'dashed'), 'lantern-chart__line')[0]!;
    const solidLine = byClass(series(root, 'solid'), 'lantern-chart__line')[0]!;
    expect(dashedLine.attributes['stroke-dasharray']).toMatch(/^\d+ \d+$/);
    expect(solidLine.attributes['stroke-dasharray']).toBeUndefined();
    expect(series(root, 'dashed').attributes['data-series']).toBe('A year earlier');
  });

  it('shows both series in the legend and explains gaps as suppressed', () => {
    const legend = textOf(byClass(root, 'lantern-chart__legend')[0]!);
    expect(legend).toContain('2025');
    expect(legend).toContain('A year earlier');
    expect(byClass(root, 'lantern-chart__suppressed').map(textOf).join(' ')).toMatch(/suppressed/i);
  });

  it('has no gap note when every month has a figure', () => {
    const full = parseSvg(lineChart({ ...base, series: [{ name: 'x', values: [1, 2, 3, 4], style: 'solid' }] }));
    expect(byClass(full, 'lantern-chart__suppressed')).toEqual([]);
  });

  it('formats tick labels and point tooltips with thousands separators', () => {
    const big = parseSvg(lineChart({ ...base, series: [{ name: 'x', values: [1234, 980, 1100, 1000], style: 'solid' }] }));
    expect([...gridlineY(big).keys()]).toEqual(['0', '500', '1,000', '1,500']);
    const tooltips = findAll(big, (n) => n.name === 'title' && n.text.includes('Jan 2025'));
    expect(tooltips[0]!.text).toBe('x, Jan 2025: 1,234');
  });

  it('draws an axis but no line when every value is suppressed', () => {
    const empty = parseSvg(lineChart({ ...base, series: [{ name: 'x', values: [null, null, null, null], style: 'solid' }] }));
    expect(byClass(empty, 'lantern-chart__point')).toEqual([]);
    expect(byClass(empty, 'lantern-chart__line')).toEqual([]);
    expect(gridlineY(empty).size).toBeGreaterThan(1);
  });

  it('refuses a series whose length does not match the months', () => {
    expect(() => lineChart({ ...base, series: [{ name: 'x', values: [1, 2], style: 'solid' }] })).toThrow(/2 values for 4 x labels/);
  });

  it('uses the requested size', () => {
    const sized = parseSvg(lineChart({ ...base, width: 900, height: 500 }));
    expect(sized.attributes.width).toBe('900');
    expect(sized.attributes.height).toBe('500');
  });
});
