export { lineChart, type LineChartOptions, type LineSeries } from './line-chart.ts';
export { barChart, type Bar, type BarChartOptions } from './bar-chart.ts';
export { heatmap, heatmapColour, type HeatmapOptions } from './heatmap.ts';
export { niceTicks, tickDecimals } from './nice-ticks.ts';
export { svgToPng, chartFontFamily, type PngOptions } from './png.ts';
export { escapeXml, formatNumber, contrastRatio, PALETTE, SUPPRESSED_TEXT } from './svg.ts';
export { choropleth, polygonsOf, type ChoroplethArea, type ChoroplethOptions } from './choropleth.ts';
