import { describe, expect, it } from 'vitest';
import { choropleth } from './choropleth.ts';

const square = (x: number, y: number, d = 0.01): number[][] => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];

describe('static choropleth', () => {
  it('draws an area made of two touching polygons with one outline round both, not the seam between them', () => {
    const svg = choropleth({
      id: 'test-map', title: 'Rates', description: 'A test map.',
      areas: [{ name: 'Ward A', polygons: [[square(-1, 52)], [square(-0.99, 52)]], classIndex: 1 }, { name: 'Ward B', polygons: [[square(-1, 52.01)]], classIndex: null }],
      legend: [{ label: 'Low', colour: '#eff3ff' }, { label: 'High', colour: '#08519c' }],
      noValueLabel: 'No figure',
    });
    expect(svg).toMatch(/^<svg[^>]*role="img"[^>]*aria-labelledby="test-map-title test-map-desc"/);
    expect(svg).toContain('<title>Ward A</title>');
    expect(svg).toContain('fill="#08519c"');
    // The unshaded area and the legend's "No figure" entry.
    expect(svg).toContain('fill="#f3f2f1"');
    expect(svg).toContain('No figure');
    // Ward A's outline: two squares share one edge, so 4 + 4 - 2 = 6 edges remain.
    const outlines = [...svg.matchAll(/<path d="([^"]*)" fill="none"/g)].map((m) => m[1]!);
    expect(outlines[0]!.match(/M/g)!.length).toBe(6);
    expect(outlines[1]!.match(/M/g)!.length).toBe(4);
  });
});
