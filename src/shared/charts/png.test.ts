import { describe, expect, it } from 'vitest';
import { barChart } from './bar-chart.ts';
import { lineChart } from './line-chart.ts';
import { chartFontFamily, svgToPng } from './png.ts';
import { MARGIN, TITLE_FONT_SIZE } from './svg.ts';
import { decodePng } from './test-support.ts';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const chart = barChart({
  id: 'png', title: 'Violence rate by ward', description: 'Rates', valueLabel: 'Rate per 1,000',
  bars: [{ label: 'North', value: 10 }, { label: 'South', value: 25 }],
  width: 600,
});

/** Pixels clearly darker than the white background (anti-aliased text edges are not counted). */
function darkPixels(png: Buffer, box: { x0: number; x1: number; y0: number; y1: number }): number {
  const image = decodePng(png);
  let dark = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * image.width + x) * 4;
      if (image.rgba[i]! < 128 && image.rgba[i + 1]! < 128 && image.rgba[i + 2]! < 128) dark++;
    }
  }
  return dark;
}

describe('svgToPng', () => {
  it('writes a PNG at the chart size times the scale', async () => {
    for (const scale of [1, 2]) {
      const png = await svgToPng(chart, { scale });
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      // IHDR is the first chunk: length (4), type (4), then width and height, big-endian.
      expect(png.toString('latin1', 12, 16)).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBe(600 * scale);
      const height = Number(/height="(\d+)"/.exec(chart)![1]);
      expect(png.readUInt32BE(20)).toBe(height * scale);
    }
  });

  it('draws the title text', async () => {
    const scale = 2;
    const png = await svgToPng(chart, { scale });
    // The title's cap height sits between y = MARGIN and its baseline at MARGIN + 19.
    const titleBand = { x0: MARGIN * scale, x1: 300 * scale, y0: MARGIN * scale, y1: (MARGIN + TITLE_FONT_SIZE + 4) * scale };
    const inked = darkPixels(png, titleBand);
    // 21 bold glyphs at 19px cover far more than a few hundred pixels at 2×; a missing font
    // (resvg draws nothing for text it cannot match) would leave the band white.
    expect(inked).toBeGreaterThan(500);
    // The band is text only: the same band in an untitled chart is blank.
    const untitled = await svgToPng(chart.replace(/(<text[^>]*lantern-chart__title[^>]*>)[^<]*/, '$1'), { scale });
    expect(darkPixels(untitled, titleBand)).toBe(0);
  });

  it('renders dashed lines and hatching without error', async () => {
    const line = lineChart({
      id: 'l', title: 'Trend', description: 'd', yLabel: 'Count', xLabels: ['Jan', 'Feb', 'Mar'],
      series: [{ name: 'Now', values: [1, null, 3], style: 'solid' }, { name: 'Before', values: [2, 2, 2], style: 'dashed' }],
    });
    const png = await svgToPng(line);
    expect(decodePng(png).width).toBe(760);
  });

  it('uses Arial or a stand-in that the machine has', () => {
    expect(['Arial', 'Liberation Sans', 'Arimo', 'DejaVu Sans']).toContain(chartFontFamily());
  });

  it('refuses a scale that would make an enormous image', async () => {
    await expect(svgToPng(chart, { scale: 50 })).rejects.toThrow(RangeError);
    await expect(svgToPng(chart, { scale: Number.NaN })).rejects.toThrow(RangeError);
  });
});
