import { describe, expect, it } from 'vitest';
import { familyChart } from './family-chart.ts';
import { contrastRatio } from './svg.ts';
import { byClass, parseSvg, SVG_NS, textOf } from './test-support.ts';

const options = {
  id: 'family-chart-B12b',
  title: 'Violence offences per 1,000: Kingsbridge and its family',
  description: 'The partnership, the family average and each member.',
  xLabels: ['2019/20', '2020/21', '2021/22'],
  highlight: { name: 'Kingsbridge', values: [30, null, 28] },
  average: { name: 'Family average', values: [25, 26, 24] },
  context: [{ name: 'Alpha', values: [20, 22, 21] }, { name: 'Beta <b>', values: [31, 30, null] }],
  contextLabel: 'Family members (one line each)',
  yLabel: 'Per 1,000 residents',
};

describe('the family chart', () => {
  it('is a well-formed, named SVG with one series per line, the partnership drawn last', () => {
    const root = parseSvg(familyChart(options));
    expect(root.uri).toBe(SVG_NS);
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-labelledby']).toBe('family-chart-B12b-title family-chart-B12b-desc');
    const series = byClass(root, 'lantern-chart__series');
    expect(series.map((s) => s.attributes['data-role'])).toEqual(['member', 'member', 'average', 'partnership']);
    expect(series.map((s) => s.attributes['data-series'])).toEqual(['Alpha', 'Beta <b>', 'Family average', 'Kingsbridge']);
    expect(textOf(byClass(root, 'lantern-chart__legend')[0]!)).toContain('Family members (one line each)');
  });

  it('breaks a line at a missing value instead of bridging it', () => {
    const root = parseSvg(familyChart(options));
    const own = byClass(root, 'lantern-chart__series').find((s) => s.attributes['data-role'] === 'partnership')!;
    const path = own.children.find((c) => c.name === 'path')!;
    expect(path.attributes.d!.match(/M/g)).toHaveLength(2);
    expect(own.children.filter((c) => c.name === 'circle')).toHaveLength(2);
  });

  it('draws its members in a grey that still has 3:1 contrast', () => {
    expect(contrastRatio('#6f777b', '#ffffff')).toBeGreaterThanOrEqual(3);
  });

  it('refuses series that do not match the periods', () => {
    expect(() => familyChart({ ...options, average: { name: 'x', values: [1] } })).toThrow(/3 x labels/);
  });
});
