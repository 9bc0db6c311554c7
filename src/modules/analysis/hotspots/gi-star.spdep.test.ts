/**
 * Gi* checked against an independent implementation, R's spdep::localG, on the same cells
 * and the same weights (dnearneigh within 1.5 cell widths, include.self, binary style).
 * R also supplies the p-values (pnorm) and their BH adjustment (p.adjust).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBng, toBng } from '../../../shared/bng.ts';
import type { PolygonGeometry, Position } from '../../geography/area.types.ts';
import { readBoundaries } from '../../geography/geojson.loader.ts';
import { giStar } from './gi-star.ts';
import { buildGrid, countIntoGrid, type Grid } from './grid.ts';

const hasR =
  spawnSync('Rscript', ['-e', 'quit(status = if (requireNamespace("spdep", quietly = TRUE)) 0 else 1)'], { stdio: 'ignore' }).status === 0;
const dataDir = resolve(import.meta.dirname, '../../../../../shared/data');
const hasData = existsSync(join(dataDir, 'police-uk/city-of-london')) && existsSync(join(dataDir, 'boundaries/london-boroughs.geojson'));

const R_SCRIPT = `
suppressPackageStartupMessages(library(spdep))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])
coords <- cbind(d$easting, d$northing)
nb <- include.self(dnearneigh(coords, 0, 1.5 * as.numeric(args[3])))
lw <- nb2listw(nb, style = "B")
z <- as.numeric(localG(d$x, lw))
p <- 2 * pnorm(-abs(z))
out <- data.frame(z = formatC(z, digits = 17, format = "g"), p = formatC(p, digits = 17, format = "g"),
                  q = formatC(p.adjust(p, "BH"), digits = 17, format = "g"))
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
`;

const workDir = mkdtempSync(join(tmpdir(), 'lantern-gi-star-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type Reference = { z: number[]; p: number[]; q: number[] };

function spdepLocalG(grid: Grid, values: ArrayLike<number>, name: string): Reference {
  const script = join(workDir, 'localG.R');
  const input = join(workDir, `${name}.in.csv`);
  const output = join(workDir, `${name}.out.csv`);
  writeFileSync(script, R_SCRIPT);
  const lines = ['easting,northing,x'];
  grid.cells.forEach((c, i) => lines.push(`${c.easting},${c.northing},${values[i]}`));
  writeFileSync(input, lines.join('\n') + '\n');
  const run = spawnSync('Rscript', [script, input, output, String(grid.cellSize)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`Rscript failed: ${run.stderr}`);
  const rows = readFileSync(output, 'utf8').trim().split('\n').slice(1);
  const cols = rows.map((r) => r.split(',').map(Number));
  return { z: cols.map((c) => c[0] as number), p: cols.map((c) => c[1] as number), q: cols.map((c) => c[2] as number) };
}

function compare(grid: Grid, values: ArrayLike<number>, name: string): number {
  const ours = giStar(grid, values);
  const ref = spdepLocalG(grid, values, name);
  expect(ref.z).toHaveLength(ours.length);
  let maxDiff = 0;
  ours.forEach((cell, i) => {
    maxDiff = Math.max(maxDiff, Math.abs(cell.z - (ref.z[i] as number)));
    expect(cell.p).toBeCloseTo(ref.p[i] as number, 9);
    expect(cell.pFdr).toBeCloseTo(ref.q[i] as number, 9);
  });
  expect(maxDiff).toBeLessThan(1e-6);
  console.log(`${name}: ${ours.length} cells, max |z − spdep z| = ${maxDiff.toExponential(2)}`);
  return maxDiff;
}

describe.skipIf(!hasR)(`Gi* against R spdep::localG${hasR ? '' : ' (skipped: Rscript with spdep is not installed)'}`, () => {
  it('agrees on a seeded 30×30 grid with a planted cluster and an irregular edge', () => {
    // 30×30 cells of 250 m with a 5×8-cell notch cut from the east side, so edge cells have
    // 4, 6 or 9 neighbours; outline densified so it stays straight in BNG.
    const e0 = 530000;
    const n0 = 180000;
    const size = 250;
    const outline: [number, number][] = [
      [0, 0], [30, 0], [30, 10], [25, 10], [25, 18], [30, 18], [30, 30], [0, 30],
    ];
    const ring: Position[] = [];
    for (let k = 0; k < outline.length; k++) {
      const [ax, ay] = outline[k] as [number, number];
      const [bx, by] = outline[(k + 1) % outline.length] as [number, number];
      for (let s = 0; s < 10; s++) ring.push(fromBng(e0 + (ax + ((bx - ax) * s) / 10) * size, n0 + (ay + ((by - ay) * s) / 10) * size));
    }
    ring.push(ring[0] as Position);
    const boundary: PolygonGeometry = { type: 'Polygon', coordinates: [ring] };
    const grid = buildGrid({ boundary: [boundary], cellSize: size });
    expect(grid.cells).toHaveLength(900 - 40);

    let seed = 20240501;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const values = grid.cells.map((c) => {
      const base = Math.floor(random() * 5);
      const d2 = (c.col - 8) ** 2 + (c.row - 20) ** 2;
      return d2 <= 4 ? base + 15 + Math.floor(random() * 10) : base;
    });
    compare(grid, values, 'seeded');
    expect(giStar(grid, values)[grid.cellIndex[20 * grid.cols + 8] as number]?.class).toBe('hot-99');
  });

  describe.skipIf(!hasData)(`on real City of London data${hasData ? '' : ' (skipped: ../shared/data is not present)'}`, () => {
    it('agrees on police.uk street crime counted into a 250 m grid over the City', async () => {
      const [city] = await readBoundaries(join(dataDir, 'boundaries/london-boroughs.geojson'), {
        type: 'lad',
        filter: { property: 'LAD22CD', values: ['E09000001'] },
      });
      expect(city?.geometry).toBeTruthy();
      const grid = buildGrid({ boundary: [city!.geometry!], cellSize: 250 });

      const folder = join(dataDir, 'police-uk/city-of-london');
      const coords: number[] = [];
      for (const file of readdirSync(folder).filter((f) => f.endsWith('.csv'))) {
        const rows = parse(readFileSync(join(folder, file), 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
        for (const row of rows) {
          if (!row.Longitude || !row.Latitude) continue;
          coords.push(...toBng(Number(row.Longitude), Number(row.Latitude)));
        }
      }
      const { counts, outside } = countIntoGrid(grid, Float64Array.from(coords));
      expect(counts.reduce((a, b) => a + b, 0) + outside).toBe(coords.length / 2);
      expect(grid.cells.length).toBeGreaterThan(20);
      compare(grid, counts, 'city-of-london');
    });
  });
});
