/**
 * Speed check for the grid and Gi*, square and hexagonal, kept out of the test suite because timings depend on
 * the machine. Run: node bin/run-ts.js src/modules/analysis/hotspots/gi-star.speed.ts [LAD22CD…]
 * Needs ../shared/data/boundaries/london-boroughs.geojson (the workspace's real data).
 * Counts are seeded pseudo-random points, since only the grid's size matters for speed.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readBoundaries } from '../../geography/geojson.loader.ts';
import { giStar } from './gi-star.ts';
import { buildGrid, countIntoGrid, gridNeighbours, type GridShape } from './grid.ts';

const file = resolve(import.meta.dirname, '../../../../../shared/data/boundaries/london-boroughs.geojson');
if (!existsSync(file)) {
  console.error(`Skipped: ${file} is not present (only the development workspace has the real data).`);
  process.exit(0);
}
const codes = process.argv.length > 2 ? process.argv.slice(2) : ['E09000001', 'E09000006'];
const boroughs = await readBoundaries(file, { type: 'lad', filter: { property: 'LAD22CD', values: codes } });
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

for (const borough of boroughs) {
  for (const shape of ['square', 'hex'] as GridShape[]) {
    const buildRuns: number[] = [];
    const countRuns: number[] = [];
    const neighbourRuns: number[] = [];
    const giRuns: number[] = [];
    let cells = 0;
    for (let run = 0; run < 7; run++) {
      let t = performance.now();
      const grid = buildGrid({ boundary: [borough.geometry!], cellSize: 250, shape });
      buildRuns.push(performance.now() - t);
      cells = grid.cells.length;
      let seed = 42;
      const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
      const points = new Float64Array(200_000);
      const w = grid.cols * grid.cellSize;
      const h = grid.rows * grid.cellSize * (shape === 'hex' ? Math.sqrt(3) / 2 : 1);
      for (let i = 0; i < points.length; i += 2) {
        points[i] = grid.originEasting + random() * w;
        points[i + 1] = grid.originNorthing + random() * h;
      }
      t = performance.now();
      const { counts } = countIntoGrid(grid, points);
      countRuns.push(performance.now() - t);
      t = performance.now();
      gridNeighbours(grid);
      neighbourRuns.push(performance.now() - t);
      t = performance.now();
      giStar(grid, counts);
      giRuns.push(performance.now() - t);
    }
    console.log(
      `${borough.name} (${borough.code}): ${cells} ${shape} cells of 250 m; median of 7 runs: buildGrid ${median(buildRuns).toFixed(1)} ms, ` +
        `countIntoGrid (100,000 points) ${median(countRuns).toFixed(2)} ms, gridNeighbours ${median(neighbourRuns).toFixed(2)} ms, ` +
        `giStar (neighbours included) ${median(giRuns).toFixed(2)} ms`,
    );
  }
}
