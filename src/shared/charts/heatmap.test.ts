import { describe, expect, it } from 'vitest';
import { heatmap, heatmapColour, type HeatmapOptions } from './heatmap.ts';
import { PALETTE, relativeLuminance } from './svg.ts';
import { byClass, findAll, num, parseSvg, textOf } from './test-support.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h));

const base: HeatmapOptions = {
  id: 'when',
  title: 'Incidents by day and hour',
  description: 'Counts by weekday and hour of day',
  rowLabels: DAYS,
  columnLabels: HOURS,
  // Each cell's count is 10 × hour + day index, so counts rise along every row and column.
  values: DAYS.map((_, d) => HOURS.map((_, h) => 10 * h + d)),
  valueLabel: 'Incidents',
};

function cellAt(root: ReturnType<typeof parseSvg>, row: number, column: number) {
  return byClass(root, 'lantern-chart__cell').find((c) => c.attributes['data-row'] === String(row) && c.attributes['data-column'] === String(column))!;
}

describe('heatmap', () => {
  it('draws one cell per value, rows by columns', () => {
    const root = parseSvg(heatmap(base));
    const cells = byClass(root, 'lantern-chart__cell');
    expect(cells).toHaveLength(7 * 24);
    const first = cellAt(root, 0, 0);
    const next = cellAt(root, 0, 1);
    const below = cellAt(root, 1, 0);
    expect(num(next, 'x') - num(first, 'x')).toBeCloseTo(num(first, 'width'), 1);
    expect(num(below, 'y') - num(first, 'y')).toBeCloseTo(num(first, 'height'), 1);
    expect(byClass(root, 'lantern-chart__label').map(textOf)).toEqual(DAYS);
  });

  it('darkens cells as the value rises', () => {
    const root = parseSvg(heatmap(base));
    const cells = byClass(root, 'lantern-chart__cell')
      .map((c) => ({ value: Number(c.attributes['data-value']), luminance: relativeLuminance(c.attributes.fill!) }))
      .sort((a, b) => a.value - b.value);
    // Never lighter for a higher count; 8-bit colour can give neighbours one shade.
    for (let i = 1; i < cells.length; i++) expect(cells[i]!.luminance).toBeLessThanOrEqual(cells[i - 1]!.luminance);
    // Strictly darker once counts differ by a tenth of the scale (0–250 here).
    const monday = [0, 3, 6, 9, 12, 15, 18, 21, 23].map((h) => relativeLuminance(cellAt(root, 0, h).attributes.fill!));
    for (let i = 1; i < monday.length; i++) expect(monday[i]).toBeLessThan(monday[i - 1]!);
  });

  it('runs the scale from light to GOV.UK blue to dark blue', () => {
    expect(heatmapColour(0)).toBe(PALETTE.lightBlue);
    expect(heatmapColour(0.6)).toBe(PALETTE.blue);
    expect(heatmapColour(1)).toBe(PALETTE.darkBlue);
    const samples = Array.from({ length: 101 }, (_, i) => relativeLuminance(heatmapColour(i / 100)));
    for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeLessThanOrEqual(samples[i - 1]!);
  });

  it('hatches suppressed cells and names the hatch in the legend', () => {
    const values = base.values.map((row) => [...row]);
    values[2]![3] = null;
    const root = parseSvg(heatmap({ ...base, values }));
    const cell = cellAt(root, 2, 3);
    expect(cell.attributes.fill).toBe('url(#when-hatch)');
    expect(cell.attributes['data-value']).toBeUndefined();
    expect(findAll(root, (n) => n.name === 'pattern' && n.attributes.id === 'when-hatch')).toHaveLength(1);
    expect(byClass(root, 'lantern-chart__suppressed').map(textOf)).toEqual(['Suppressed']);
    expect(findAll(cell, (n) => n.name === 'title')[0]!.text).toBe('Wed, 3: suppressed');
  });

  it('has no suppressed key when nothing is suppressed', () => {
    const root = parseSvg(heatmap(base));
    expect(byClass(root, 'lantern-chart__suppressed')).toEqual([]);
  });

  it('labels the legend on nice ticks with thousands separators', () => {
    const root = parseSvg(heatmap({ ...base, values: base.values.map((row) => row.map((v) => (v === null ? null : v * 10))) }));
    // Counts 0–2,360: nice range 5,000, step nice(1,250) = 1,000, so 0–3,000.
    const legend = byClass(root, 'lantern-chart__legend')[0]!;
    expect(byClass(legend, 'lantern-chart__tick').map(textOf)).toEqual(['0', '1,000', '2,000', '3,000']);
    expect(textOf(byClass(legend, 'lantern-chart__axis-label')[0]!)).toBe('Incidents');
  });

  it('refuses values that do not match the labels', () => {
    expect(() => heatmap({ ...base, values: [[1, 2]] })).toThrow(RangeError);
  });
});
